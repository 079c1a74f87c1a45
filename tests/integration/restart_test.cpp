// Stops and restarts end to end: the real taskhook binary, a real PostgreSQL and
// a fake Discord (tests/integration/delivery_harness.hpp). SIGTERM finishes what
// is in flight, SIGKILL and a restart follow the misfire policy, and a run
// waiting to retry resumes after a restart.
#include <algorithm>
#include <set>

#include "integration/delivery_harness.hpp"

using namespace taskhook::test;
using namespace taskhook::test::delivery;

// 1 ---------------------------------------------------------------------------

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

// 2 ---------------------------------------------------------------------------

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

// 3 ---------------------------------------------------------------------------

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

// 4 ---------------------------------------------------------------------------

TEST_CASE("a run waiting to retry at SIGTERM retries after the restart, when it was due",
          "[delivery][owed]") {
  scratch_database db;
  migrate(db.url());
  auto task = insert_task(db.url(), make_tenant(db.url()), with_max_retry(3));
  fake_discord fake;
  fake.enqueue(task.path(), json_response(503, R"({"message": "down"})"));  // the first send
  const auto env = service_env(db.url(), fake, {{"RETRY_BASE_MS", "4000"}});
  auto svc = start_service(env);

  REQUIRE(eventually([&] { return count_logs(db.url(), task.id, "status = 'RETRYING'") == 1; },
                     10s));
  const auto owed = query(db.url(),
                          "SELECT retry_count, (extract(epoch FROM retry_at) * 1000)::bigint, "
                          "(extract(epoch FROM retry_scheduled_for) * 1000)::bigint, retry_trigger "
                          "FROM tasks WHERE id = " + sql_quote(task.id));
  REQUIRE(owed.size() == 1);
  INFO("owed retry: " << owed[0][0] << " due " << owed[0][1]);
  REQUIRE(owed[0][0] == "1");  // written with the RETRYING row
  const std::int64_t due = std::stoll(owed[0][1]);
  const auto failed = logs_of(db.url(), task.id, "status = 'RETRYING'").at(0);
  CHECK(std::stoll(owed[0][2]) == failed.scheduled_for);
  CHECK(owed[0][3] == "schedule");
  // The retry waits 3.2-4.8 s: the stop comes first.
  CHECK(stop_service(*svc) == 0);
  CHECK(requests_for(fake, task).size() == 1);
  CHECK(query(db.url(), "SELECT retry_count FROM tasks WHERE id = " + sql_quote(task.id))[0][0] ==
        "1");  // a stop keeps it

  svc = start_service(env);
  REQUIRE(eventually(
      [&] {
        return count_logs(db.url(), task.id,
                          "status = 'SUCCESS' AND retry_count = 1 AND scheduled_for = "
                          "to_timestamp(" + std::to_string(failed.scheduled_for) + " / 1000.0)") == 1;
      },
      15s));
  CHECK(stop_service(*svc) == 0);
  auto rows = logs_of(db.url(), task.id);
  INFO(describe(rows));
  // The retry went out at its due time (or at once, had that passed), never before.
  auto retry_sent = std::find_if(rows.begin(), rows.end(), [&](const log_row& r) {
    return r.retry_count == 1 && r.scheduled_for == failed.scheduled_for;
  });
  REQUIRE(retry_sent != rows.end());
  CHECK(retry_sent->execution_time >= due);
  // Paid: nothing owed any more.
  CHECK(query(db.url(), "SELECT retry_at IS NULL FROM tasks WHERE id = " + sql_quote(task.id))[0][0] ==
        "t");
}
