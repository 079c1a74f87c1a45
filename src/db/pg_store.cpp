#include "db/pg_store.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <charconv>

#include "db/cluster_store.hpp"
#include "db/pg_array.hpp"
#include "db/log_queries.hpp"
#include "db/stats_queries.hpp"
#include "db/task_queries.hpp"
#include "db/task_rows.hpp"
#include "db/tenant_queries.hpp"

namespace taskhook::db {
namespace {

/// Attempt rows and task progress in one statement: the arrays travel as 25
/// parameters, whatever the batch size, and the two writes commit together
/// (a trigger adds the rows actually inserted to the per-minute counts,
/// 0006_log_count_triggers.sql). Progress applies only while the task is still
/// at the revision the actor was spawned with, so a draining old actor cannot
/// undo a change made through the API, and only while the partition lease it
/// was armed under is current (its epoch: ARCHITECTURE.md, Fencing), so a node
/// that lost the partition cannot overwrite what the new owner wrote. The lease
/// is checked once per row against the 256-row lease table, by the partition
/// the writer armed the task in; the refused rows are counted. The counts assume
/// this and delete_task run on one session, one after the other (the
/// db_actor's): from two sessions at once, a row could be counted live for a
/// task whose deletion had not committed yet.
constexpr const char* write_batch_sql = R"sql(
WITH ins AS (
  INSERT INTO task_logs (id, task_id, tenant_id, scheduled_for, execution_time, status,
                         retry_count, http_status, duration_ms, message, trigger)
  SELECT COALESCE(l.id, gen_random_uuid()), l.task_id, l.tenant_id, l.scheduled_for,
         l.execution_time, l.status, l.retry_count, l.http_status, l.duration_ms, l.message,
         l.trigger
  FROM unnest($18::uuid[], $1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[],
              $5::text[], $6::int[], $7::int[], $8::int[], $9::text[], $10::text[])
       AS l(id, task_id, tenant_id, scheduled_for, execution_time, status, retry_count,
            http_status, duration_ms, message, trigger)
  ON CONFLICT (id) DO NOTHING
  RETURNING 1
), prog AS (
  SELECT u.*, (u.epoch = 0 OR EXISTS (
                 SELECT 1 FROM partition_leases l
                 WHERE l.partition = u.part AND l.epoch = u.epoch AND l.owner IS NOT NULL))
              AS leased
  FROM unnest($11::uuid[], $12::bigint[], $13::bool[], $14::timestamptz[], $15::timestamptz[],
              $16::text[], $17::text[], $19::bool[], $20::timestamptz[], $21::int[],
              $22::timestamptz[], $23::text[], $24::bigint[], $25::smallint[])
       AS u(id, revision, set_next, next_run_at, last_run_at, status, reason, set_retry,
            retry_at, retry_count, retry_of, retry_trigger, epoch, part)
), upd AS (
  UPDATE tasks t SET
    next_run_at   = CASE WHEN u.set_next THEN u.next_run_at ELSE t.next_run_at END,
    last_run_at   = COALESCE(u.last_run_at, t.last_run_at),
    status        = COALESCE(u.status, t.status),
    status_reason = CASE WHEN u.status IS NULL THEN t.status_reason ELSE u.reason END,
    updated_at    = CASE WHEN u.status IS NULL THEN t.updated_at ELSE now() END,
    retry_at      = CASE WHEN u.set_retry THEN u.retry_at ELSE t.retry_at END,
    retry_count   = CASE WHEN u.set_retry THEN u.retry_count ELSE t.retry_count END,
    retry_scheduled_for = CASE WHEN u.set_retry THEN u.retry_of ELSE t.retry_scheduled_for END,
    retry_trigger = CASE WHEN u.set_retry THEN u.retry_trigger ELSE t.retry_trigger END
  FROM prog u
  WHERE t.id = u.id AND u.leased AND t.revision = u.revision AND t.deleted_at IS NULL
    AND (u.epoch = 0 OR t.partition = u.part)
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM upd),
       (SELECT count(*) FROM prog WHERE NOT leased)
)sql";

constexpr const char* load_active_sql =
    "SELECT {cols} FROM tasks WHERE status = 'ACTIVE' AND deleted_at IS NULL AND id > $1 "
    "ORDER BY id LIMIT $2";

/// Retention, in small batches: each transaction stays short, so writers never
/// wait long on it.
/// With several nodes on one database, retention runs on one at a time: the
/// holder of a transaction-level advisory lock (ARCHITECTURE.md, Cluster,
/// chores that must run once). Another node's batch deletes nothing and its
/// retention actor waits for the next round.
constexpr const char* prune_logs_sql =
    "WITH gate AS (SELECT pg_try_advisory_xact_lock(hashtext('taskhook_retention')) AS mine) "
    "DELETE FROM task_logs WHERE (SELECT mine FROM gate) AND id IN "
    "(SELECT id FROM task_logs WHERE execution_time < $1 LIMIT $2)";

/// Stats read the last 24 hours of counts; an hour more covers a slow clock.
constexpr const char* prune_log_minutes_sql =
    "DELETE FROM task_log_minutes WHERE minute < now() - interval '25 hours'";

std::optional<std::string> opt_int(const std::optional<int>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

/// SQLSTATE classes that mean "the server is away or overloaded", not "the data
/// is wrong": connection exceptions, operator intervention, insufficient resources.
bool transient(const std::string& sqlstate) {
  return sqlstate.empty() || sqlstate.starts_with("08") || sqlstate.starts_with("57") ||
         sqlstate.starts_with("53") || sqlstate == "40001" || sqlstate == "40P01";
}

}  // namespace

expected<bool> pg_store::request_run(const uuid& task, const uuid& tenant, int partition,
                                     instant scheduled_for) {
  return insert_run_request(session_, task, tenant, partition, scheduled_for);
}

bool pg_store::ping() { return session_.exec("SELECT 1").has_value(); }

write_status pg_store::write_batch(std::span<const attempt_row> attempts,
                                   std::span<const task_progress> progress,
                                   std::string& error_out) {
  // Ids and times go into the arrays from stack buffers: a batch of thousands
  // of rows should not cost a heap string per field.
  std::array<char, 36> id_buf;
  iso_ms_buffer time_buf;
  auto add_time = [&time_buf](pg_array& to, const std::optional<instant>& t) {
    t ? to.add(format_iso_ms(*t, time_buf)) : to.add_null();
  };
  pg_array log_ids, task_ids, tenant_ids, scheduled, executed, statuses, retries, http,
      durations, messages, triggers;
  for (const auto& a : attempts) {
    // A row without an id (not from the db_actor) gets a random one.
    if (a.id.is_nil())
      log_ids.add_null();
    else
      log_ids.add(a.id.write(id_buf));
    task_ids.add(a.task_id.write(id_buf));
    tenant_ids.add(a.tenant_id.write(id_buf));
    scheduled.add(format_iso_ms(a.scheduled_for, time_buf));
    executed.add(format_iso_ms(a.execution_time, time_buf));
    statuses.add(to_string(a.status));
    retries.add(std::to_string(a.retry_count));
    http.add_optional(opt_int(a.http_status));
    durations.add_optional(opt_int(a.duration_ms));
    messages.add(a.message);
    triggers.add(to_string(a.trigger));
  }
  pg_array ids, revisions, set_next, next_runs, last_runs, new_status, reasons, set_retry,
      retry_at, retry_counts, retry_of, retry_triggers, epochs, partitions;
  for (const auto& p : progress) {
    epochs.add(std::to_string(p.epoch));
    partitions.add(std::to_string(p.partition));
    set_retry.add(p.set_retry ? "t" : "f");
    if (p.retry) {
      retry_at.add(format_iso_ms(p.retry->due, time_buf));
      retry_counts.add(std::to_string(p.retry->retry_count));
      retry_of.add(format_iso_ms(p.retry->scheduled_for, time_buf));
      retry_triggers.add(to_string(p.retry->trigger));
    } else {
      retry_at.add_null();
      retry_counts.add_null();
      retry_of.add_null();
      retry_triggers.add_null();
    }
    ids.add(p.task_id.write(id_buf));
    revisions.add(std::to_string(p.revision));
    set_next.add(p.set_next_run ? "t" : "f");
    add_time(next_runs, p.next_run_at);
    add_time(last_runs, p.last_run_at);
    if (p.status)
      new_status.add(to_string(*p.status));
    else
      new_status.add_null();
    reasons.add_optional(p.status_reason);
  }
  params args{task_ids.str(), tenant_ids.str(), scheduled.str(), executed.str(), statuses.str(),
              retries.str(),  http.str(),       durations.str(), messages.str(), triggers.str(),
              ids.str(),      revisions.str(),  set_next.str(),  next_runs.str(), last_runs.str(),
              new_status.str(), reasons.str(), log_ids.str(), set_retry.str(), retry_at.str(),
              retry_counts.str(), retry_of.str(), retry_triggers.str(), epochs.str(),
              partitions.str()};

  for (int attempt = 0; attempt < 2; ++attempt) {
    auto* c = session_.get();
    if (c == nullptr) {
      error_out = "cannot connect: " + session_.last_error();
      return write_status::unavailable;
    }
    auto r = c->exec(write_batch_sql, args);
    if (r) {
      if (r->rows() == 1 && r->columns() == 3) {
        long long refused = 0;
        auto text = r->get(0, 2);
        std::from_chars(text.data(), text.data() + text.size(), refused);
        fenced_writes_ += static_cast<std::uint64_t>(refused);
      }
      return write_status::ok;
    }
    error_out = r.error_message();
    if (!transient(c->last_sqlstate()) && c->ok()) return write_status::rejected;
    if (c->ok()) return write_status::unavailable;
    // The connection broke under us: one reconnect, then report.
  }
  return write_status::unavailable;
}

expected<std::vector<task_record>> pg_store::load_active(const uuid& after, std::uint32_t limit) {
  static const std::string sql = with_task_columns(load_active_sql);
  auto r = session_.exec(sql, {after.str(), std::to_string(limit)});
  if (!r) return r.get_error();
  std::vector<task_record> out;
  out.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) out.push_back(task_from_row(*r, i));
  return out;
}

expected<task_record> pg_store::create_task(task_record t, instant now) {
  return insert_task(session_, std::move(t), now);
}
expected<std::optional<task_record>> pg_store::patch_task(const uuid& tenant, const uuid& id,
                                                          const task_input& in, instant now) {
  return db::patch_task(session_, tenant, id, in, now);
}
expected<std::optional<task_record>> pg_store::toggle_task(const uuid& tenant, const uuid& id,
                                                           instant now) {
  return db::toggle_task(session_, tenant, id, now);
}
expected<std::int64_t> pg_store::delete_task(const uuid& tenant, const uuid& id) {
  return db::delete_task(session_, tenant, id);
}
expected<tenant_info> pg_store::create_tenant(const std::string& name, const key_hash& hash) {
  return insert_tenant(session_, name, hash);
}

expected<long> pg_pruner::prune(instant cutoff, int batch) {
  auto r = session_.exec(prune_logs_sql, {format_iso_ms(cutoff), std::to_string(batch)});
  if (!r) return r.get_error();
  auto counts = session_.exec(prune_log_minutes_sql);
  if (!counts) return counts.get_error();
  return r->affected();
}

bool pg_catalog::ping() { return session_.exec("SELECT 1").has_value(); }
expected<task_page> pg_catalog::list_tasks(const task_query& q) {
  return db::list_tasks(session_, q);
}
expected<std::optional<task_detail>> pg_catalog::get_task(const uuid& tenant, const uuid& id) {
  return db::get_task(session_, tenant, id, 20);
}
expected<log_page> pg_catalog::list_logs(const log_query& q) { return db::list_logs(session_, q); }
expected<dashboard_stats> pg_catalog::stats(const uuid& tenant, instant now) {
  return db::stats(session_, tenant, now);
}
expected<tenant_page> pg_catalog::list_tenants(int page, int limit) {
  return db::list_tenants(session_, page, limit);
}
expected<std::vector<api_key_entry>> pg_catalog::load_keys() { return db::load_keys(session_); }
expected<task_rankings> pg_catalog::rank_tasks(instant since, int n) {
  return db::rank_tasks(session_, since, n);
}

}  // namespace taskhook::db
