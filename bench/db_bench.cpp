// db_bench: attempt rows per second through the db_actor alone (bench/run db).
//
// Spawns the real db_actor over db::pg_store on the given database (a private
// cluster: bench/run starts one), pushes N attempt_row messages (optionally, with
// --progress, also the task_progress a real fire sends with its row: last_run_at
// and the next next_run_at), and measures until metrics.db.rows_written == N. The rows are built before the clock starts, so
// only the db_actor, libpq and PostgreSQL are timed.
//
//   db_bench --url URL [--rows N] [--tasks T] [--progress] [--rate R]
//            [--max-batch B] [--flush-ms F]
//
// --rate R pushes R rows per second in 1 ms slices (the way fires trickle in)
// instead of all at once; batches are then as small as the flush interval makes
// them. Prints one line of figures and one JSON line. CPU: this process (the
// db_actor thread does the encoding) and the PostgreSQL server (its backends,
// from /proc: the postmaster is found from our own backend's parent).

#include <sys/resource.h>
#include <unistd.h>

#include <caf/all.hpp>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "actors/db_actor.hpp"
#include "actors/metrics.hpp"
#include "actors/protocol.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/pg_store.hpp"

namespace {

using namespace taskhook;
using clk = std::chrono::steady_clock;

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: db_bench --url URL [--rows N] [--tasks T] [--progress] [--rate R]\n"
               "                [--max-batch B] [--flush-ms F]\n");
  std::exit(2);
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "db_bench: %s\n", what.c_str());
  std::exit(1);
}

db::result must(expected<db::result> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error_message());
  return std::move(*r);
}

/// utime+stime and ppid of a process, from /proc/<pid>/stat.
struct proc_stat {
  std::uint64_t ticks = 0;
  pid_t ppid = 0;
  bool ok = false;
};

proc_stat read_stat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  proc_stat out;
  auto close = s.rfind(')');
  if (close == std::string::npos) return out;
  std::istringstream fields(s.substr(close + 2));
  std::string f;
  for (int i = 3; i <= 15 && (fields >> f); ++i) {
    if (i == 4) out.ppid = static_cast<pid_t>(std::stol(f));
    if (i == 14 || i == 15) out.ticks += std::stoull(f);
  }
  out.ok = true;
  return out;
}

/// CPU ticks of the postmaster and all its children (the server's processes).
std::uint64_t server_ticks(pid_t postmaster) {
  std::uint64_t sum = read_stat(postmaster).ticks;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto st = read_stat(static_cast<pid_t>(std::stol(name)));
    if (st.ok && st.ppid == postmaster) sum += st.ticks;
  }
  return sum;
}

double self_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double hist_mean(const histogram& h) {
  auto n = h.total();
  return n ? h.sum() / static_cast<double>(n) : 0.0;
}

/// Upper bound of the bucket holding quantile q (Prometheus-style estimate).
double hist_quantile_bound(const histogram& h, double q) {
  auto n = h.total();
  if (n == 0) return 0;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < h.bucket_count(); ++i) {
    seen += h.count_in(i);
    if (static_cast<double>(seen) >= q * static_cast<double>(n)) return h.bound(i);
  }
  return INFINITY;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  std::uint64_t rows = 200'000;
  int tasks = 1000;
  bool with_progress = false;
  double rate = 0;
  db_actor_options opts;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (a == "--url") url = value();
    else if (a == "--rows") rows = std::stoull(value());
    else if (a == "--tasks") tasks = std::stoi(value());
    else if (a == "--progress") with_progress = true;
    else if (a == "--rate") rate = std::stod(value());
    else if (a == "--max-batch") opts.max_batch = std::stoull(value());
    else if (a == "--flush-ms") opts.flush_interval = std::chrono::milliseconds(std::stoi(value()));
    else usage();
  }
  if (url.empty() || rows == 0 || tasks < 1) usage();

  // -- the database: schema, one tenant, T tasks, an empty task_logs -----------
  auto conn = db::connection::open(url);
  if (!conn) die("connect: " + conn.error_message());
  if (auto m = db::migrate(*conn, db::builtin_migrations()); !m) die("migrate: " + m.error_message());
  must(conn->exec("TRUNCATE task_logs; DELETE FROM tasks WHERE name LIKE 'dbbench %'"), "reset");
  auto tenant_id = std::string(
      must(conn->exec("INSERT INTO tenants (name) VALUES ('db_bench') RETURNING id"), "tenant")
          .get(0, 0));
  auto ids_result = must(
      conn->exec("INSERT INTO tasks (tenant_id, name, schedule, webhook_url, payload, next_run_at) "
                 "SELECT $1, 'dbbench ' || g, '* * * * * *', "
                 "'https://discord.com/api/webhooks/' || (900000000000000000 + g) || '/t' || g, "
                 "'{\"content\":\"tick\"}', now() FROM generate_series(1, $2) g RETURNING id",
                 {tenant_id, std::to_string(tasks)}),
      "tasks");
  must(conn->exec("VACUUM ANALYZE tasks"), "vacuum");
  std::vector<uuid> task_ids;
  for (int r = 0; r < ids_result.rows(); ++r)
    task_ids.push_back(uuid::parse(ids_result.get(r, 0)).value());
  const uuid tenant = uuid::parse(tenant_id).value();
  const pid_t backend =
      static_cast<pid_t>(std::stol(std::string(must(conn->exec("SELECT pg_backend_pid()"), "pid").get(0, 0))));
  const pid_t postmaster = read_stat(backend).ppid;

  // -- the messages, built before the clock starts ----------------------------
  const instant base = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
  std::vector<attempt_row> msgs;
  msgs.reserve(rows);
  std::vector<task_progress> outcomes;
  if (with_progress) outcomes.reserve(rows);
  for (std::uint64_t i = 0; i < rows; ++i) {
    const uuid& id = task_ids[i % task_ids.size()];
    const instant sched = base + std::chrono::seconds(i / task_ids.size());
    attempt_row r;
    r.task_id = id;
    r.tenant_id = tenant;
    r.scheduled_for = sched;
    r.execution_time = sched + std::chrono::milliseconds(3);
    r.status = attempt_status::success;
    r.retry_count = 0;
    r.http_status = 204;
    r.duration_ms = 1;
    r.message = "204 No Content";
    r.trigger = run_trigger::schedule;
    msgs.push_back(std::move(r));
    if (with_progress) {
      task_progress o;
      o.task_id = id;
      o.revision = 1;
      o.last_run_at = sched + std::chrono::milliseconds(3);
      o.set_next_run = true;
      o.next_run_at = sched + std::chrono::seconds(1);
      outcomes.push_back(o);
    }
  }

  // -- the run ------------------------------------------------------------------
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  runtime_metrics metrics;
  auto dba = spawn_db_actor(sys, std::make_shared<db::pg_store>(url), &metrics, opts);

  const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  const auto pg0 = server_ticks(postmaster);
  const double self0 = self_cpu_s();
  const auto t0 = clk::now();
  std::int64_t max_pending = 0;
  auto push = [&](std::uint64_t i) {
    caf::anon_send(dba, std::move(msgs[i]));
    if (with_progress) caf::anon_send(dba, std::move(outcomes[i]));
  };
  if (rate > 0) {
    // R rows a second, released every millisecond against the clock.
    std::uint64_t sent = 0;
    while (sent < rows) {
      auto due = static_cast<std::uint64_t>(
          std::chrono::duration<double>(clk::now() - t0).count() * rate);
      for (; sent < std::min(due, rows); ++sent) push(sent);
      max_pending = std::max(max_pending, metrics.db.pending_rows.load(std::memory_order_relaxed));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  } else {
    for (std::uint64_t i = 0; i < rows; ++i) push(i);
  }
  const auto pushed = clk::now();
  while (metrics.db.rows_written.load(std::memory_order_relaxed) +
             metrics.db.rows_rejected.load(std::memory_order_relaxed) <
         rows) {
    max_pending = std::max(max_pending, metrics.db.pending_rows.load(std::memory_order_relaxed));
    std::this_thread::sleep_for(std::chrono::microseconds(500));
    if (clk::now() - t0 > std::chrono::minutes(10)) die("timed out waiting for rows_written");
  }
  const auto t1 = clk::now();
  const double self1 = self_cpu_s();
  const auto pg1 = server_ticks(postmaster);

  caf::anon_send_exit(dba, caf::exit_reason::user_shutdown);
  const double secs = std::chrono::duration<double>(t1 - t0).count();
  const double push_s = std::chrono::duration<double>(pushed - t0).count();
  const auto in_table = std::stoull(
      std::string(must(conn->exec("SELECT count(*) FROM task_logs"), "count").get(0, 0)));
  const auto& d = metrics.db;
  const double rows_per_s = static_cast<double>(rows) / secs;
  const double bench_cpu = (self1 - self0) / secs * 100.0;
  const double pg_cpu = static_cast<double>(pg1 - pg0) / hz / secs * 100.0;
  const double batches = static_cast<double>(d.batches.load());
  std::printf(
      "db rows=%" PRIu64 " tasks=%d progress=%s rate=%s rows_per_s=%.0f seconds=%.3f push_s=%.3f "
      "batches=%.0f rows_per_batch=%.1f write_ms_mean=%.2f write_ms_p99<=%.0f max_pending=%" PRId64
      " in_table=%llu rejected=%llu db_bench_cpu=%.0f%% postgres_cpu=%.0f%%\n",
      rows, tasks, with_progress ? "yes" : "no", rate > 0 ? std::to_string(static_cast<long>(rate)).c_str() : "max",
      rows_per_s, secs, push_s, batches, batches > 0 ? static_cast<double>(rows) / batches : 0.0,
      hist_mean(d.write_seconds) * 1000, hist_quantile_bound(d.write_seconds, 0.99) * 1000,
      max_pending, static_cast<unsigned long long>(in_table),
      static_cast<unsigned long long>(d.rows_rejected.load()), bench_cpu, pg_cpu);
  std::printf(
      "{\"scenario\":\"db\",\"rows\":%" PRIu64 ",\"tasks\":%d,\"progress\":%s,\"rate\":%.0f,"
      "\"rows_per_s\":%.1f,\"seconds\":%.4f,\"push_seconds\":%.4f,\"batches\":%.0f,"
      "\"progress_written\":%llu,\"rows_per_batch\":%.1f,\"write_ms_mean\":%.3f,"
      "\"write_ms_p99_le\":%.1f,\"max_pending\":%" PRId64 ",\"rows_in_table\":%llu,"
      "\"rows_rejected\":%llu,\"write_failures\":%llu,\"max_batch\":%zu,\"flush_ms\":%lld,"
      "\"db_bench_cpu_pct\":%.1f,\"postgres_cpu_pct\":%.1f}\n",
      rows, tasks, with_progress ? "true" : "false", rate, rows_per_s, secs, push_s, batches,
      static_cast<unsigned long long>(d.progress_written.load()),
      batches > 0 ? static_cast<double>(rows) / batches : 0.0, hist_mean(d.write_seconds) * 1000,
      hist_quantile_bound(d.write_seconds, 0.99) * 1000, max_pending,
      static_cast<unsigned long long>(in_table),
      static_cast<unsigned long long>(d.rows_rejected.load()),
      static_cast<unsigned long long>(d.write_failures.load()), opts.max_batch,
      static_cast<long long>(opts.flush_interval.count()), bench_cpu, pg_cpu);
  return in_table == rows ? 0 : 1;
}
