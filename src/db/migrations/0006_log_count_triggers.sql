-- The per-minute attempt counts kept by triggers on task_logs, like the task
-- counts: rows written or removed by any path (write_batch, an import, an
-- operator's DELETE) keep stats and log totals exact. An attempt of a deleted
-- task is counted in n_gone, any other in n (deleting a task moves its minutes,
-- see delete_task). Inserts and deletes per statement through transition tables:
-- one grouped upsert per batch. docs/QUERIES.md, section 9.
CREATE OR REPLACE FUNCTION task_logs_counted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO task_log_minutes AS m (tenant_id, minute, status, n, n_gone)
    SELECT r.tenant_id, date_trunc('minute', r.execution_time, 'UTC'), r.status,
           count(*) FILTER (WHERE NOT r.gone), count(*) FILTER (WHERE r.gone)
    FROM (SELECT x.tenant_id, x.execution_time, x.status,
                 EXISTS (SELECT 1 FROM tasks t WHERE t.id = x.task_id AND t.deleted_at IS NOT NULL) AS gone
          FROM new_rows x) r
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (tenant_id, minute, status)
    DO UPDATE SET n = m.n + excluded.n, n_gone = m.n_gone + excluded.n_gone;
  ELSE
    -- Minutes already pruned stay pruned.
    UPDATE task_log_minutes m SET n = m.n - d.n, n_gone = m.n_gone - d.n_gone
    FROM (SELECT r.tenant_id, date_trunc('minute', r.execution_time, 'UTC') AS minute, r.status,
                 count(*) FILTER (WHERE NOT r.gone) AS n, count(*) FILTER (WHERE r.gone) AS n_gone
          FROM (SELECT x.tenant_id, x.execution_time, x.status,
                       EXISTS (SELECT 1 FROM tasks t WHERE t.id = x.task_id AND t.deleted_at IS NOT NULL) AS gone
                FROM old_rows x) r
          GROUP BY 1, 2, 3) d
    WHERE m.tenant_id = d.tenant_id AND m.minute = d.minute AND m.status = d.status;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION task_logs_counted_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM task_log_minutes;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS task_logs_counted_insert ON task_logs;
CREATE TRIGGER task_logs_counted_insert AFTER INSERT ON task_logs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_logs_counted();
DROP TRIGGER IF EXISTS task_logs_counted_delete ON task_logs;
CREATE TRIGGER task_logs_counted_delete AFTER DELETE ON task_logs
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION task_logs_counted();
DROP TRIGGER IF EXISTS task_logs_counted_truncate ON task_logs;
CREATE TRIGGER task_logs_counted_truncate AFTER TRUNCATE ON task_logs
  FOR EACH STATEMENT EXECUTE FUNCTION task_logs_counted_truncate();
