-- A task may post into a thread of its webhook's channel (API.md, Task:
-- `threadId`, sent as `?thread_id=`). NULL: the channel itself. The API accepts
-- only Discord ids (a string of up to 20 digits); the check keeps a row changed
-- behind its back from putting anything else into the URL.
ALTER TABLE tasks
  ADD COLUMN thread_id text,
  ADD CONSTRAINT tasks_thread_id_snowflake CHECK (thread_id ~ '^[1-9][0-9]{0,19}$');
