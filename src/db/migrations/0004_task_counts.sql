-- Tasks per tenant and status (deleted ones left out), kept by triggers so that
-- dashboard stats and the totals of GET /api/tasks read a few rows instead of
-- counting a tenant's tasks (90-430 ms for a million, on every poll).
-- Inserts and deletes are counted per statement (a bulk load is one upsert per
-- tenant and status); updates per row, only when status or deleted_at change,
-- so the run bookkeeping write_batch does on every fire is not slowed.
-- docs/QUERIES.md, "task counts".
CREATE TABLE IF NOT EXISTS tenant_task_counts (
  tenant_id  uuid NOT NULL,
  status     text NOT NULL,
  n          bigint NOT NULL,
  PRIMARY KEY (tenant_id, status)
);

CREATE OR REPLACE FUNCTION tasks_counted_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO tenant_task_counts AS c (tenant_id, status, n)
    SELECT tenant_id, status, count(*) FROM new_rows WHERE deleted_at IS NULL
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (tenant_id, status) DO UPDATE SET n = c.n + excluded.n;
  ELSE
    INSERT INTO tenant_task_counts AS c (tenant_id, status, n)
    SELECT tenant_id, status, -count(*) FROM old_rows WHERE deleted_at IS NULL
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (tenant_id, status) DO UPDATE SET n = c.n + excluded.n;
  END IF;
  RETURN NULL;
END $$;

-- One task's move: both keys in one statement, in key order, so two writers
-- changing the same tenant cannot deadlock on its rows.
CREATE OR REPLACE FUNCTION tasks_counted_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tenant_task_counts AS c (tenant_id, status, n)
  SELECT t, s, sum(d)
  FROM (VALUES (OLD.tenant_id, OLD.status, CASE WHEN OLD.deleted_at IS NULL THEN -1 ELSE 0 END),
               (NEW.tenant_id, NEW.status, CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE 0 END))
       AS v(t, s, d)
  GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
  ON CONFLICT (tenant_id, status) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS tasks_counted_insert ON tasks;
CREATE TRIGGER tasks_counted_insert AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tasks_counted_rows();
DROP TRIGGER IF EXISTS tasks_counted_delete ON tasks;
CREATE TRIGGER tasks_counted_delete AFTER DELETE ON tasks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tasks_counted_rows();
DROP TRIGGER IF EXISTS tasks_counted_update ON tasks;
CREATE TRIGGER tasks_counted_update AFTER UPDATE OF status, deleted_at, tenant_id ON tasks
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
        OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
  EXECUTE FUNCTION tasks_counted_change();

CREATE OR REPLACE FUNCTION tasks_counted_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM tenant_task_counts;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS tasks_counted_truncate ON tasks;
CREATE TRIGGER tasks_counted_truncate AFTER TRUNCATE ON tasks
  FOR EACH STATEMENT EXECUTE FUNCTION tasks_counted_truncate();

-- What is there already.
DELETE FROM tenant_task_counts;
INSERT INTO tenant_task_counts (tenant_id, status, n)
SELECT tenant_id, status, count(*) FROM tasks WHERE deleted_at IS NULL GROUP BY 1, 2;
