#include "db/task_queries.hpp"

#include <string>
#include <utility>

#include "core/task_lifecycle.hpp"
#include "db/log_queries.hpp"
#include "db/paging.hpp"
#include "db/row_values.hpp"
#include "db/task_rows.hpp"

namespace taskhook::db {
namespace {

/// The stored row, carrying on the schedule the change compiled (when it is
/// still the row's), so the task's actor does not parse it again.
task_record with_compiled_schedule(task_record stored, const task_record& changed) {
  if (changed.compiled_schedule && stored.schedule == changed.schedule)
    stored.compiled_schedule = changed.compiled_schedule;
  return stored;
}

// -- insert ---------------------------------------------------------------------

constexpr const char* insert_task_sql = R"sql(
INSERT INTO tasks (id, tenant_id, name, schedule, timezone, webhook_url, payload, max_retry,
                   status, next_run_at, thread_id)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11)
RETURNING {cols})sql";

// -- change: lock the row, apply a rule, write it back ----------------------------

constexpr const char* lock_task_sql =
    "SELECT {cols} FROM tasks WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL FOR UPDATE";

/// Writes every column of `t` (the row is locked by the caller's transaction). A run
/// waiting to retry is dropped with the actor the change retires.
constexpr const char* update_task_sql = R"sql(
UPDATE tasks SET name = $3, schedule = $4, timezone = $5, webhook_url = $6,
  payload = $7::jsonb, max_retry = $8, status = $9, status_reason = $10,
  next_run_at = $11, thread_id = $12, revision = revision + 1, updated_at = now(),
  retry_at = NULL, retry_count = NULL, retry_scheduled_for = NULL, retry_trigger = NULL
WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL
RETURNING {cols})sql";

/// Runs `change` on the locked row inside a transaction and writes the result.
template <class Change>
expected<std::optional<task_record>> change_task(session& s, const uuid& tenant, const uuid& id,
                                                 Change change) {
  static const std::string lock_sql = with_task_columns(lock_task_sql);
  static const std::string update_sql = with_task_columns(update_task_sql);
  auto begin = s.exec("BEGIN");
  if (!begin) return begin.get_error();
  auto rollback = [&] { s.exec("ROLLBACK"); };
  auto locked = s.exec(lock_sql, {id.str(), tenant.str()});
  if (!locked) {
    rollback();
    return locked.get_error();
  }
  if (locked->rows() == 0) {
    rollback();
    return std::optional<task_record>{};
  }
  task_record t = task_from_row(*locked, 0);
  change(t);
  auto updated = s.exec(update_sql, {id.str(), tenant.str(), t.name, t.schedule, t.timezone,
                                     t.webhook_url, *t.payload, std::to_string(t.max_retry),
                                     std::string(to_string(t.status)), t.status_reason,
                                     iso_param(t.next_run_at), t.thread_id});
  if (!updated) {
    rollback();
    return updated.get_error();
  }
  auto commit = s.exec("COMMIT");
  if (!commit) return commit.get_error();
  return std::optional<task_record>{with_compiled_schedule(task_from_row(*updated, 0), t)};
}

// -- delete ---------------------------------------------------------------------

/// The task's attempts move to the deleted side of the per-minute counts (stats
/// leave them out, log totals keep them); the insert trigger puts later ones there.
constexpr const char* delete_task_sql = R"sql(
WITH del AS (
  UPDATE tasks SET deleted_at = now(), next_run_at = NULL, revision = revision + 1,
                   updated_at = now(), retry_at = NULL, retry_count = NULL,
                   retry_scheduled_for = NULL, retry_trigger = NULL
  WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL
  RETURNING id, tenant_id, revision
), mine AS (
  SELECT l.tenant_id, date_trunc('minute', l.execution_time, 'UTC') AS minute, l.status,
         count(*) AS n
  FROM task_logs l JOIN del ON l.task_id = del.id AND l.tenant_id = del.tenant_id
  WHERE l.execution_time >= date_trunc('minute', now() - interval '25 hours', 'UTC')
  GROUP BY 1, 2, 3
), taken AS (
  UPDATE task_log_minutes m SET n = m.n - mine.n, n_gone = m.n_gone + mine.n FROM mine
  WHERE m.tenant_id = mine.tenant_id AND m.minute = mine.minute AND m.status = mine.status
)
SELECT coalesce((SELECT revision FROM del), 0))sql";

// -- list -----------------------------------------------------------------------

/// The page is chosen in the index first and only its rows are fetched.
constexpr const char* list_tasks_sql = R"sql(
SELECT {cols} FROM tasks WHERE id IN (
  SELECT id FROM tasks
  WHERE tenant_id = $1 AND deleted_at IS NULL
    AND ($2::text IS NULL OR status = $2)
    AND ($3::text IS NULL OR name ILIKE '%' || $3 || '%')
  ORDER BY created_at DESC, id DESC
  LIMIT $4 OFFSET $5)
ORDER BY created_at DESC, id DESC)sql";

/// The total behind a page with a name search: the matching rows, counted.
constexpr const char* count_tasks_matching_sql =
    "SELECT count(*) FROM tasks WHERE tenant_id = $1 AND deleted_at IS NULL "
    "AND ($2::text IS NULL OR status = $2) "
    "AND name ILIKE '%' || $3 || '%'";

/// The total without a search: the counts the triggers keep (0004_task_counts.sql).
constexpr const char* count_tasks_sql =
    "SELECT COALESCE(sum(n), 0) FROM tenant_task_counts "
    "WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)";

/// LIKE's own characters in the search text match themselves.
std::string escape_like(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return escaped;
}

// -- one ------------------------------------------------------------------------

constexpr const char* select_task_by_id_sql =
    "SELECT {cols} FROM tasks WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL";

}  // namespace

expected<task_record> insert_task(session& s, task_record t, instant now) {
  static const std::string sql = with_task_columns(insert_task_sql);
  // lifecycle::new_task computed the first fire; a record made elsewhere (a
  // tool, a test) that has none gets it from the same rule.
  if (!t.next_run_at) t.next_run_at = lifecycle::first_fire(t, now);
  auto r = s.exec(sql, {t.id.str(), t.tenant_id.str(), t.name, t.schedule, t.timezone,
                        t.webhook_url, *t.payload, std::to_string(t.max_retry),
                        std::string(to_string(t.status)), iso_param(t.next_run_at),
                        t.thread_id});
  if (!r) return r.get_error();
  return with_compiled_schedule(task_from_row(*r, 0), t);
}

expected<std::optional<task_record>> patch_task(session& s, const uuid& tenant, const uuid& id,
                                                const task_input& in, instant now) {
  return change_task(s, tenant, id, [&](task_record& t) { lifecycle::apply_patch(t, in, now); });
}

expected<std::optional<task_record>> toggle_task(session& s, const uuid& tenant, const uuid& id,
                                                 instant now) {
  return change_task(s, tenant, id, [&](task_record& t) { lifecycle::apply_toggle(t, now); });
}

expected<std::int64_t> delete_task(session& s, const uuid& tenant, const uuid& id) {
  auto r = s.exec(delete_task_sql, {id.str(), tenant.str()});
  if (!r) return r.get_error();
  return parse_int(r->get(0, 0));
}

expected<task_page> list_tasks(session& s, const task_query& q) {
  static const std::string sql = with_task_columns(list_tasks_sql);
  std::optional<std::string> status;
  if (q.status) status = std::string(to_string(*q.status));
  std::optional<std::string> search;
  if (q.search) search = escape_like(*q.search);
  auto r = s.exec(sql, {q.tenant.str(), status, search, std::to_string(q.limit),
                        std::to_string(offset_of(q.page, q.limit))});
  if (!r) return r.get_error();
  task_page page;
  for (int i = 0; i < r->rows(); ++i) page.items.push_back(task_from_row(*r, i));
  auto total = page_total(r->rows(), q.page, q.limit, [&]() -> expected<std::int64_t> {
    auto c = search ? s.exec(count_tasks_matching_sql, {q.tenant.str(), status, search})
                    : s.exec(count_tasks_sql, {q.tenant.str(), status});
    if (!c) return c.get_error();
    return parse_int(c->get(0, 0));
  });
  if (!total) return total.get_error();
  page.total = *total;
  return page;
}

expected<std::optional<task_detail>> get_task(session& s, const uuid& tenant, const uuid& id,
                                              int newest_logs) {
  static const std::string sql = with_task_columns(select_task_by_id_sql);
  auto r = s.exec(sql, {id.str(), tenant.str()});
  if (!r) return r.get_error();
  if (r->rows() == 0) return std::optional<task_detail>{};
  task_detail d;
  d.task = task_from_row(*r, 0);
  log_query q;
  q.tenant = tenant;
  q.task_id = id;
  q.limit = newest_logs;
  auto logs = logs_page(s, q, /*with_total=*/false);
  if (!logs) return logs.get_error();
  d.logs = std::move(logs->items);
  return std::optional<task_detail>{std::move(d)};
}

}  // namespace taskhook::db
