// Delivery end to end: the real taskhook binary, a real PostgreSQL and a fake
// Discord over loopback. Tasks are inserted with SQL before the service starts
// (it loads ACTIVE tasks once, at start); what the fake received is then
// matched against the task_logs rows and the tasks table.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include "support/fake_discord.hpp"
#include "support/pg.hpp"
#include "support/process.hpp"

using namespace taskhook::test;
using namespace std::chrono_literals;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {

constexpr const char* api_key = "test-admin-key-0123456789";

// -- the service ------------------------------------------------------------

std::map<std::string, std::string> service_env(const std::string& db_url, const fake_discord& fake,
                                               std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> env{{"DATABASE_URL", db_url},
                                         {"API_KEY", api_key},
                                         {"HOST", "127.0.0.1"},
                                         {"PORT", std::to_string(free_port())},
                                         {"APP_ENV", "test"},
                                         {"DISCORD_API_BASE", fake.base_url()},
                                         {"ALLOW_PRIVATE_TARGETS", "true"}};
  for (auto& [k, v] : extra) env[k] = v;
  return env;
}

/// `taskhook migrate`, so the tables exist before the test inserts its tasks.
void migrate(const std::string& db_url) {
  auto r =
      run_command({TASKHOOK_BINARY, "migrate"}, {{"DATABASE_URL", db_url}, {"API_KEY", api_key}});
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
}

/// Starts `taskhook serve` and waits until it is ready.
std::unique_ptr<child> start_service(const std::map<std::string, std::string>& env) {
  auto svc = std::make_unique<child>(std::vector<std::string>{TASKHOOK_BINARY, "serve"}, env);
  bool ready = svc->wait_for_output("listening on", 20s);
  INFO(svc->output());
  REQUIRE(ready);
  return svc;
}

/// SIGTERM, then the exit code (REQUIREs that it exits within `timeout`).
int stop_service(child& svc, milliseconds timeout = 20s) {
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

std::string sql_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string make_tenant(const std::string& url) {
  return query(url, "INSERT INTO tenants (name) VALUES ('delivery test') RETURNING id")[0][0];
}

task_spec with_max_retry(int n) {
  task_spec s;
  s.max_retry = n;
  return s;
}

task_ids insert_task(const std::string& url, const std::string& tenant, task_spec spec) {
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

std::string describe(const std::vector<log_row>& rows) {
  std::ostringstream out;
  for (const auto& r : rows)
    out << r.scheduled_for << " exec=" << r.execution_time << " " << r.status
        << " retry=" << r.retry_count << " http=" << r.http_status << " dur=" << r.duration_ms
        << " trigger=" << r.trigger << " msg=" << r.message << "\n";
  return out.str();
}

/// A task's rows, in scheduled then execution order.
std::vector<log_row> logs_of(const std::string& url, const std::string& task_id,
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

std::size_t count_logs(const std::string& url, const std::string& task_id,
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

task_row task_of(const std::string& url, const std::string& task_id) {
  auto r = query(url,
                 "SELECT status, coalesce(status_reason, ''), "
                 "(extract(epoch FROM next_run_at) * 1000)::bigint, "
                 "(extract(epoch FROM last_run_at) * 1000)::bigint FROM tasks WHERE id = " +
                     sql_quote(task_id));
  REQUIRE(r.size() == 1);
  return {r[0][0], r[0][1], r[0][2], r[0][3]};
}

/// Polls `ok` every 20 ms until it holds or `timeout` passes; true if it held.
bool eventually(const std::function<bool()>& ok, milliseconds timeout) {
  auto deadline = steady::now() + timeout;
  for (;;) {
    if (ok()) return true;
    if (steady::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

std::int64_t epoch_ms(const recorded_request& r) { return r.arrived.time_since_epoch().count(); }
std::int64_t floor_second(std::int64_t ms) { return ms - ms % 1000; }

/// Requests for one webhook, in arrival order.
std::vector<recorded_request> requests_for(const fake_discord& fake, const task_ids& t) {
  std::vector<recorded_request> out;
  for (auto& r : fake.requests())
    if (r.target.starts_with(t.path())) out.push_back(r);
  return out;
}

fake_response json_response(int status, std::string body, milliseconds delay = 0ms) {
  fake_response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = std::move(body);
  r.delay = delay;
  return r;
}

}  // namespace

// 1 ---------------------------------------------------------------------------

TEST_CASE("a per-second task delivers on every whole second, one SUCCESS row per delivery",
          "[delivery]") {
  scratch_database db;
  migrate(db.url());
  auto task = insert_task(db.url(), make_tenant(db.url()), {});
  const std::string stored_payload =
      query(db.url(), "SELECT payload::text FROM tasks WHERE id = " + sql_quote(task.id))[0][0];
  fake_discord fake;
  auto svc = start_service(service_env(db.url(), fake));

  REQUIRE(fake.wait_for_requests(5, 10s));
  CHECK(stop_service(*svc) == 0);
  const std::string output = svc->output();

  auto reqs = fake.requests();
  REQUIRE(reqs.size() >= 5);
  INFO(output);
  std::vector<std::int64_t> seconds;
  for (const auto& r : reqs) {
    const std::int64_t at = epoch_ms(r);
    INFO("arrival " << at << " lateness " << at % 1000 << " ms");
    CHECK(r.method == "POST");
    CHECK(r.target == task.path() + "?wait=true");
    CHECK(r.header("content-type").starts_with("application/json"));
    CHECK(r.body == stored_payload);
    // Every fire is on a whole second; the send leaves right after it.
    CHECK(at % 1000 < 300);
    seconds.push_back(floor_second(at));
  }
  for (std::size_t i = 1; i < seconds.size(); ++i) {
    INFO("arrival " << i);
    CHECK(seconds[i] - seconds[i - 1] == 1000);
  }

  // After a clean stop every delivery has exactly one SUCCESS row for its second.
  auto rows = logs_of(db.url(), task.id);
  INFO(describe(rows));
  REQUIRE(rows.size() == reqs.size());
  std::set<std::int64_t> scheduled;
  for (const auto& row : rows) {
    CHECK(row.status == "SUCCESS");
    CHECK(row.retry_count == 0);
    CHECK(row.http_status == "204");
    CHECK(row.trigger == "schedule");
    CHECK(row.message == "204 No Content");
    CHECK(row.scheduled_for % 1000 == 0);
    CHECK(row.execution_time >= row.scheduled_for);
    scheduled.insert(row.scheduled_for);
  }
  CHECK(scheduled == std::set<std::int64_t>(seconds.begin(), seconds.end()));

  auto t = task_of(db.url(), task.id);
  CHECK(t.status == "ACTIVE");
  CHECK(t.last_run_at == std::to_string(rows.back().execution_time));
  CHECK(t.next_run_at == std::to_string(*scheduled.rbegin() + 1000));
}

// 2 ---------------------------------------------------------------------------

TEST_CASE("5xx is retried with backoff, then the task is FAILED and stops sending", "[delivery]") {
  scratch_database db;
  migrate(db.url());
  auto task = insert_task(db.url(), make_tenant(db.url()), with_max_retry(2));
  fake_discord fake;
  fake.set_default(json_response(500, R"({"message": "boom"})"));
  auto svc = start_service(
      service_env(db.url(), fake, {{"RETRY_BASE_MS", "50"}, {"RETRY_MAX_MS", "1000"}}));

  REQUIRE(fake.wait_for_requests(3, 10s));
  REQUIRE(eventually([&] { return task_of(db.url(), task.id).status == "FAILED"; }, 5s));
  // Nothing more: the task is done for (the next two fires would have come by now).
  CHECK_FALSE(fake.wait_for_requests(4, 2100ms));
  CHECK(stop_service(*svc) == 0);

  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 3);
  // Retry k waits base * 2^(k-1), jittered by at most 20 %.
  CHECK(reqs[1].arrived_steady - reqs[0].arrived_steady >= 40ms);
  CHECK(reqs[2].arrived_steady - reqs[1].arrived_steady >= 80ms);

  auto rows = logs_of(db.url(), task.id);
  INFO(describe(rows));
  REQUIRE(rows.size() == 3);
  const char* expected_status[] = {"RETRYING", "RETRYING", "FAILED"};
  for (int i = 0; i < 3; ++i) {
    CHECK(rows[i].status == expected_status[i]);
    CHECK(rows[i].retry_count == i);
    CHECK(rows[i].http_status == "500");
    CHECK(rows[i].message == "500 boom");
    CHECK(rows[i].scheduled_for == rows[0].scheduled_for);
  }
  auto t = task_of(db.url(), task.id);
  CHECK(t.status == "FAILED");
  CHECK(t.status_reason == "retries exhausted (2): 500 boom");
  CHECK(t.next_run_at == "");
}

// 3 ---------------------------------------------------------------------------

TEST_CASE("404 Unknown Webhook fails the task at once, without a retry", "[delivery]") {
  scratch_database db;
  migrate(db.url());
  auto task = insert_task(db.url(), make_tenant(db.url()), with_max_retry(3));
  fake_discord fake;
  fake.set_default(json_response(404, R"({"message": "Unknown Webhook", "code": 10015})"));
  auto svc = start_service(service_env(db.url(), fake, {{"RETRY_BASE_MS", "50"}}));

  REQUIRE(fake.wait_for_requests(1, 10s));
  REQUIRE(eventually([&] { return task_of(db.url(), task.id).status == "FAILED"; }, 5s));
  CHECK_FALSE(fake.wait_for_requests(2, 1500ms));
  CHECK(stop_service(*svc) == 0);

  auto rows = logs_of(db.url(), task.id);
  INFO(describe(rows));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].status == "FAILED");
  CHECK(rows[0].retry_count == 0);
  CHECK(rows[0].http_status == "404");
  CHECK(rows[0].message == "404 Unknown Webhook");
  auto t = task_of(db.url(), task.id);
  CHECK(t.status == "FAILED");
  CHECK(t.status_reason == "404 Unknown Webhook");
}

// 4 ---------------------------------------------------------------------------

TEST_CASE("429 is retried after the retry_after the server asked for", "[delivery]") {
  scratch_database db;
  migrate(db.url());
  auto task = insert_task(db.url(), make_tenant(db.url()), with_max_retry(3));
  fake_discord fake;
  fake.enqueue(
      task.path(),
      json_response(
          429,
          R"({"message": "You are being rate limited.", "retry_after": 0.4, "global": false})"));
  // Then the default: 204.
  auto svc = start_service(service_env(db.url(), fake, {{"RETRY_BASE_MS", "50"}}));

  REQUIRE(fake.wait_for_requests(2, 10s));
  CHECK(stop_service(*svc) == 0);
  auto reqs = fake.requests();
  REQUIRE(reqs.size() >= 2);
  CHECK(reqs[1].arrived_steady - reqs[0].arrived_steady >= 400ms);
  // ...and not a whole fire later: it is the retry, not the next second.
  // ...and it is the retry, not a later fire (that bound is loose on purpose;
  // the next test case holds the service to the time asked for).
  CHECK(reqs[1].arrived_steady - reqs[0].arrived_steady < 1500ms);

  auto rows = logs_of(db.url(), task.id);
  INFO(describe(rows));
  REQUIRE(rows.size() >= 2);
  CHECK(rows[0].status == "RETRYING");
  CHECK(rows[0].retry_count == 0);
  CHECK(rows[0].http_status == "429");
  CHECK(rows[0].message == "429 You are being rate limited.");
  CHECK(rows[1].status == "SUCCESS");
  CHECK(rows[1].retry_count == 1);
  CHECK(rows[1].http_status == "204");
  CHECK(rows[1].scheduled_for == rows[0].scheduled_for);
  CHECK(rows[1].execution_time - rows[0].execution_time >= 400);
  CHECK(task_of(db.url(), task.id).status == "ACTIVE");
}

TEST_CASE(
    "a 429 that names its retry_after only in the body is retried after that, "
    "not a second later",
    "[delivery][429]") {
  scratch_database db;
  migrate(db.url());
  auto task = insert_task(db.url(), make_tenant(db.url()), with_max_retry(3));
  fake_discord fake;
  // Discord's JSON says 0.4 s; no Retry-After or X-RateLimit-* header.
  fake.enqueue(
      task.path(),
      json_response(429, R"({"message": "You are being rate limited.", "retry_after": 0.4})"));
  auto svc = start_service(service_env(db.url(), fake, {{"RETRY_BASE_MS", "50"}}));

  REQUIRE(fake.wait_for_requests(3, 10s));
  CHECK(stop_service(*svc) == 0);
  auto reqs = fake.requests();
  CHECK(reqs[1].arrived_steady - reqs[0].arrived_steady >= 400ms);
  CHECK(reqs[1].arrived_steady - reqs[0].arrived_steady < 900ms);
  // The retry succeeded before the next second, so that fire runs rather than
  // being skipped as "still retrying".
  auto rows = logs_of(db.url(), task.id);
  INFO(describe(rows));
  CHECK(std::none_of(rows.begin(), rows.end(),
                     [](const log_row& r) { return r.status == "SKIPPED"; }));
}

// 5 ---------------------------------------------------------------------------

TEST_CASE("a receiver slower than WEBHOOK_TIMEOUT_MS is a timeout, retried then FAILED",
          "[delivery]") {
  scratch_database db;
  migrate(db.url());
  auto task = insert_task(db.url(), make_tenant(db.url()), with_max_retry(1));
  fake_discord fake;
  fake.set_default(json_response(200, "{}", 2000ms));
  auto svc = start_service(
      service_env(db.url(), fake, {{"WEBHOOK_TIMEOUT_MS", "300"}, {"RETRY_BASE_MS", "50"}}));

  REQUIRE(eventually([&] { return task_of(db.url(), task.id).status == "FAILED"; }, 10s));
  CHECK(stop_service(*svc) == 0);

  auto rows = logs_of(db.url(), task.id);
  INFO(describe(rows));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].status == "RETRYING");
  CHECK(rows[1].status == "FAILED");
  for (const auto& row : rows) {
    CHECK(row.message.starts_with("timeout"));
    CHECK(row.http_status == "");
    REQUIRE(row.duration_ms != "");
    CHECK(std::stoi(row.duration_ms) >= 290);
    CHECK(std::stoi(row.duration_ms) < 1500);
  }
  auto t = task_of(db.url(), task.id);
  CHECK(t.status_reason.starts_with("retries exhausted (1): timeout"));
  CHECK(fake.request_count() == 2);
}

// 6 ---------------------------------------------------------------------------

TEST_CASE("SIGTERM waits for the attempt in flight and writes its row", "[delivery]") {
  scratch_database db;
  migrate(db.url());
  auto task = insert_task(db.url(), make_tenant(db.url()), {});
  fake_discord fake;
  fake.set_default(json_response(200, R"({"id": "1"})", 1500ms));
  auto svc = start_service(service_env(db.url(), fake, {{"WEBHOOK_TIMEOUT_MS", "5000"}}));

  REQUIRE(fake.wait_for_requests(1, 10s));
  const auto arrived = fake.requests()[0].arrived_steady;
  svc->signal(SIGTERM);
  auto code = svc->wait(20s);
  const auto exited = steady::now();
  INFO(svc->output());
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  // It waited for the answer rather than dropping it...
  CHECK(exited - arrived >= 1400ms);
  // ...stopped firing...
  CHECK(fake.request_count() == 1);
  // ...and the attempt is on record.
  auto rows = logs_of(db.url(), task.id);
  INFO(describe(rows));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].status == "SUCCESS");
  CHECK(rows[0].http_status == "200");
  REQUIRE(rows[0].duration_ms != "");
  CHECK(std::stoi(rows[0].duration_ms) >= 1400);
  CHECK(svc->output().find("received SIGTERM, stopping") != std::string::npos);
}

// 7 ---------------------------------------------------------------------------

TEST_CASE("after SIGKILL and a restart the missed seconds follow the misfire policy",
          "[delivery][misfire]") {
  scratch_database db;
  migrate(db.url());
  auto task = insert_task(db.url(), make_tenant(db.url()), {});
  fake_discord fake;
  auto env = service_env(db.url(), fake, {{"MISFIRE_GRACE_S", "3600"}});

  std::int64_t persisted_next = 0;
  std::vector<log_row> before;
  std::size_t arrivals_before = 0;
  {
    auto svc = start_service(env);
    REQUIRE(fake.wait_for_requests(2, 10s));
    // Kill at a quiet moment: the last send answered and its row written, the
    // next fire most of a second away.
    for (int tries = 0;; ++tries) {
      REQUIRE(tries < 5);
      const std::size_t sent = fake.request_count();
      REQUIRE(eventually([&] { return count_logs(db.url(), task.id) == sent; }, 3s));
      const auto ms_into_second =
          std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now())
              .time_since_epoch()
              .count() %
          1000;
      if (ms_into_second < 600 && fake.request_count() == sent) break;
      REQUIRE(fake.wait_for_requests(sent + 1, 3s));  // too close to the next fire: after it
    }
    svc->signal(SIGKILL);
    REQUIRE(svc->wait(5s).has_value());
    arrivals_before = fake.request_count();
    before = logs_of(db.url(), task.id);
    auto t = task_of(db.url(), task.id);
    REQUIRE(t.next_run_at != "");
    persisted_next = std::stoll(t.next_run_at);
  }
  INFO("before the kill:\n" << describe(before));
  REQUIRE(before.size() == arrivals_before);
  // Nothing was in flight: what the database says is next is the second after
  // the last delivery.
  CHECK(persisted_next == before.back().scheduled_for + 1000);

  // Let a few fires pass while the service is down.
  std::this_thread::sleep_for(3s);

  auto wall_ms = [] {
    return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now())
        .time_since_epoch()
        .count();
  };
  const std::int64_t restart_wall = wall_ms();
  auto svc = start_service(env);
  const std::int64_t ready_wall = wall_ms();
  // The misfire run, then at least two scheduled fires.
  REQUIRE(fake.wait_for_requests(arrivals_before + 3, 10s));
  CHECK(stop_service(*svc) == 0);

  auto after =
      logs_of(db.url(), task.id,
              "scheduled_for >= to_timestamp(" + std::to_string(persisted_next) + " / 1000.0)");
  INFO("after the restart:\n" << describe(after) << svc->output());

  std::vector<log_row> misfire_runs, skipped, scheduled;
  for (const auto& r : after) {
    if (r.trigger == "misfire" && r.status == "SKIPPED")
      skipped.push_back(r);
    else if (r.trigger == "misfire")
      misfire_runs.push_back(r);
    else
      scheduled.push_back(r);
  }
  // Exactly one catch-up run: the most recent missed second.
  REQUIRE(misfire_runs.size() == 1);
  const std::int64_t last_missed = misfire_runs[0].scheduled_for;
  CHECK(misfire_runs[0].status == "SUCCESS");
  CHECK(last_missed >= persisted_next);
  CHECK(last_missed <= ready_wall);             // it had passed when the service came up
  CHECK(last_missed > restart_wall - 1000);     // and it is the latest one that had
  CHECK(last_missed >= persisted_next + 2000);  // three seconds down: at least two missed before

  // Every older missed second is accounted for by one SKIPPED row.
  const std::int64_t older = (last_missed - persisted_next) / 1000;
  if (older == 0) {
    CHECK(skipped.empty());
  } else {
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].scheduled_for == persisted_next);
    CHECK(skipped[0].message.starts_with("skipped " + std::to_string(older) +
                                         " missed fire(s) from "));
    CHECK(skipped[0].message.ends_with(" while the service was down"));
  }

  // Then regular firing resumes on the following seconds, with no gap.
  REQUIRE(scheduled.size() >= 2);
  for (std::size_t i = 0; i < scheduled.size(); ++i) {
    CHECK(scheduled[i].status == "SUCCESS");
    CHECK(scheduled[i].scheduled_for == last_missed + 1000 * static_cast<std::int64_t>(i + 1));
  }
  // No burst: one send per row after the restart.
  CHECK(fake.request_count() - arrivals_before == misfire_runs.size() + scheduled.size());
  auto all = logs_of(db.url(), task.id);
  CHECK(all.size() == before.size() + after.size());
}

// 8 ---------------------------------------------------------------------------

TEST_CASE("deliveries during a PostgreSQL outage get their rows once it is back",
          "[delivery][outage]") {
  private_cluster pg;
  migrate(pg.url());
  auto task = insert_task(pg.url(), make_tenant(pg.url()), {});
  fake_discord fake;
  auto svc = start_service(service_env(pg.url(), fake));

  REQUIRE(fake.wait_for_requests(2, 10s));
  pg.stop();
  const std::size_t at_stop = fake.request_count();
  // Deliveries go on without the database; about ten seconds of them.
  if (!fake.wait_for_requests(at_stop + 10, 15s))
    FAIL("only " << fake.request_count() - at_stop << " deliveries in 15 s without the database\n"
                 << svc->output());
  CHECK(svc->output().find("database unavailable, keeping") != std::string::npos);
  pg.start();
  REQUIRE(svc->wait_for_output("database back: wrote", 15s));
  CHECK(stop_service(*svc) == 0);

  auto reqs = requests_for(fake, task);
  auto rows = logs_of(pg.url(), task.id);
  INFO(describe(rows) << svc->output());
  REQUIRE(reqs.size() >= at_stop + 10);
  CHECK(rows.size() == reqs.size());
  std::set<std::int64_t> arrival_seconds, scheduled;
  for (const auto& r : reqs) arrival_seconds.insert(floor_second(epoch_ms(r)));
  for (const auto& row : rows) {
    CHECK(row.status == "SUCCESS");
    scheduled.insert(row.scheduled_for);
  }
  CHECK(scheduled == arrival_seconds);
  auto t = task_of(pg.url(), task.id);
  CHECK(t.next_run_at == std::to_string(*scheduled.rbegin() + 1000));
}

TEST_CASE("a send cut off by SIGKILL is accounted for after the restart", "[delivery][misfire]") {
  // At-least-once: a crash between a send and its row may repeat that send, or
  // (when later fires were missed too) count it in the SKIPPED row. Either way
  // the fire has a row; it must not vanish from the record.
  scratch_database db;
  migrate(db.url());
  auto task = insert_task(db.url(), make_tenant(db.url()), {});
  fake_discord fake;
  fake.enqueue(task.path(), json_response(200, "{}", 3000ms));  // the first send hangs
  auto env =
      service_env(db.url(), fake, {{"MISFIRE_GRACE_S", "3600"}, {"WEBHOOK_TIMEOUT_MS", "5000"}});
  std::int64_t cut_off = 0;
  {
    auto svc = start_service(env);
    REQUIRE(fake.wait_for_requests(1, 10s));
    cut_off = floor_second(epoch_ms(fake.requests()[0]));
    // Give the db_actor time for whatever it writes at fire time (today: the
    // next fire, one second on), but kill well before the answer comes.
    eventually(
        [&] { return task_of(db.url(), task.id).next_run_at == std::to_string(cut_off + 1000); },
        500ms);
    svc->signal(SIGKILL);
    REQUIRE(svc->wait(5s).has_value());
  }
  REQUIRE(count_logs(db.url(), task.id) == 0);  // the send was still waiting for its answer
  std::this_thread::sleep_for(2s);

  auto svc = start_service(env);
  REQUIRE(fake.wait_for_requests(3, 10s));
  CHECK(stop_service(*svc) == 0);
  auto rows = logs_of(db.url(), task.id);
  INFO("cut-off send for " << cut_off << "\n" << describe(rows));
  REQUIRE_FALSE(rows.empty());
  // A row of its own, or the SKIPPED row whose range starts there.
  CHECK(rows.front().scheduled_for == cut_off);
}
