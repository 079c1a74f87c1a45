#include "db/stats_queries.hpp"

#include <cstdlib>
#include <string>
#include <vector>

#include "db/row_values.hpp"

namespace taskhook::db {
namespace {

// -- dashboard ------------------------------------------------------------------

/// Kept by triggers on tasks (0004_task_counts.sql); deleted tasks are not in them.
constexpr const char* task_counts_sql = R"sql(
SELECT COALESCE(sum(n), 0), COALESCE(sum(n) FILTER (WHERE status = 'ACTIVE'), 0),
       COALESCE(sum(n) FILTER (WHERE status = 'INACTIVE'), 0),
       COALESCE(sum(n) FILTER (WHERE status = 'FAILED'), 0)
FROM tenant_task_counts WHERE tenant_id = $1)sql";

/// The last 24 hours: whole minutes from the per-minute counts (deleted tasks
/// already left out there); the part of the oldest minute inside the window
/// counted from the log rows themselves, and the rows of the newest minute
/// stamped after `now` (written while this request was on its way) taken out.
constexpr const char* attempt_counts_sql = R"sql(
WITH w AS (
  SELECT $2::timestamptz - interval '24 hours' AS since,
         date_trunc('minute', $2::timestamptz - interval '24 hours', 'UTC')
           + interval '1 minute' AS whole,
         date_trunc('minute', $2::timestamptz, 'UTC') + interval '1 minute' AS upto
), c AS (
  SELECT m.status, m.n FROM task_log_minutes m, w
  WHERE m.tenant_id = $1 AND m.minute >= w.whole AND m.minute < w.upto
  UNION ALL
  SELECT l.status, count(*) FROM task_logs l, w
  WHERE l.tenant_id = $1 AND l.execution_time >= w.since AND l.execution_time < w.whole
    AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = l.task_id AND t.deleted_at IS NOT NULL)
  GROUP BY l.status
  UNION ALL
  SELECT l.status, -count(*) FROM task_logs l, w
  WHERE l.tenant_id = $1 AND l.execution_time > $2::timestamptz AND l.execution_time < w.upto
    AND l.execution_time >= w.whole
    AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = l.task_id AND t.deleted_at IS NOT NULL)
  GROUP BY l.status
)
SELECT COALESCE(sum(n), 0), COALESCE(sum(n) FILTER (WHERE status = 'SUCCESS'), 0),
       COALESCE(sum(n) FILTER (WHERE status = 'FAILED'), 0),
       COALESCE(sum(n) FILTER (WHERE status = 'RETRYING'), 0),
       COALESCE(sum(n) FILTER (WHERE status = 'SKIPPED'), 0)
FROM c)sql";

// -- rankings -------------------------------------------------------------------

// The index on execution_time keeps these to the last hour's rows.
constexpr const char* slowest_tasks_sql = R"sql(
SELECT l.task_id, t.name, avg(l.duration_ms)::float8 AS v
FROM task_logs l JOIN tasks t ON t.id = l.task_id AND t.deleted_at IS NULL
WHERE l.execution_time >= $1 AND l.duration_ms IS NOT NULL
GROUP BY l.task_id, t.name ORDER BY v DESC LIMIT $2)sql";

constexpr const char* most_retrying_tasks_sql = R"sql(
SELECT l.task_id, t.name, count(*)::float8 AS v
FROM task_logs l JOIN tasks t ON t.id = l.task_id AND t.deleted_at IS NULL
WHERE l.execution_time >= $1 AND l.status = 'RETRYING'
GROUP BY l.task_id, t.name ORDER BY v DESC LIMIT $2)sql";

/// Rows of (task_id, name, value).
std::vector<task_rank> ranks_from_rows(const result& r) {
  std::vector<task_rank> out;
  for (int i = 0; i < r.rows(); ++i) {
    task_rank t;
    t.task_id = uuid::parse(r.get(i, 0)).value_or(uuid{});
    t.name = std::string(r.get(i, 1));
    t.value = std::strtod(std::string(r.get(i, 2)).c_str(), nullptr);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

expected<dashboard_stats> stats(session& s, const uuid& tenant, instant now) {
  auto t = s.exec(task_counts_sql, {tenant.str()});
  if (!t) return t.get_error();
  auto l = s.exec(attempt_counts_sql, {tenant.str(), format_iso_ms(now)});
  if (!l) return l.get_error();
  dashboard_stats st;
  st.total_tasks = parse_int(t->get(0, 0));
  st.active_tasks = parse_int(t->get(0, 1));
  st.inactive_tasks = parse_int(t->get(0, 2));
  st.failed_tasks = parse_int(t->get(0, 3));
  st.executions = parse_int(l->get(0, 0));
  st.success = parse_int(l->get(0, 1));
  st.failed = parse_int(l->get(0, 2));
  st.retrying = parse_int(l->get(0, 3));
  st.skipped = parse_int(l->get(0, 4));
  return st;
}

expected<task_rankings> rank_tasks(session& s, instant since, int n) {
  auto slow = s.exec(slowest_tasks_sql, {format_iso_ms(since), std::to_string(n)});
  if (!slow) return slow.get_error();
  auto retrying = s.exec(most_retrying_tasks_sql, {format_iso_ms(since), std::to_string(n)});
  if (!retrying) return retrying.get_error();
  return task_rankings{ranks_from_rows(*slow), ranks_from_rows(*retrying)};
}

}  // namespace taskhook::db
