#include "db/queries.hpp"

#include <charconv>

#include "core/task_lifecycle.hpp"
#include "db/task_rows.hpp"

namespace taskhook::db {
namespace {

constexpr const char* log_columns =
    "id, task_id, tenant_id, (extract(epoch FROM scheduled_for) * 1000)::bigint, "
    "(extract(epoch FROM execution_time) * 1000)::bigint, status, retry_count, http_status, "
    "duration_ms, message, trigger, (extract(epoch FROM created_at) * 1000)::bigint";

long long to_ll(std::string_view v) {
  long long out = 0;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

instant ms_col(const result& r, int row, int col) {
  return instant(std::chrono::milliseconds(to_ll(r.get(row, col))));
}

std::optional<std::string> opt(const std::optional<instant>& t) {
  if (!t) return std::nullopt;
  return format_iso_ms(*t);
}

std::string hex_bytea(const key_hash& h) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\\x";
  for (auto b : h) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 0xf]);
  }
  return out;
}

log_entry log_from_row(const result& r, int i) {
  log_entry e;
  e.id = uuid::parse(r.get(i, 0)).value_or(uuid{});
  e.row.task_id = uuid::parse(r.get(i, 1)).value_or(uuid{});
  e.row.tenant_id = uuid::parse(r.get(i, 2)).value_or(uuid{});
  e.row.scheduled_for = ms_col(r, i, 3);
  e.row.execution_time = ms_col(r, i, 4);
  e.row.status = parse_attempt_status(r.get(i, 5)).value_or(attempt_status::failed);
  e.row.retry_count = static_cast<int>(to_ll(r.get(i, 6)));
  if (!r.is_null(i, 7)) e.row.http_status = static_cast<int>(to_ll(r.get(i, 7)));
  if (!r.is_null(i, 8)) e.row.duration_ms = static_cast<int>(to_ll(r.get(i, 8)));
  if (!r.is_null(i, 9)) e.row.message = std::string(r.get(i, 9));
  auto trig = r.get(i, 10);
  e.row.trigger = trig == "manual" ? run_trigger::manual
                  : trig == "misfire" ? run_trigger::misfire
                                      : run_trigger::schedule;
  e.created_at = ms_col(r, i, 11);
  return e;
}

std::int64_t offset_of(int page, int limit) {
  return static_cast<std::int64_t>(page - 1) * limit;
}

/// Writes every column of `t` (the row is locked by the caller's transaction). A run
/// waiting to retry is dropped with the actor the change retires.
constexpr const char* update_task_sql = R"sql(
UPDATE tasks SET name = $3, schedule = $4, timezone = $5, webhook_url = $6,
  payload = $7::jsonb, max_retry = $8, status = $9, status_reason = $10,
  next_run_at = $11, revision = revision + 1, updated_at = now(),
  retry_at = NULL, retry_count = NULL, retry_scheduled_for = NULL, retry_trigger = NULL
WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL
RETURNING {cols})sql";

constexpr const char* lock_task_sql =
    "SELECT {cols} FROM tasks WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL FOR UPDATE";

/// The stored row, carrying on the schedule the change compiled (when it is
/// still the row's), so the task's actor does not parse it again.
task_record with_compiled_schedule(task_record stored, const task_record& changed) {
  if (changed.compiled_schedule && stored.schedule == changed.schedule)
    stored.compiled_schedule = changed.compiled_schedule;
  return stored;
}

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
                                     opt(t.next_run_at)});
  if (!updated) {
    rollback();
    return updated.get_error();
  }
  auto commit = s.exec("COMMIT");
  if (!commit) return commit.get_error();
  return std::optional<task_record>{with_compiled_schedule(task_from_row(*updated, 0), t)};
}

}  // namespace

expected<task_record> insert_task(session& s, task_record t, instant now) {
  static const std::string sql = with_task_columns(R"sql(
INSERT INTO tasks (id, tenant_id, name, schedule, timezone, webhook_url, payload, max_retry,
                   status, next_run_at)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
RETURNING {cols})sql");
  // lifecycle::new_task computed the first fire; a record made elsewhere (a
  // tool, a test) that has none gets it from the same rule.
  if (!t.next_run_at) t.next_run_at = lifecycle::first_fire(t, now);
  auto r = s.exec(sql, {t.id.str(), t.tenant_id.str(), t.name, t.schedule, t.timezone,
                        t.webhook_url, *t.payload, std::to_string(t.max_retry),
                        std::string(to_string(t.status)), opt(t.next_run_at)});
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
  // The task's attempts move to the deleted side of the per-minute counts (stats
  // leave them out, log totals keep them); the insert trigger puts later ones there.
  auto r = s.exec(R"sql(
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
SELECT coalesce((SELECT revision FROM del), 0))sql",
                  {id.str(), tenant.str()});
  if (!r) return r.get_error();
  return to_ll(r->get(0, 0));
}

expected<tenant_info> insert_tenant(session& s, const std::string& name, const key_hash& hash) {
  auto r = s.exec(R"sql(
WITH t AS (INSERT INTO tenants (name) VALUES ($1)
           RETURNING id, name, is_default, (extract(epoch FROM created_at) * 1000)::bigint AS ms),
     k AS (INSERT INTO api_keys (tenant_id, key_hash) SELECT id, $2::bytea FROM t)
SELECT id, name, is_default, ms FROM t)sql",
                  {name, hex_bytea(hash)});
  if (!r) return r.get_error();
  tenant_info t;
  t.id = uuid::parse(r->get(0, 0)).value_or(uuid{});
  t.name = std::string(r->get(0, 1));
  t.is_default = r->get(0, 2) == "t";
  t.created_at = ms_col(*r, 0, 3);
  return t;
}

expected<uuid> ensure_admin_key(session& s, const key_hash& hash) {
  auto r = s.exec(R"sql(
WITH d AS (
  INSERT INTO tenants (name, is_default) VALUES ('default', true)
  ON CONFLICT (is_default) WHERE is_default DO UPDATE SET is_default = true
  RETURNING id
), revoked AS (
  UPDATE api_keys SET revoked_at = now()
  WHERE from_env AND revoked_at IS NULL AND key_hash <> $1::bytea
), k AS (
  INSERT INTO api_keys (tenant_id, key_hash, is_admin, from_env)
  SELECT id, $1::bytea, true, true FROM d
  ON CONFLICT (key_hash) DO UPDATE SET revoked_at = NULL, is_admin = true, from_env = true
)
SELECT id FROM d)sql",
                  {hex_bytea(hash)});
  if (!r) return r.get_error();
  return uuid::parse(r->get(0, 0)).value_or(uuid{});
}

/// The total behind a page: a short page tells it without counting; only a
/// full page (or one past the end) needs the count, which on a big tenant is
/// the expensive part (docs/QUERIES.md).
template <class Count>
expected<std::int64_t> page_total(int rows, int page, int limit, Count count) {
  if (rows > 0 && rows < limit) return offset_of(page, limit) + rows;
  if (rows == 0 && page == 1) return std::int64_t{0};
  return count();
}

expected<task_page> list_tasks(session& s, const task_query& q) {
  // The page is chosen in the index first and only its rows are fetched.
  static const std::string sql = with_task_columns(R"sql(
SELECT {cols} FROM tasks WHERE id IN (
  SELECT id FROM tasks
  WHERE tenant_id = $1 AND deleted_at IS NULL
    AND ($2::text IS NULL OR status = $2)
    AND ($3::text IS NULL OR name ILIKE '%' || $3 || '%')
  ORDER BY created_at DESC, id DESC
  LIMIT $4 OFFSET $5)
ORDER BY created_at DESC, id DESC)sql");
  std::optional<std::string> status;
  if (q.status) status = std::string(to_string(*q.status));
  std::optional<std::string> search;
  if (q.search) {
    // LIKE's own characters in the search text match themselves.
    std::string escaped;
    for (char c : *q.search) {
      if (c == '%' || c == '_' || c == '\\') escaped.push_back('\\');
      escaped.push_back(c);
    }
    search = escaped;
  }
  auto r = s.exec(sql, {q.tenant.str(), status, search, std::to_string(q.limit),
                        std::to_string(offset_of(q.page, q.limit))});
  if (!r) return r.get_error();
  task_page page;
  for (int i = 0; i < r->rows(); ++i) page.items.push_back(task_from_row(*r, i));
  auto total = page_total(r->rows(), q.page, q.limit, [&]() -> expected<std::int64_t> {
    // Without a search, the counts the triggers keep (0004_task_counts.sql).
    auto c = search ? s.exec("SELECT count(*) FROM tasks WHERE tenant_id = $1 AND deleted_at IS NULL "
                             "AND ($2::text IS NULL OR status = $2) "
                             "AND name ILIKE '%' || $3 || '%'",
                             {q.tenant.str(), status, search})
                    : s.exec("SELECT COALESCE(sum(n), 0) FROM tenant_task_counts "
                             "WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)",
                             {q.tenant.str(), status});
    if (!c) return c.get_error();
    return to_ll(c->get(0, 0));
  });
  if (!total) return total.get_error();
  page.total = *total;
  return page;
}

namespace {
expected<log_page> logs_page(session& s, const log_query& q, bool with_total);
}  // namespace

expected<std::optional<task_detail>> get_task(session& s, const uuid& tenant, const uuid& id,
                                              int newest_logs) {
  static const std::string sql = with_task_columns(
      "SELECT {cols} FROM tasks WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL");
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

namespace {

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

expected<log_page> logs_page(session& s, const log_query& q, bool with_total) {
  static const std::string sql = std::string("SELECT ") + log_columns +
                                 R"sql( FROM task_logs
WHERE tenant_id = $1
  AND ($2::uuid IS NULL OR task_id = $2)
  AND ($3::text IS NULL OR status = $3)
  AND ($4::timestamptz IS NULL OR execution_time >= $4)
  AND ($5::timestamptz IS NULL OR execution_time < $5)
ORDER BY execution_time DESC, id DESC
LIMIT $6 OFFSET $7)sql";
  std::optional<std::string> task_id;
  if (q.task_id) task_id = q.task_id->str();
  std::optional<std::string> status;
  if (q.status) status = std::string(to_string(*q.status));
  params args{q.tenant.str(), task_id, status, opt(q.from), opt(q.to), std::to_string(q.limit),
              std::to_string(offset_of(q.page, q.limit))};
  auto r = s.exec(sql, args);
  if (!r) return r.get_error();
  log_page page;
  for (int i = 0; i < r->rows(); ++i) page.items.push_back(log_from_row(*r, i));
  if (!with_total) return page;
  auto total = page_total(r->rows(), q.page, q.limit, [&]() -> expected<std::int64_t> {
    if (!q.task_id && q.from) {
      auto fast = s.exec(tenant_window_total_sql, {args[0], args[2], args[3], args[4]});
      if (!fast) return fast.get_error();
      if (!fast->is_null(0, 0)) return to_ll(fast->get(0, 0));
    }
    auto c = s.exec(R"sql(SELECT count(*) FROM task_logs WHERE tenant_id = $1
  AND ($2::uuid IS NULL OR task_id = $2) AND ($3::text IS NULL OR status = $3)
  AND ($4::timestamptz IS NULL OR execution_time >= $4)
  AND ($5::timestamptz IS NULL OR execution_time < $5))sql",
                    {args[0], args[1], args[2], args[3], args[4]});
    if (!c) return c.get_error();
    return to_ll(c->get(0, 0));
  });
  if (!total) return total.get_error();
  page.total = *total;
  return page;
}
}  // namespace

expected<log_page> list_logs(session& s, const log_query& q) { return logs_page(s, q, true); }

expected<dashboard_stats> stats(session& s, const uuid& tenant, instant now) {
  // Kept by triggers on tasks (0004_task_counts.sql); deleted tasks are not in them.
  auto t = s.exec(R"sql(
SELECT COALESCE(sum(n), 0), COALESCE(sum(n) FILTER (WHERE status = 'ACTIVE'), 0),
       COALESCE(sum(n) FILTER (WHERE status = 'INACTIVE'), 0),
       COALESCE(sum(n) FILTER (WHERE status = 'FAILED'), 0)
FROM tenant_task_counts WHERE tenant_id = $1)sql",
                  {tenant.str()});
  if (!t) return t.get_error();
  // The last 24 hours: whole minutes from the per-minute counts (deleted tasks
  // already left out there); the part of the oldest minute inside the window
  // counted from the log rows themselves, and the rows of the newest minute
  // stamped after `now` (written while this request was on its way) taken out.
  auto l = s.exec(R"sql(
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
FROM c)sql",
                  {tenant.str(), format_iso_ms(now)});
  if (!l) return l.get_error();
  dashboard_stats st;
  st.total_tasks = to_ll(t->get(0, 0));
  st.active_tasks = to_ll(t->get(0, 1));
  st.inactive_tasks = to_ll(t->get(0, 2));
  st.failed_tasks = to_ll(t->get(0, 3));
  st.executions = to_ll(l->get(0, 0));
  st.success = to_ll(l->get(0, 1));
  st.failed = to_ll(l->get(0, 2));
  st.retrying = to_ll(l->get(0, 3));
  st.skipped = to_ll(l->get(0, 4));
  return st;
}

expected<tenant_page> list_tenants(session& s, int page, int limit) {
  auto r = s.exec(R"sql(
SELECT id, name, is_default, (extract(epoch FROM created_at) * 1000)::bigint, count(*) OVER ()
FROM tenants ORDER BY created_at, id LIMIT $1 OFFSET $2)sql",
                  {std::to_string(limit), std::to_string(offset_of(page, limit))});
  if (!r) return r.get_error();
  tenant_page out;
  for (int i = 0; i < r->rows(); ++i) {
    tenant_info t;
    t.id = uuid::parse(r->get(i, 0)).value_or(uuid{});
    t.name = std::string(r->get(i, 1));
    t.is_default = r->get(i, 2) == "t";
    t.created_at = ms_col(*r, i, 3);
    out.items.push_back(std::move(t));
    out.total = to_ll(r->get(i, 4));
  }
  if (r->rows() == 0) {
    auto c = s.exec("SELECT count(*) FROM tenants");
    if (!c) return c.get_error();
    out.total = to_ll(c->get(0, 0));
  }
  return out;
}

expected<std::vector<api_key_entry>> load_keys(session& s) {
  auto r = s.exec(
      "SELECT encode(key_hash, 'hex'), tenant_id, is_admin FROM api_keys "
      "WHERE revoked_at IS NULL");
  if (!r) return r.get_error();
  std::vector<api_key_entry> out;
  for (int i = 0; i < r->rows(); ++i) {
    api_key_entry k;
    auto hex = r->get(i, 0);
    for (std::size_t b = 0; b < 32 && 2 * b + 1 < hex.size(); ++b) {
      unsigned v = 0;
      std::from_chars(hex.data() + 2 * b, hex.data() + 2 * b + 2, v, 16);
      k.hash[b] = static_cast<std::uint8_t>(v);
    }
    k.tenant = uuid::parse(r->get(i, 1)).value_or(uuid{});
    k.admin = r->get(i, 2) == "t";
    out.push_back(k);
  }
  return out;
}

expected<task_rankings> rank_tasks(session& s, instant since, int n) {
  // The index on execution_time keeps this to the last hour's rows.
  auto slow = s.exec(R"sql(
SELECT l.task_id, t.name, avg(l.duration_ms)::float8 AS v
FROM task_logs l JOIN tasks t ON t.id = l.task_id AND t.deleted_at IS NULL
WHERE l.execution_time >= $1 AND l.duration_ms IS NOT NULL
GROUP BY l.task_id, t.name ORDER BY v DESC LIMIT $2)sql",
                     {format_iso_ms(since), std::to_string(n)});
  if (!slow) return slow.get_error();
  auto retrying = s.exec(R"sql(
SELECT l.task_id, t.name, count(*)::float8 AS v
FROM task_logs l JOIN tasks t ON t.id = l.task_id AND t.deleted_at IS NULL
WHERE l.execution_time >= $1 AND l.status = 'RETRYING'
GROUP BY l.task_id, t.name ORDER BY v DESC LIMIT $2)sql",
                         {format_iso_ms(since), std::to_string(n)});
  if (!retrying) return retrying.get_error();
  auto read = [](const result& r) {
    std::vector<task_rank> out;
    for (int i = 0; i < r.rows(); ++i) {
      task_rank t;
      t.task_id = uuid::parse(r.get(i, 0)).value_or(uuid{});
      t.name = std::string(r.get(i, 1));
      t.value = std::strtod(std::string(r.get(i, 2)).c_str(), nullptr);
      out.push_back(std::move(t));
    }
    return out;
  };
  return task_rankings{read(*slow), read(*retrying)};
}

}  // namespace taskhook::db
