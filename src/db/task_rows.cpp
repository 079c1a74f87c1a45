#include "db/task_rows.hpp"

#include <memory>
#include <optional>

#include "db/row_values.hpp"

namespace taskhook::db {

const char* const task_columns =
    "id, tenant_id, name, schedule, timezone, webhook_url, payload::text, max_retry, status, "
    "status_reason, (extract(epoch FROM next_run_at) * 1000)::bigint, "
    "(extract(epoch FROM last_run_at) * 1000)::bigint, revision, "
    "(extract(epoch FROM created_at) * 1000)::bigint, "
    "(extract(epoch FROM updated_at) * 1000)::bigint, "
    "(extract(epoch FROM retry_at) * 1000)::bigint, retry_count, "
    "(extract(epoch FROM retry_scheduled_for) * 1000)::bigint, retry_trigger, partition, thread_id";

task_record task_from_row(const result& r, int row) {
  task_record t;
  t.id = uuid::parse(r.get(row, 0)).value_or(uuid{});
  t.tenant_id = uuid::parse(r.get(row, 1)).value_or(uuid{});
  t.name = std::string(r.get(row, 2));
  t.schedule = std::string(r.get(row, 3));
  t.timezone = std::string(r.get(row, 4));
  t.webhook_url = std::string(r.get(row, 5));
  t.payload = std::make_shared<const std::string>(r.get(row, 6));
  t.max_retry = static_cast<int>(parse_int(r.get(row, 7)));
  t.status = parse_task_status(r.get(row, 8)).value_or(task_status::inactive);
  if (!r.is_null(row, 9)) t.status_reason = std::string(r.get(row, 9));
  t.next_run_at = optional_ms_col(r, row, 10);
  t.last_run_at = optional_ms_col(r, row, 11);
  t.revision = parse_int(r.get(row, 12));
  t.created_at = optional_ms_col(r, row, 13).value_or(instant{});
  t.updated_at = optional_ms_col(r, row, 14).value_or(instant{});
  if (auto due = optional_ms_col(r, row, 15)) {
    owed_retry o;
    o.due = *due;
    o.retry_count = static_cast<int>(parse_int(r.get(row, 16)));
    o.scheduled_for = optional_ms_col(r, row, 17).value_or(instant{});
    o.trigger = parse_run_trigger(r.get(row, 18)).value_or(run_trigger::schedule);
    t.retry = o;
  }
  t.partition = static_cast<std::int16_t>(parse_int(r.get(row, 19)));
  if (!r.is_null(row, 20)) t.thread_id = std::string(r.get(row, 20));
  return t;
}

std::string with_task_columns(const char* sql) {
  std::string s = sql;
  for (auto pos = s.find("{cols}"); pos != std::string::npos; pos = s.find("{cols}"))
    s.replace(pos, 6, task_columns);
  return s;
}

}  // namespace taskhook::db
