-- Totals of GET /api/logs pages from the per-minute counts. The listing keeps
-- the attempts of deleted tasks while stats leave them out, so they are counted
-- apart: n (tasks not deleted), n_gone (tasks deleted). write_batch adds to the
-- one the task's state asks for; deleting a task moves its minutes from n to
-- n_gone. docs/QUERIES.md, section 9.
ALTER TABLE task_log_minutes ADD COLUMN IF NOT EXISTS n_gone bigint NOT NULL DEFAULT 0;

-- The deleted tasks' attempts of the last 25 hours, already logged.
UPDATE task_log_minutes SET n_gone = 0;
INSERT INTO task_log_minutes AS m (tenant_id, minute, status, n, n_gone)
SELECT l.tenant_id, date_trunc('minute', l.execution_time, 'UTC'), l.status, 0, count(*)
FROM task_logs l
WHERE l.execution_time >= date_trunc('minute', now() - interval '25 hours', 'UTC')
  AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = l.task_id AND t.deleted_at IS NOT NULL)
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
ON CONFLICT (tenant_id, minute, status) DO UPDATE SET n_gone = excluded.n_gone;
