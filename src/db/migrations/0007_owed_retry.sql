-- A run waiting to retry owes its next attempt (its RETRYING row says one
-- follows). Kept on the task's row from that row until the run ends, so that a
-- stop, a restart or a crash of the process resumes it instead of losing it.
-- NULL throughout: no run is waiting. Changes through the API clear it.
ALTER TABLE tasks
  ADD COLUMN retry_at timestamptz,
  ADD COLUMN retry_count integer,
  ADD COLUMN retry_scheduled_for timestamptz,
  ADD COLUMN retry_trigger text,
  ADD CONSTRAINT tasks_owed_retry_whole CHECK (
    (retry_at IS NULL) = (retry_count IS NULL) AND
    (retry_at IS NULL) = (retry_scheduled_for IS NULL) AND
    (retry_at IS NULL) = (retry_trigger IS NULL)),
  ADD CONSTRAINT tasks_owed_retry_values CHECK (
    retry_count IS NULL OR (retry_count BETWEEN 1 AND 10 AND
                            retry_trigger IN ('schedule', 'manual', 'misfire')));
