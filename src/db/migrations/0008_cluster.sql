-- Several nodes on one database (ARCHITECTURE.md, Cluster). PostgreSQL is the
-- only coordinator: nodes announce themselves with heartbeats, hold the 256
-- partitions of the tasks through lease rows whose times are the database's
-- now(), and hear of changes made on other nodes through LISTEN/NOTIFY.

-- One row per running `taskhook serve`; a node has a fresh id at each start
-- and deletes its row when it stops gracefully.
CREATE TABLE cluster_nodes (
  id            uuid PRIMARY KEY,
  name          text NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per partition, always 256 of them. owner NULL: free. epoch rises
-- with every claim, so it names one holding of the partition: state writes
-- carry the epoch they were made under and land only while it is current.
CREATE TABLE partition_leases (
  partition   smallint PRIMARY KEY CHECK (partition BETWEEN 0 AND 255),
  owner       uuid,
  epoch       bigint NOT NULL DEFAULT 0,
  expires_at  timestamptz,
  claimed_at  timestamptz,
  CHECK ((owner IS NULL) = (expires_at IS NULL))
);
INSERT INTO partition_leases (partition) SELECT g FROM generate_series(0, 255) AS g;

-- The partition of a webhook URL: FNV-1a (32 bit) of the webhook id (the
-- digits after /webhooks/), modulo 256. All tasks posting to one webhook land
-- in one partition, so they run on one node and share its rate-limit bucket.
-- A URL without an id hashes whole (the API never stores one).
CREATE FUNCTION taskhook_partition(webhook_url text) RETURNS smallint
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  key bytea := convert_to(
    coalesce(substring(webhook_url FROM '/webhooks/([0-9]+)'), webhook_url), 'UTF8');
  h bigint := 2166136261;
BEGIN
  FOR i IN 0 .. length(key) - 1 LOOP
    h := ((h # get_byte(key, i)) * 16777619) & 4294967295;
  END LOOP;
  RETURN (h % 256)::smallint;
END $$;

-- Kept by a trigger that runs only when the webhook changes: a generated
-- column would be recomputed on every update of the row, and the actors
-- update next/last run thousands of times a second.
ALTER TABLE tasks
  ADD COLUMN partition smallint,
  -- Set from task_change_seq by every change through the API (any rise of
  -- revision): a node that missed a notification reads what changed since
  -- the last sequence number it saw.
  ADD COLUMN change_seq bigint;
CREATE SEQUENCE task_change_seq;
UPDATE tasks SET change_seq = nextval('task_change_seq'),
                 partition = taskhook_partition(webhook_url);
ALTER TABLE tasks ALTER COLUMN change_seq SET NOT NULL,
                  ALTER COLUMN partition SET NOT NULL;

CREATE FUNCTION taskhook_set_partition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.partition := taskhook_partition(NEW.webhook_url);
  RETURN NEW;
END $$;
CREATE TRIGGER tasks_set_partition BEFORE INSERT OR UPDATE OF webhook_url ON tasks
  FOR EACH ROW EXECUTE FUNCTION taskhook_set_partition();
CREATE INDEX tasks_change_seq ON tasks (change_seq);
-- Claiming a partition loads its ACTIVE tasks.
CREATE INDEX tasks_partition_active ON tasks (partition, id)
  WHERE status = 'ACTIVE' AND deleted_at IS NULL;

CREATE FUNCTION taskhook_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.revision IS DISTINCT FROM OLD.revision THEN
    NEW.change_seq := nextval('task_change_seq');
  END IF;
  RETURN NEW;
END $$;
-- Only statements that set revision (changes through the API) fire it: the
-- thousands of progress writes a second (next/last run) do not.
CREATE TRIGGER tasks_note_change BEFORE INSERT OR UPDATE OF revision ON tasks
  FOR EACH ROW EXECUTE FUNCTION taskhook_note_change();

-- Sent at commit, once per transaction that changed tasks through the API:
-- listeners then read everything past the last change_seq they saw.
CREATE FUNCTION taskhook_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('taskhook_changes', '');
  RETURN NULL;
END $$;
CREATE TRIGGER tasks_announce_change AFTER INSERT OR UPDATE OF revision ON tasks
  FOR EACH STATEMENT EXECUTE FUNCTION taskhook_announce_change();

-- "Run now" through any node: a durable request that the owner of the task's
-- partition carries out, and deletes once the run has started. It survives a
-- stop or a crash of either node.
CREATE TABLE run_requests (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- No foreign key: a request for a task deleted meanwhile finds no actor
  -- and is dropped by its owner, like a run-now on a deleted task.
  task_id       uuid NOT NULL,
  tenant_id     uuid NOT NULL,
  partition     smallint NOT NULL,
  scheduled_for timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX run_requests_partition ON run_requests (partition, created_at);
CREATE FUNCTION taskhook_announce_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('taskhook_runs', '');
  RETURN NULL;
END $$;
CREATE TRIGGER run_requests_announce AFTER INSERT ON run_requests
  FOR EACH STATEMENT EXECUTE FUNCTION taskhook_announce_run();
