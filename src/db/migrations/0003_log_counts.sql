-- Attempt counts per tenant, minute and status, kept beside task_logs so the
-- dashboard's 24-hour figures read about 1,440 small rows instead of counting
-- every log row of the day (at 10,000 deliveries a second, 864 million).
-- write_batch adds the rows it inserts; deleting a task takes its rows back
-- out; retention drops minutes older than 25 hours. docs/QUERIES.md, "stats".
CREATE TABLE IF NOT EXISTS task_log_minutes (
  tenant_id  uuid NOT NULL,
  minute     timestamptz NOT NULL,  -- date_trunc('minute', execution_time, 'UTC')
  status     text NOT NULL,
  n          bigint NOT NULL,
  PRIMARY KEY (tenant_id, minute, status)
);
CREATE INDEX IF NOT EXISTS task_log_minutes_minute ON task_log_minutes (minute);

-- The last 25 hours already logged, without deleted tasks (as stats counts).
INSERT INTO task_log_minutes (tenant_id, minute, status, n)
SELECT l.tenant_id, date_trunc('minute', l.execution_time, 'UTC'), l.status, count(*)
FROM task_logs l
WHERE l.execution_time >= date_trunc('minute', now() - interval '25 hours', 'UTC')
  AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = l.task_id AND t.deleted_at IS NOT NULL)
GROUP BY 1, 2, 3
ON CONFLICT (tenant_id, minute, status) DO NOTHING;
