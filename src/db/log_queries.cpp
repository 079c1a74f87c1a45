#include "db/log_queries.hpp"

#include <string>

#include "db/paging.hpp"
#include "db/row_values.hpp"

namespace taskhook::db {
namespace {

// -- rows -----------------------------------------------------------------------

/// The SELECT list that log_from_row reads.
constexpr const char* log_columns =
    "id, task_id, tenant_id, (extract(epoch FROM scheduled_for) * 1000)::bigint, "
    "(extract(epoch FROM execution_time) * 1000)::bigint, status, retry_count, http_status, "
    "duration_ms, message, trigger, (extract(epoch FROM created_at) * 1000)::bigint";

log_entry log_from_row(const result& r, int i) {
  log_entry e;
  e.id = uuid::parse(r.get(i, 0)).value_or(uuid{});
  e.row.task_id = uuid::parse(r.get(i, 1)).value_or(uuid{});
  e.row.tenant_id = uuid::parse(r.get(i, 2)).value_or(uuid{});
  e.row.scheduled_for = ms_col(r, i, 3);
  e.row.execution_time = ms_col(r, i, 4);
  e.row.status = parse_attempt_status(r.get(i, 5)).value_or(attempt_status::failed);
  e.row.retry_count = static_cast<int>(parse_int(r.get(i, 6)));
  if (!r.is_null(i, 7)) e.row.http_status = static_cast<int>(parse_int(r.get(i, 7)));
  if (!r.is_null(i, 8)) e.row.duration_ms = static_cast<int>(parse_int(r.get(i, 8)));
  if (!r.is_null(i, 9)) e.row.message = std::string(r.get(i, 9));
  auto trig = r.get(i, 10);
  e.row.trigger = trig == "manual" ? run_trigger::manual
                  : trig == "misfire" ? run_trigger::misfire
                                      : run_trigger::schedule;
  e.created_at = ms_col(r, i, 11);
  return e;
}

// -- the page -------------------------------------------------------------------

/// After log_columns: the filters, newest first.
constexpr const char* select_logs_from_sql = R"sql( FROM task_logs
WHERE tenant_id = $1
  AND ($2::uuid IS NULL OR task_id = $2)
  AND ($3::text IS NULL OR status = $3)
  AND ($4::timestamptz IS NULL OR execution_time >= $4)
  AND ($5::timestamptz IS NULL OR execution_time < $5)
ORDER BY execution_time DESC, id DESC
LIMIT $6 OFFSET $7)sql";

// -- the total ------------------------------------------------------------------

/// A tenant's attempts in [from, to) (to may be NULL), optionally of one status,
/// without counting every row: whole minutes from the per-minute counts, both
/// partial minutes from the rows. NULL when `from` is older than 24 hours, where
/// the counts may be pruned and retention may have deleted rows: count then.
/// Exact whatever writes the attempts: triggers keep the counts (docs/QUERIES.md).
constexpr const char* tenant_window_total_sql = R"sql(
WITH w AS (
  SELECT $3::timestamptz AS since, $4::timestamptz AS upto,
         CASE WHEN date_trunc('minute', $3::timestamptz, 'UTC') = $3::timestamptz
              THEN $3::timestamptz
              ELSE date_trunc('minute', $3::timestamptz, 'UTC') + interval '1 minute' END AS lo,
         COALESCE(date_trunc('minute', $4::timestamptz, 'UTC'), 'infinity') AS hi
)
SELECT CASE WHEN w.since >= now() - interval '24 hours' THEN
    (SELECT COALESCE(sum(m.n + m.n_gone), 0) FROM task_log_minutes m
     WHERE m.tenant_id = $1 AND ($2::text IS NULL OR m.status = $2)
       AND m.minute >= w.lo AND m.minute < w.hi)
  + (SELECT count(*) FROM task_logs l
     WHERE l.tenant_id = $1 AND ($2::text IS NULL OR l.status = $2)
       AND l.execution_time >= w.since AND l.execution_time < LEAST(w.lo, COALESCE(w.upto, 'infinity')))
  + (SELECT count(*) FROM task_logs l
     WHERE l.tenant_id = $1 AND ($2::text IS NULL OR l.status = $2)
       AND l.execution_time >= GREATEST(w.hi, w.lo) AND l.execution_time < w.upto)
  END
FROM w)sql";

/// Every other total: the matching rows, counted.
constexpr const char* count_logs_sql = R"sql(SELECT count(*) FROM task_logs WHERE tenant_id = $1
  AND ($2::uuid IS NULL OR task_id = $2) AND ($3::text IS NULL OR status = $3)
  AND ($4::timestamptz IS NULL OR execution_time >= $4)
  AND ($5::timestamptz IS NULL OR execution_time < $5))sql";

}  // namespace

expected<log_page> logs_page(session& s, const log_query& q, bool with_total) {
  static const std::string sql = std::string("SELECT ") + log_columns + select_logs_from_sql;
  std::optional<std::string> task_id;
  if (q.task_id) task_id = q.task_id->str();
  std::optional<std::string> status;
  if (q.status) status = std::string(to_string(*q.status));
  params args{q.tenant.str(), task_id, status, iso_param(q.from), iso_param(q.to),
              std::to_string(q.limit), std::to_string(offset_of(q.page, q.limit))};
  auto r = s.exec(sql, args);
  if (!r) return r.get_error();
  log_page page;
  for (int i = 0; i < r->rows(); ++i) page.items.push_back(log_from_row(*r, i));
  if (!with_total) return page;
  auto total = page_total(r->rows(), q.page, q.limit, [&]() -> expected<std::int64_t> {
    if (!q.task_id && q.from) {
      auto fast = s.exec(tenant_window_total_sql, {args[0], args[2], args[3], args[4]});
      if (!fast) return fast.get_error();
      if (!fast->is_null(0, 0)) return parse_int(fast->get(0, 0));
    }
    auto c = s.exec(count_logs_sql, {args[0], args[1], args[2], args[3], args[4]});
    if (!c) return c.get_error();
    return parse_int(c->get(0, 0));
  });
  if (!total) return total.get_error();
  page.total = *total;
  return page;
}

expected<log_page> list_logs(session& s, const log_query& q) { return logs_page(s, q, true); }

}  // namespace taskhook::db
