// Delivery end to end: the real taskhook binary, a real PostgreSQL and a fake
// Discord over loopback (tests/integration/delivery_harness.hpp). What the
// fake received is matched against the task_logs rows and the tasks table.
// Stops and restarts are in restart_test.cpp.
#include <algorithm>
#include <set>

#include "integration/delivery_harness.hpp"

using namespace taskhook::test;
using namespace taskhook::test::delivery;


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

TEST_CASE("deliveries during a PostgreSQL outage get their rows once it is back",
          "[delivery][outage]") {
  private_cluster pg;
  migrate(pg.url());
  auto task = insert_task(pg.url(), make_tenant(pg.url()), {});
  fake_discord fake;
  // A node fires without the database only while its leases last (README,
  // "Several nodes"): the default 15 s covers the outage below.
  auto svc = start_service(service_env(pg.url(), fake, {{"CLUSTER_LEASE_S", "15"}}));

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
