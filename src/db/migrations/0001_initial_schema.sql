-- The full schema: tenants and their API keys, tasks, and one task_logs row per
-- delivery attempt (or skipped fire). gen_random_uuid() is built in since PostgreSQL 13.

CREATE TABLE tenants (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  is_default  boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- At most one default tenant: the one that owns the API_KEY admin key.
CREATE UNIQUE INDEX tenants_one_default ON tenants (is_default) WHERE is_default;

-- Keys are stored only as SHA-256 hashes; the key itself is shown once, at creation.
CREATE TABLE api_keys (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  key_hash    bytea NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
  is_admin    boolean NOT NULL DEFAULT false,
  -- the key that came from the API_KEY variable; replaced when that variable changes
  from_env    boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

CREATE TABLE tasks (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  name           text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  schedule       text NOT NULL,
  timezone       text NOT NULL DEFAULT 'UTC',
  webhook_url    text NOT NULL,
  payload        jsonb NOT NULL,
  max_retry      smallint NOT NULL DEFAULT 3 CHECK (max_retry BETWEEN 0 AND 10),
  status         text NOT NULL DEFAULT 'ACTIVE'
                 CHECK (status IN ('ACTIVE', 'INACTIVE', 'FAILED')),
  status_reason  text,
  next_run_at    timestamptz,
  last_run_at    timestamptz,
  -- bumped by every change through the API; a task actor's writes carry the
  -- revision it was spawned with and are ignored once the task has moved on
  revision       bigint NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz
);
-- Listing a tenant's tasks, newest first, keyset-friendly.
CREATE INDEX tasks_tenant_created ON tasks (tenant_id, created_at DESC, id DESC)
  WHERE deleted_at IS NULL;
-- Status filters and dashboard counts per tenant.
CREATE INDEX tasks_tenant_status ON tasks (tenant_id, status) WHERE deleted_at IS NULL;
-- Streaming the ACTIVE tasks at start, in id order.
CREATE INDEX tasks_active ON tasks (id) WHERE status = 'ACTIVE' AND deleted_at IS NULL;

CREATE TABLE task_logs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id         uuid NOT NULL,
  -- denormalized so a tenant's logs are one index range, without a join
  tenant_id       uuid NOT NULL,
  scheduled_for   timestamptz NOT NULL,
  execution_time  timestamptz NOT NULL,
  status          text NOT NULL CHECK (status IN ('SUCCESS', 'FAILED', 'RETRYING', 'SKIPPED')),
  retry_count     integer NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
  http_status     integer,
  duration_ms     integer,
  message         text,
  trigger         text NOT NULL DEFAULT 'schedule'
                  CHECK (trigger IN ('schedule', 'manual', 'misfire')),
  created_at      timestamptz NOT NULL DEFAULT now()
);
-- A task's attempts, newest first (GET /api/tasks/:id/logs, the 20 newest on GET /api/tasks/:id).
CREATE INDEX task_logs_task_time ON task_logs (task_id, execution_time DESC, id DESC);
-- A tenant's attempts over a time range (GET /api/logs, dashboard stats).
CREATE INDEX task_logs_tenant_time ON task_logs (tenant_id, execution_time DESC, id DESC);
-- Retention pruning by age: rows arrive in time order, so a BRIN index is tiny.
CREATE INDEX task_logs_execution_brin ON task_logs USING brin (execution_time);
