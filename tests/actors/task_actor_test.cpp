// Task actors on CAF's test coordinator: exact fire instants, the retry ladder,
// 429 and permanent errors, overlap, misfire, manual runs, and timers that stop
// when a task changes.
#include <catch2/catch.hpp>

#include "actors/fixture.hpp"
#include "core/backoff.hpp"

using namespace taskhook;
using namespace taskhook::test;
using namespace std::chrono_literals;

namespace {

struct supervised : actor_fixture {
  using actor_fixture::actor_fixture;
  supervisor_type sup = spawn_task_supervisor(sys, rt);

  ~supervised() {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    run();
  }

  void upsert(const task_record& t, start_mode mode = start_mode::fresh) {
    caf::anon_send(sup, upsert_atom::value, t, mode);
    run();
  }

  caf::expected<task_snapshot> snapshot(const uuid& id) {
    caf::scoped_actor self{sys};
    self->send(sup, get_atom::value, id);
    run();
    caf::expected<task_snapshot> out{caf::error{}};
    self->receive([&](task_snapshot& s) { out = std::move(s); },
                  [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  caf::expected<instant> run_now(const uuid& id,
                                 uuid tenant = *uuid::parse("11111111-1111-4111-8111-111111111111")) {
    caf::scoped_actor self{sys};
    self->send(sup, run_now_atom::value, id, tenant);
    run();
    caf::expected<instant> out{caf::error{}};
    self->receive([&](instant t) { out = t; }, [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  std::vector<attempt_row> rows_with(attempt_status st) const {
    std::vector<attempt_row> out;
    for (const auto& r : db_store->rows)
      if (r.status == st) out.push_back(r);
    return out;
  }
};

/// A task firing every ten seconds, with fires prepared 250 ms ahead.
struct with_lead : supervised {
  task_record task = make_task("*/10 * * * * *");
  explicit with_lead(instant start) : supervised(start) {
    rt->fire_lead = 250ms;
    upsert(task);
  }
};

}  // namespace

TEST_CASE("a task fires at exactly its cron instants", "[task_actor]") {
  supervised f(at("2026-01-01T00:00:03.250Z"));
  auto task = make_task("*/10 * * * * *");
  f.upsert(task);
  for (std::size_t i = 0; i < 3; ++i) {
    f.advance_to(at("2026-01-01T00:00:09.999Z") + std::chrono::seconds(10 * i));
    REQUIRE(f.sink.requests.size() == i);  // not a millisecond early
    f.advance(1ms);
    REQUIRE(f.sink.requests.size() == i + 1);
    f.respond(i, 204);
  }
  f.advance_to(at("2026-01-01T00:00:35.000Z"));
  CHECK(f.sink.requests[0].at == at("2026-01-01T00:00:10.000Z"));
  CHECK(f.sink.requests[1].at == at("2026-01-01T00:00:20.000Z"));
  CHECK(f.sink.requests[2].at == at("2026-01-01T00:00:30.000Z"));
  f.flush();
  auto ok = f.rows_with(attempt_status::success);
  REQUIRE(ok.size() == 3);
  CHECK(ok[0].scheduled_for == at("2026-01-01T00:00:10.000Z"));
  CHECK(ok[2].scheduled_for == at("2026-01-01T00:00:30.000Z"));
  CHECK(ok[0].message == "204 No Content");
  CHECK(ok[0].trigger == run_trigger::schedule);
  CHECK(ok[0].retry_count == 0);
  CHECK(ok[0].duration_ms == 40);
  // next_run_at follows the schedule.
  CHECK(f.db_store->last_progress(task.id).next_run_at == at("2026-01-01T00:00:40.000Z"));
  CHECK(f.db_store->last_progress(task.id).last_run_at == at("2026-01-01T00:00:30.000Z"));
}

TEST_CASE("sends go to DISCORD_API_BASE with ?wait=true and the shared payload", "[task_actor]") {
  supervised f;
  auto task = make_task("* * * * *");
  f.upsert(task);
  f.advance_to(at("2026-01-01T00:01:00.000Z"));
  REQUIRE(f.sink.requests.size() == 1);
  const auto& req = f.sink.requests[0].req;
  CHECK(req.url == "http://127.0.0.1:9/api/webhooks/123456/secret-token?wait=true");
  CHECK(req.rate_key == "123456");
  CHECK(req.body.view() == *task.payload);
  const char* first_body = req.body.view().data();
  f.respond(0, 204);
  f.advance_to(at("2026-01-01T00:02:00.000Z"));
  REQUIRE(f.sink.requests.size() == 2);
  CHECK(f.sink.requests[1].req.body.view().data() == first_body);  // shared, not copied per send
}

TEST_CASE("a templated payload is rendered for each attempt, into the task's thread",
          "[task_actor][template]") {
  supervised f(at("2026-01-01T00:59:00.000Z"));
  f.rt->retry_base = 1000ms;
  auto task = make_task("0 * * * *", 1);
  task.payload = std::make_shared<const std::string>(
      R"({"content":"{{scheduledFor}} <t:{{scheduledFor.unix}}> #{{attempt}} {{trigger}}"})");
  task.thread_id = "777";
  f.upsert(task);
  f.advance_to(at("2026-01-01T01:00:00.000Z"));
  REQUIRE(f.sink.requests.size() == 1);
  CHECK(f.sink.requests[0].req.url ==
        "http://127.0.0.1:9/api/webhooks/123456/secret-token?wait=true&thread_id=777");
  CHECK(f.sink.requests[0].req.body.view() ==
        R"({"content":"2026-01-01T01:00:00.000Z <t:1767229200> #0 schedule"})");
  f.respond(0, 500, "", 0ms);
  f.advance(2s);  // the first retry waits 1 s ± 20 %
  REQUIRE(f.sink.requests.size() == 2);
  CHECK(f.sink.requests[1].req.body.view() ==
        R"({"content":"2026-01-01T01:00:00.000Z <t:1767229200> #1 schedule"})");
  f.respond(1, 204, "", 0ms);

  auto manual = f.run_now(task.id);
  REQUIRE(static_cast<bool>(manual));
  CHECK(*manual == at("2026-01-01T01:00:02.000Z"));
  REQUIRE(f.sink.requests.size() == 3);
  CHECK(f.sink.requests[2].req.body.view() ==
        R"({"content":"2026-01-01T01:00:02.000Z <t:1767229202> #0 manual"})");
}

TEST_CASE("failed attempts retry on the exact backoff ladder, then the task fails",
          "[task_actor][retry]") {
  supervised f;
  f.rt->retry_base = 1000ms;
  f.rt->retry_max = 300000ms;
  auto task = make_task("0 * * * *", 3);
  f.upsert(task);
  f.advance_to(at("2026-01-01T01:00:00.000Z"));
  REQUIRE(f.sink.requests.size() == 1);

  // The same seed the actor uses: the runtime's, mixed with the task id.
  jitter_rng rng(f.rt->seed ^ std::hash<uuid>{}(task.id));
  std::vector<std::chrono::milliseconds> expected_delays;
  for (int k = 1; k <= 3; ++k) expected_delays.push_back(retry_delay(k, 1000ms, 300000ms, rng));
  // ±20 % around 1 s, 2 s, 4 s.
  CHECK(expected_delays[0] >= 800ms);
  CHECK(expected_delays[0] <= 1200ms);
  CHECK(expected_delays[2] >= 3200ms);
  CHECK(expected_delays[2] <= 4800ms);

  for (int k = 0; k < 3; ++k) {
    auto answered = f.clock.now();
    f.respond(f.sink.requests.size() - 1, 500, R"({"message":"oops"})", 0ms);
    f.advance(expected_delays[k] - 1ms);
    REQUIRE(f.sink.requests.size() == static_cast<std::size_t>(k + 1));  // not a moment early
    f.advance(1ms);
    REQUIRE(f.sink.requests.size() == static_cast<std::size_t>(k + 2));
    CHECK(f.sink.requests.back().at - answered == expected_delays[k]);
  }
  f.respond(3, 503, "", 0ms);
  f.flush();

  auto retrying = f.rows_with(attempt_status::retrying);
  auto failed = f.rows_with(attempt_status::failed);
  REQUIRE(retrying.size() == 3);
  REQUIRE(failed.size() == 1);
  for (int k = 0; k < 3; ++k) {
    CHECK(retrying[k].retry_count == k);
    CHECK(retrying[k].http_status == 500);
    CHECK(retrying[k].message == "500 oops");
    CHECK(retrying[k].scheduled_for == at("2026-01-01T01:00:00.000Z"));
  }
  CHECK(failed[0].retry_count == 3);
  CHECK(failed[0].message == "503 Service Unavailable");
  auto p = f.db_store->last_progress(task.id);
  REQUIRE(p.status.has_value());
  CHECK(*p.status == task_status::failed);
  CHECK(p.status_reason.value_or("") == "retries exhausted (3): 503 Service Unavailable");
  CHECK(p.set_next_run);
  CHECK_FALSE(p.next_run_at.has_value());

  // A failed task stops firing and has no actor any more.
  f.advance_to(at("2026-01-01T05:00:00.000Z"));
  CHECK(f.sink.requests.size() == 4);
  CHECK_FALSE(ok(f.snapshot(task.id)));
}

TEST_CASE("a 429 waits exactly the time Discord asked for", "[task_actor][retry]") {
  supervised f;
  auto task = make_task("0 * * * *", 3);
  f.upsert(task);
  f.advance_to(at("2026-01-01T01:00:00.000Z"));
  f.respond(0, 429, R"({"message":"You are being rate limited.","retry_after":2.5,"global":false})",
            0ms);
  f.advance(2499ms);
  CHECK(f.sink.requests.size() == 1);
  f.advance(1ms);
  REQUIRE(f.sink.requests.size() == 2);
  f.respond(1, 204);
  f.flush();
  REQUIRE(f.db_store->rows.size() == 2);
  CHECK(f.db_store->rows[0].status == attempt_status::retrying);
  CHECK(f.db_store->rows[0].http_status == 429);
  CHECK(f.db_store->rows[0].message == "429 You are being rate limited.");
  CHECK(f.db_store->rows[1].status == attempt_status::success);
  CHECK(f.db_store->rows[1].retry_count == 1);
  CHECK(f.metrics.tasks.attempts_rate_limited == 1);
}

TEST_CASE("a 404 fails the task at once with Discord's message", "[task_actor]") {
  supervised f;
  auto task = make_task("* * * * *", 5);
  f.upsert(task);
  f.advance_to(at("2026-01-01T00:01:00.000Z"));
  f.respond(0, 404, R"({"message": "Unknown Webhook", "code": 10015})");
  f.advance_to(at("2026-01-01T00:10:00.000Z"));
  CHECK(f.sink.requests.size() == 1);
  REQUIRE(f.db_store->rows.size() == 1);
  CHECK(f.db_store->rows[0].status == attempt_status::failed);
  CHECK(f.db_store->rows[0].message == "404 Unknown Webhook");
  auto p = f.db_store->last_progress(task.id);
  CHECK(p.status == task_status::failed);
  CHECK(p.status_reason == std::optional<std::string>("404 Unknown Webhook"));
}

TEST_CASE("timeouts and connection errors retry; a blocked target is permanent", "[task_actor]") {
  supervised f;
  auto task = make_task("* * * * *", 1);
  f.upsert(task);
  f.advance_to(at("2026-01-01T00:01:00.000Z"));
  REQUIRE(f.sink.requests.size() == 1);
  SECTION("timeout") {
    f.fail_transport(0, transport_error::timeout, "Operation timed out after 10000 milliseconds");
    f.flush();
    REQUIRE(f.db_store->rows.size() == 1);
    CHECK(f.db_store->rows[0].status == attempt_status::retrying);
    CHECK_FALSE(f.db_store->rows[0].http_status.has_value());
    CHECK(f.db_store->rows[0].message == "timeout: Operation timed out after 10000 milliseconds");
  }
  SECTION("connection refused") {
    f.fail_transport(0, transport_error::connect, "Couldn't connect to server");
    f.flush();
    REQUIRE(f.db_store->rows.size() == 1);
    CHECK(f.db_store->rows[0].status == attempt_status::retrying);
    CHECK(f.db_store->rows[0].message == "connection failed: Couldn't connect to server");
  }
  SECTION("blocked by the SSRF guard") {
    f.fail_transport(0, transport_error::blocked_target, "");
    f.flush();
    REQUIRE(f.db_store->rows.size() == 1);
    CHECK(f.db_store->rows[0].status == attempt_status::failed);
    CHECK(f.db_store->rows[0].message.rfind("refused:", 0) == 0);
    CHECK(f.db_store->last_progress(task.id).status == task_status::failed);
  }
}

TEST_CASE("a fire while the previous run is retrying is skipped with a SKIPPED row",
          "[task_actor][overlap]") {
  supervised f;
  f.rt->retry_base = 5000ms;
  auto task = make_task("* * * * * *", 3);
  f.upsert(task);
  f.advance_to(at("2026-01-01T00:00:01.000Z"));
  REQUIRE(f.sink.requests.size() == 1);
  f.respond(0, 500, "", 0ms);
  f.advance_to(at("2026-01-01T00:00:03.000Z"));
  f.flush();
  auto skipped = f.rows_with(attempt_status::skipped);
  REQUIRE(skipped.size() == 2);
  CHECK(skipped[0].scheduled_for == at("2026-01-01T00:00:02.000Z"));
  CHECK(skipped[0].message ==
        "skipped: the run scheduled for 2026-01-01T00:00:01.000Z is still retrying");
  CHECK(skipped[1].scheduled_for == at("2026-01-01T00:00:03.000Z"));
  CHECK(f.sink.requests.size() == 1);  // no second send while retrying
}

TEST_CASE("misfire at start runs the latest missed fire once and counts the rest",
          "[task_actor][misfire]") {
  SECTION("within the grace period") {
    supervised f(at("2026-01-01T00:00:30.000Z"));
    auto task = make_task("* * * * *");
    task.next_run_at = at("2025-12-31T23:55:00.000Z");
    f.upsert(task, start_mode::resume);
    REQUIRE(f.sink.requests.size() == 1);
    CHECK(f.sink.requests[0].at == at("2026-01-01T00:00:30.000Z"));
    f.respond(0, 204);
    f.flush();
    auto skipped = f.rows_with(attempt_status::skipped);
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].message ==
          "skipped 5 missed fire(s) from 2025-12-31T23:55:00.000Z to 2025-12-31T23:59:00.000Z "
          "while the service was down");
    auto ok = f.rows_with(attempt_status::success);
    REQUIRE(ok.size() == 1);
    CHECK(ok[0].trigger == run_trigger::misfire);
    CHECK(ok[0].scheduled_for == at("2026-01-01T00:00:00.000Z"));
    CHECK(f.db_store->last_progress(task.id).next_run_at == at("2026-01-01T00:01:00.000Z"));
    f.advance_to(at("2026-01-01T00:01:00.000Z"));
    CHECK(f.sink.requests.size() == 2);  // and then on schedule again
  }
  SECTION("older than the grace period") {
    supervised f(at("2026-01-01T00:00:30.000Z"));
    f.rt->misfire_grace = std::chrono::seconds(10);
    auto task = make_task("* * * * *");
    task.next_run_at = at("2025-12-31T23:55:00.000Z");
    f.upsert(task, start_mode::resume);
    f.flush();
    CHECK(f.sink.requests.empty());
    auto skipped = f.rows_with(attempt_status::skipped);
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].message.rfind("skipped 6 missed fire(s) from 2025-12-31T23:55:00.000Z to "
                                   "2026-01-01T00:00:00.000Z", 0) == 0);
  }
  SECTION("nothing missed") {
    supervised f(at("2026-01-01T00:00:30.000Z"));
    auto task = make_task("* * * * *");
    task.next_run_at = at("2026-01-01T00:01:00.000Z");
    f.upsert(task, start_mode::resume);
    f.flush();
    CHECK(f.sink.requests.empty());
    CHECK(f.db_store->rows.empty());
  }
}

TEST_CASE("run now fires once without moving the schedule", "[task_actor][manual]") {
  supervised f(at("2026-01-01T00:00:10.000Z"));
  auto task = make_task("0 * * * *");
  f.upsert(task);
  auto before = f.snapshot(task.id);
  REQUIRE(static_cast<bool>(before));
  auto t = f.run_now(task.id);
  REQUIRE(static_cast<bool>(t));
  CHECK(*t == at("2026-01-01T00:00:10.000Z"));
  REQUIRE(f.sink.requests.size() == 1);
  f.respond(0, 204);
  f.flush();
  REQUIRE(f.db_store->rows.size() == 1);
  CHECK(f.db_store->rows[0].trigger == run_trigger::manual);
  CHECK(f.db_store->rows[0].scheduled_for == *t);
  auto after = f.snapshot(task.id);
  REQUIRE(static_cast<bool>(after));
  CHECK(after->next_run_at == before->next_run_at);
  CHECK(after->next_run_at == at("2026-01-01T01:00:00.000Z"));
  CHECK(after->runs == 1);
  CHECK_FALSE(ok(f.run_now(make_task("* * * * *").id)));  // no such task
  CHECK_FALSE(ok(f.run_now(task.id, *uuid::parse("22222222-2222-4222-8222-222222222222"))));  // another tenant's
}

TEST_CASE("removing or replacing a task leaves no stale timer behind", "[task_actor][change]") {
  supervised f;
  auto task = make_task("* * * * * *");
  f.upsert(task);
  f.advance_to(at("2026-01-01T00:00:01.000Z"));
  f.respond(0, 204);
  f.advance_to(at("2026-01-01T00:00:02.000Z"));
  REQUIRE(f.sink.requests.size() == 2);
  f.respond(1, 204);

  SECTION("toggle off / delete") {
    caf::anon_send(f.sup, remove_atom::value, task.id, task.revision + 1);
    f.run();
    f.advance_to(at("2026-01-01T00:01:00.000Z"));
    CHECK(f.sink.requests.size() == 2);
    CHECK_FALSE(ok(f.snapshot(task.id)));
  }
  SECTION("schedule changed") {
    auto changed = task;
    changed.schedule = "*/30 * * * * *";
    changed.revision = 2;
    f.upsert(changed);
    f.advance_to(at("2026-01-01T00:00:30.000Z"));
    REQUIRE(f.sink.requests.size() == 3);  // nothing between :02 and :30
    f.respond(2, 204);
    f.advance_to(at("2026-01-01T00:01:00.000Z"));
    REQUIRE(f.sink.requests.size() == 4);
    CHECK(f.sink.requests[2].at == at("2026-01-01T00:00:30.000Z"));
    CHECK(f.sink.requests[3].at == at("2026-01-01T00:01:00.000Z"));
  }
  SECTION("status no longer ACTIVE") {
    auto inactive = task;
    inactive.status = task_status::inactive;
    f.upsert(inactive);
    f.advance_to(at("2026-01-01T00:01:00.000Z"));
    CHECK(f.sink.requests.size() == 2);
  }
}

TEST_CASE("a task replaced mid-attempt still records that attempt", "[task_actor][change]") {
  supervised f;
  auto task = make_task("* * * * * *");
  f.upsert(task);
  f.advance_to(at("2026-01-01T00:00:01.000Z"));
  REQUIRE(f.sink.requests.size() == 1);
  caf::anon_send(f.sup, remove_atom::value, task.id, task.revision + 1);
  f.run();
  f.respond(0, 204);  // the old actor is draining: it waits for this
  f.flush();
  REQUIRE(f.db_store->rows.size() == 1);
  CHECK(f.db_store->rows[0].status == attempt_status::success);
}

// -- fire lead: scheduled fires handed to the sink ahead, sent at the instant --

TEST_CASE("with a fire lead a fire is handed over ahead, to be sent at its exact instant",
          "[task_actor][lead]") {
  with_lead f(at("2026-01-01T00:00:03.250Z"));
  const auto& task = f.task;
  for (std::size_t i = 0; i < 2; ++i) {
    auto instant_i = at("2026-01-01T00:00:10.000Z") + std::chrono::seconds(10 * i);
    f.advance_to(instant_i - 251ms);
    REQUIRE(f.sink.requests.size() == i);
    f.advance(1ms);
    REQUIRE(f.sink.requests.size() == i + 1);
    const auto& req = f.sink.requests[i];
    CHECK(req.at == instant_i - 250ms);
    REQUIRE(req.req.not_before.has_value());
    CHECK(*req.req.not_before == instant_i);  // the sink sends it then, not earlier
    CHECK(req.req.ticket != 0);
    // Not a fire yet: the counter moves when the attempt has happened.
    CHECK(f.metrics.tasks.fires_schedule.load() == i);
    f.advance_to(instant_i);
    f.sink.send_held();
    delivery_result r;
    r.correlation = req.req.correlation;
    r.started = instant_i + 2ms;  // when the pool sent it
    r.duration = 30ms;
    r.http_status = 204;
    f.sink.requests[i].req.on_done(std::move(r));
    f.run();
    CHECK(f.metrics.tasks.fires_schedule.load() == i + 1);
  }
  f.flush();
  auto ok = f.rows_with(attempt_status::success);
  REQUIRE(ok.size() == 2);
  CHECK(ok[0].scheduled_for == at("2026-01-01T00:00:10.000Z"));
  CHECK(ok[0].execution_time == at("2026-01-01T00:00:10.002Z"));
  CHECK(ok[1].scheduled_for == at("2026-01-01T00:00:20.000Z"));
  CHECK(f.db_store->last_progress(task.id).next_run_at == at("2026-01-01T00:00:30.000Z"));
  CHECK(f.metrics.tasks.in_flight.load() == 0);
}

TEST_CASE("a fire prepared ahead is withdrawn when its task changes before the instant",
          "[task_actor][lead][change]") {
  with_lead f(at("2026-01-01T00:00:03.000Z"));
  const auto& task = f.task;
  f.advance_to(at("2026-01-01T00:00:09.800Z"));
  REQUIRE(f.sink.requests.size() == 1);
  REQUIRE(f.sink.requests[0].held);

  SECTION("removed: nothing goes out, nothing is recorded") {
    caf::anon_send(f.sup, remove_atom::value, task.id, task.revision + 1);
    f.run();
    CHECK(f.sink.requests[0].cancelled);
    f.advance_to(at("2026-01-01T00:01:00.000Z"));
    CHECK(f.sink.live() == 0);
    f.flush();
    CHECK(f.db_store->rows.empty());
    CHECK(f.metrics.tasks.in_flight.load() == 0);
    CHECK(f.metrics.tasks.fires_schedule.load() == 0);
  }
  SECTION("replaced: only the new definition's fire is left for that instant") {
    auto changed = task;
    changed.payload = std::make_shared<const std::string>(R"({"content":"new"})");
    changed.revision = 2;
    f.upsert(changed);
    f.advance_to(f.clock.now());  // the new actor's timer is due at once
    REQUIRE(f.sink.requests.size() == 2);
    CHECK(f.sink.requests[0].cancelled);
    CHECK_FALSE(f.sink.requests[1].cancelled);
    CHECK(*f.sink.requests[1].req.not_before == at("2026-01-01T00:00:10.000Z"));
    CHECK(f.sink.requests[1].req.body.view() == R"({"content":"new"})");
  }
  SECTION("already sent: the old actor waits for the result and records it") {
    f.advance_to(at("2026-01-01T00:00:10.000Z"));
    f.sink.send_held();
    caf::anon_send(f.sup, remove_atom::value, task.id, task.revision + 1);
    f.run();
    CHECK_FALSE(f.sink.requests[0].cancelled);
    f.respond(0, 204);
    f.flush();
    REQUIRE(f.db_store->rows.size() == 1);
    CHECK(f.db_store->rows[0].status == attempt_status::success);
    CHECK(f.metrics.tasks.in_flight.load() == 0);
  }
}

TEST_CASE("a fire whose task is busy at the lead is decided at its instant",
          "[task_actor][lead][overlap]") {
  with_lead f(at("2026-01-01T00:00:03.000Z"));
  f.advance_to(at("2026-01-01T00:00:10.000Z"));
  REQUIRE(f.sink.requests.size() == 1);
  f.sink.send_held();
  f.advance_to(at("2026-01-01T00:00:19.900Z"));  // the 10 s run is still out at 19.750
  REQUIRE(f.sink.requests.size() == 1);

  SECTION("done before the instant: the fire goes out at the instant itself") {
    f.respond(0, 204);
    f.advance_to(at("2026-01-01T00:00:19.999Z"));
    REQUIRE(f.sink.requests.size() == 1);
    f.advance(1ms);
    REQUIRE(f.sink.requests.size() == 2);
    CHECK(f.sink.requests[1].at == at("2026-01-01T00:00:20.000Z"));
    CHECK_FALSE(f.sink.requests[1].req.not_before.has_value());
  }
  SECTION("still out at the instant: SKIPPED") {
    f.advance_to(at("2026-01-01T00:00:20.000Z"));
    CHECK(f.sink.requests.size() == 1);
    f.flush();
    auto skipped = f.rows_with(attempt_status::skipped);
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].scheduled_for == at("2026-01-01T00:00:20.000Z"));
    CHECK(skipped[0].execution_time == at("2026-01-01T00:00:20.000Z"));
  }
}

TEST_CASE("run now while a fire is prepared ahead runs now; the fire is decided at its instant",
          "[task_actor][lead][manual]") {
  with_lead f(at("2026-01-01T00:00:03.000Z"));
  const auto& task = f.task;
  f.advance_to(at("2026-01-01T00:00:09.800Z"));
  REQUIRE(f.sink.requests.size() == 1);
  REQUIRE(f.sink.requests[0].held);

  auto t = f.run_now(task.id);
  REQUIRE(static_cast<bool>(t));
  CHECK(*t == at("2026-01-01T00:00:09.800Z"));
  REQUIRE(f.sink.requests.size() == 2);
  CHECK(f.sink.requests[0].cancelled);  // taken back: it was not due
  CHECK_FALSE(f.sink.requests[1].req.not_before.has_value());  // the manual run goes now
  auto snap = f.snapshot(task.id);
  REQUIRE(static_cast<bool>(snap));
  CHECK(snap->next_run_at == at("2026-01-01T00:00:10.000Z"));
  CHECK(snap->runs == 1);

  SECTION("manual run done before the instant: the fire goes out at the instant") {
    f.respond(1, 204);
    f.advance_to(at("2026-01-01T00:00:09.999Z"));
    REQUIRE(f.sink.requests.size() == 2);
    f.advance(1ms);
    REQUIRE(f.sink.requests.size() == 3);
    CHECK(f.sink.requests[2].at == at("2026-01-01T00:00:10.000Z"));
    f.respond(2, 204);
    f.flush();
    auto ok = f.rows_with(attempt_status::success);
    REQUIRE(ok.size() == 2);
    CHECK(ok[0].trigger == run_trigger::manual);
    CHECK(ok[0].scheduled_for == at("2026-01-01T00:00:09.800Z"));
    CHECK(ok[1].trigger == run_trigger::schedule);
    CHECK(ok[1].scheduled_for == at("2026-01-01T00:00:10.000Z"));
    CHECK(f.rows_with(attempt_status::skipped).empty());
    CHECK(f.metrics.tasks.fires_schedule.load() == 1);
    CHECK(f.metrics.tasks.fires_manual.load() == 1);
  }
  SECTION("manual run still out at the instant: that fire is SKIPPED") {
    f.advance_to(at("2026-01-01T00:00:10.000Z"));
    CHECK(f.sink.requests.size() == 2);
    f.respond(1, 204);
    f.flush();
    auto skipped = f.rows_with(attempt_status::skipped);
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].scheduled_for == at("2026-01-01T00:00:10.000Z"));
    // ... and the schedule goes on from there, prepared ahead again.
    f.advance_to(at("2026-01-01T00:00:19.750Z"));
    REQUIRE(f.sink.requests.size() == 3);
    CHECK(*f.sink.requests[2].req.not_before == at("2026-01-01T00:00:20.000Z"));
  }
}

TEST_CASE("run now after a prepared fire was sent is SKIPPED: that run is in progress",
          "[task_actor][lead][manual]") {
  with_lead f(at("2026-01-01T00:00:03.000Z"));
  const auto& task = f.task;
  f.advance_to(at("2026-01-01T00:00:10.000Z"));
  REQUIRE(f.sink.requests.size() == 1);
  f.sink.send_held();
  auto t = f.run_now(task.id);
  REQUIRE(static_cast<bool>(t));
  CHECK(f.sink.requests.size() == 1);
  CHECK_FALSE(f.sink.requests[0].cancelled);
  f.respond(0, 204);
  f.flush();
  auto skipped = f.rows_with(attempt_status::skipped);
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0].trigger == run_trigger::manual);
  CHECK(f.rows_with(attempt_status::success).size() == 1);
}

TEST_CASE("a run waiting to retry is kept on the task's row until it ends",
          "[task_actor][retry][owed]") {
  supervised f;
  f.rt->retry_base = 1000ms;
  f.rt->retry_max = 300000ms;
  auto task = make_task("0 * * * *", 3);
  f.upsert(task);
  f.advance_to(at("2026-01-01T01:00:00.000Z"));
  REQUIRE(f.sink.requests.size() == 1);
  jitter_rng rng(f.rt->seed ^ std::hash<uuid>{}(task.id));
  const auto first_delay = retry_delay(1, 1000ms, 300000ms, rng);

  const instant answered = f.clock.now();
  f.respond(0, 500, "", 0ms);
  f.flush();
  auto p = f.db_store->last_progress(task.id);
  CHECK(p.set_retry);
  REQUIRE(p.retry.has_value());
  CHECK(*p.retry == owed_retry{answered + first_delay, 1, at("2026-01-01T01:00:00.000Z"),
                               run_trigger::schedule});

  // Drained (the service stops) while waiting: the owed retry stays written.
  SECTION("a stop leaves it for the next start") {
    caf::scoped_actor self{f.sys};
    self->send(f.sup, drain_atom::value);
    f.run();
    f.advance(first_delay);
    CHECK(f.sink.requests.size() == 1);
    CHECK(f.db_store->last_progress(task.id).retry == p.retry);
  }
  SECTION("paid when the run succeeds") {
    f.advance(first_delay);
    REQUIRE(f.sink.requests.size() == 2);
    f.respond(1, 204, "", 0ms);
    f.flush();
    auto after = f.db_store->last_progress(task.id);
    CHECK(after.set_retry);
    CHECK_FALSE(after.retry.has_value());
  }
  SECTION("cleared when the task fails") {
    for (std::size_t k = 1; k <= 3; ++k) {
      f.advance(300s);
      REQUIRE(f.sink.requests.size() == k + 1);
      f.respond(k, 503, "", 0ms);
    }
    f.flush();
    auto after = f.db_store->last_progress(task.id);
    CHECK(after.status == task_status::failed);
    CHECK(after.set_retry);
    CHECK_FALSE(after.retry.has_value());
  }
}

TEST_CASE("an owed retry is resumed at start, on time, or dropped past the grace",
          "[task_actor][retry][owed]") {
  const instant start = at("2026-01-01T00:10:00.000Z");
  auto owing = [&](instant due) {
    auto task = make_task("0 * * * *", 3);
    task.next_run_at = at("2026-01-01T01:00:00.000Z");  // nothing missed
    task.retry = owed_retry{due, 2, at("2026-01-01T00:00:00.000Z"), run_trigger::schedule};
    return task;
  };
  SECTION("due while the service was down: sent at once, as retry 2 of that run") {
    supervised f(start);
    auto task = owing(at("2026-01-01T00:09:50.000Z"));
    f.upsert(task, start_mode::resume);
    REQUIRE(f.sink.requests.size() == 1);
    CHECK(f.sink.requests[0].at == start);
    f.respond(0, 204, "", 0ms);
    f.flush();
    auto ok = f.rows_with(attempt_status::success);
    REQUIRE(ok.size() == 1);
    CHECK(ok[0].retry_count == 2);
    CHECK(ok[0].scheduled_for == at("2026-01-01T00:00:00.000Z"));
    CHECK_FALSE(f.db_store->last_progress(task.id).retry.has_value());
    CHECK(f.db_store->last_progress(task.id).set_retry);
  }
  SECTION("due later: sent at its time, not before") {
    supervised f(start);
    f.upsert(owing(start + 5s), start_mode::resume);
    f.advance(5s - 1ms);
    CHECK(f.sink.requests.empty());
    f.advance(1ms);
    REQUIRE(f.sink.requests.size() == 1);
    CHECK(f.sink.requests[0].at == start + 5s);
  }
  SECTION("failing again owes the next one") {
    supervised f(start);
    f.rt->retry_base = 1000ms;
    auto task = owing(start);
    f.upsert(task, start_mode::resume);
    REQUIRE(f.sink.requests.size() == 1);
    f.respond(0, 500, "", 0ms);
    f.flush();
    auto p = f.db_store->last_progress(task.id);
    REQUIRE(p.retry.has_value());
    CHECK(p.retry->retry_count == 3);
    CHECK(f.rows_with(attempt_status::retrying).at(0).retry_count == 2);
  }
  SECTION("due longer ago than the grace: dropped with a SKIPPED row") {
    supervised f(start);
    f.rt->misfire_grace = std::chrono::seconds(60);
    auto task = owing(start - 61s);
    f.upsert(task, start_mode::resume);
    f.advance(1h);
    CHECK(f.sink.requests.size() == 1);  // only the 01:00 fire
    auto skipped = f.rows_with(attempt_status::skipped);
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].message ==
          "skipped: retry 2 of the run scheduled for 2026-01-01T00:00:00.000Z was due at "
          "2026-01-01T00:08:59.000Z while the service was down");
    CHECK(f.sink.requests[0].at == at("2026-01-01T01:00:00.000Z"));
  }
  SECTION("a missed fire meets the resumed run: skipped, the run goes on") {
    supervised f(start);
    auto task = owing(start + 5s);
    task.next_run_at = start;  // the one fire missed is due right now
    task.schedule = "*/5 * * * *";
    f.upsert(task, start_mode::resume);
    f.flush();
    auto skipped = f.rows_with(attempt_status::skipped);
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].trigger == run_trigger::misfire);
    CHECK(skipped[0].message ==
          "skipped: the run scheduled for 2026-01-01T00:00:00.000Z is still retrying");
    f.advance(5s);
    REQUIRE(f.sink.requests.size() == 1);
  }
  SECTION("a task started fresh (changed through the API) owes nothing") {
    supervised f(start);
    f.upsert(owing(start), start_mode::fresh);
    f.advance(1min);
    CHECK(f.sink.requests.empty());
  }
}

TEST_CASE("an attempt cut short by a stopping sender is neither a row nor a failure",
          "[task_actor][retry][owed]") {
  supervised f;
  auto task = make_task("0 * * * *", 0);  // a failure here would fail the task
  f.upsert(task);
  f.advance_to(at("2026-01-01T01:00:00.000Z"));
  REQUIRE(f.sink.requests.size() == 1);
  f.cut_by_stop(0);
  f.flush();
  CHECK(f.db_store->rows.empty());
  CHECK_FALSE(f.db_store->last_progress(task.id).status.has_value());
  CHECK(f.metrics.tasks.in_flight.load() == 0);
}

TEST_CASE("a manual run cut short by a stopping sender leaves a row saying so",
          "[task_actor][manual][owed]") {
  // Nothing in the database holds a manual run (a scheduled one keeps next_run_at
  // back): without the row its 202 would vanish without a trace.
  supervised f(at("2026-01-01T00:00:10.000Z"));
  auto task = make_task("0 * * * *", 0);
  f.upsert(task);
  auto t = f.run_now(task.id);
  REQUIRE(static_cast<bool>(t));
  REQUIRE(f.sink.requests.size() == 1);
  f.cut_by_stop(0);
  f.flush();
  REQUIRE(f.db_store->rows.size() == 1);
  CHECK(f.db_store->rows[0].status == attempt_status::skipped);
  CHECK(f.db_store->rows[0].trigger == run_trigger::manual);
  CHECK(f.db_store->rows[0].scheduled_for == *t);
  CHECK(f.db_store->rows[0].message.find("may not have been delivered") != std::string::npos);
  CHECK_FALSE(f.db_store->last_progress(task.id).status.has_value());  // not a failure
  CHECK(f.metrics.tasks.in_flight.load() == 0);
}
