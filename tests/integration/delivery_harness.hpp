#pragma once
/// What the delivery and restart tests share: the real taskhook binary, a real
/// PostgreSQL, a fake Discord over loopback, and readers of the rows they leave.
/// Tasks are inserted with SQL before the service starts (it loads ACTIVE tasks
/// once, at start).

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/fake_discord.hpp"
#include "support/pg.hpp"
#include "support/process.hpp"

namespace taskhook::test::delivery {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

constexpr const char* api_key = "test-admin-key-0123456789";

// -- the service ------------------------------------------------------------

inline std::map<std::string, std::string> service_env(const std::string& db_url, const fake_discord& fake,
                                               std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> env{{"DATABASE_URL", db_url},
                                         {"API_KEY", api_key},
                                         {"HOST", "127.0.0.1"},
                                         {"PORT", std::to_string(free_port())},
                                         {"APP_ENV", "test"},
                                         {"DISCORD_API_BASE", fake.base_url()},
                                         {"ALLOW_PRIVATE_TARGETS", "true"},
                                         // A restart after SIGKILL waits for the dead
                                         // process's partition leases to run out: keep
                                         // that short here (the shortest allowed).
                                         {"CLUSTER_LEASE_S", "2"}};
  for (auto& [k, v] : extra) env[k] = v;
  return env;
}

/// `taskhook migrate`, so the tables exist before the test inserts its tasks.
inline void migrate(const std::string& db_url) {
  auto r =
      run_command({TASKHOOK_BINARY, "migrate"}, {{"DATABASE_URL", db_url}, {"API_KEY", api_key}});
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
}

/// Starts `taskhook serve` and waits until it is ready.
inline std::unique_ptr<child> start_service(const std::map<std::string, std::string>& env) {
  auto svc = std::make_unique<child>(std::vector<std::string>{TASKHOOK_BINARY, "serve"}, env);
  bool ready = svc->wait_for_output("listening on", 20s);
  INFO(svc->output());
  REQUIRE(ready);
  return svc;
}

/// SIGTERM, then the exit code (REQUIREs that it exits within `timeout`).
inline int stop_service(child& svc, milliseconds timeout = 20s) {
  svc.signal(SIGTERM);
  auto code = svc.wait(timeout);
  INFO(svc.output());
  REQUIRE(code.has_value());
  return *code;
}

// -- the data -----------------------------------------------------------------

struct task_spec {
  std::string schedule = "* * * * * *";
  std::string payload = R"({"content": "tick"})";
  int max_retry = 3;
  std::string webhook_id;  ///< numeric; derived from a counter when empty
  std::string token = "tok-EN_abc.123456789";
};

struct task_ids {
  std::string id;
  std::string webhook_id;
  std::string token;
  /// The path the fake sees, without the query.
  std::string path() const { return "/api/webhooks/" + webhook_id + "/" + token; }
};

inline std::string sql_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

inline std::string make_tenant(const std::string& url) {
  return query(url, "INSERT INTO tenants (name) VALUES ('delivery test') RETURNING id")[0][0];
}

inline task_spec with_max_retry(int n) {
  task_spec s;
  s.max_retry = n;
  return s;
}

inline task_ids insert_task(const std::string& url, const std::string& tenant, task_spec spec) {
  static std::atomic<std::uint64_t> next_webhook{100200300400500600};
  if (spec.webhook_id.empty()) spec.webhook_id = std::to_string(next_webhook++);
  std::string webhook_url =
      "https://discord.com/api/webhooks/" + spec.webhook_id + "/" + spec.token;
  auto rows =
      query(url,
            "INSERT INTO tasks (tenant_id, name, schedule, webhook_url, payload, max_retry) "
            "VALUES (" +
                sql_quote(tenant) + ", 'delivery', " + sql_quote(spec.schedule) + ", " +
                sql_quote(webhook_url) + ", " + sql_quote(spec.payload) + "::jsonb, " +
                std::to_string(spec.max_retry) + ") RETURNING id");
  return {rows[0][0], spec.webhook_id, spec.token};
}

/// One task_logs row, times as milliseconds since the epoch.
struct log_row {
  std::int64_t scheduled_for = 0;
  std::int64_t execution_time = 0;
  std::string status;
  int retry_count = 0;
  std::string http_status;  ///< "" for NULL
  std::string duration_ms;  ///< "" for NULL
  std::string message;
  std::string trigger;
};

inline std::string describe(const std::vector<log_row>& rows) {
  std::ostringstream out;
  for (const auto& r : rows)
    out << r.scheduled_for << " exec=" << r.execution_time << " " << r.status
        << " retry=" << r.retry_count << " http=" << r.http_status << " dur=" << r.duration_ms
        << " trigger=" << r.trigger << " msg=" << r.message << "\n";
  return out.str();
}

/// A task's rows, in scheduled then execution order.
inline std::vector<log_row> logs_of(const std::string& url, const std::string& task_id,
                             const std::string& where = "true") {
  auto rows = query(url,
                    "SELECT (extract(epoch FROM scheduled_for) * 1000)::bigint, "
                    "(extract(epoch FROM execution_time) * 1000)::bigint, status, retry_count, "
                    "http_status, duration_ms, coalesce(message, ''), trigger FROM task_logs "
                    "WHERE task_id = " +
                        sql_quote(task_id) + " AND (" + where +
                        ") ORDER BY scheduled_for, execution_time, retry_count, created_at");
  std::vector<log_row> out;
  for (auto& r : rows)
    out.push_back(
        {std::stoll(r[0]), std::stoll(r[1]), r[2], std::stoi(r[3]), r[4], r[5], r[6], r[7]});
  return out;
}

inline std::size_t count_logs(const std::string& url, const std::string& task_id,
                       const std::string& where = "true") {
  return std::stoul(query(url, "SELECT count(*) FROM task_logs WHERE task_id = " +
                                   sql_quote(task_id) + " AND (" + where + ")")[0][0]);
}

struct task_row {
  std::string status;
  std::string status_reason;
  std::string next_run_at;  ///< ms since the epoch, "" for NULL
  std::string last_run_at;  ///< ms since the epoch, "" for NULL
};

inline task_row task_of(const std::string& url, const std::string& task_id) {
  auto r = query(url,
                 "SELECT status, coalesce(status_reason, ''), "
                 "(extract(epoch FROM next_run_at) * 1000)::bigint, "
                 "(extract(epoch FROM last_run_at) * 1000)::bigint FROM tasks WHERE id = " +
                     sql_quote(task_id));
  REQUIRE(r.size() == 1);
  return {r[0][0], r[0][1], r[0][2], r[0][3]};
}

/// Polls `ok` every 20 ms until it holds or `timeout` passes; true if it held.
inline bool eventually(const std::function<bool()>& ok, milliseconds timeout) {
  auto deadline = steady::now() + timeout;
  for (;;) {
    if (ok()) return true;
    if (steady::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

inline std::int64_t epoch_ms(const recorded_request& r) { return r.arrived.time_since_epoch().count(); }
inline std::int64_t floor_second(std::int64_t ms) { return ms - ms % 1000; }

/// Requests for one webhook, in arrival order.
inline std::vector<recorded_request> requests_for(const fake_discord& fake, const task_ids& t) {
  std::vector<recorded_request> out;
  for (auto& r : fake.requests())
    if (r.target.starts_with(t.path())) out.push_back(r);
  return out;
}

inline fake_response json_response(int status, std::string body, milliseconds delay = 0ms) {
  fake_response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = std::move(body);
  r.delay = delay;
  return r;
}


}  // namespace taskhook::test::delivery
