// task_lifecycle: every rule of a task's life, pinned to literal values. The
// retry ladder's literals were computed outside this code (splitmix64 and the
// backoff formula of ARCHITECTURE.md worked by hand in another language).

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "core/task_lifecycle.hpp"

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using namespace taskhook;
using namespace taskhook::lifecycle;

namespace {

instant at(const char* iso) { return *parse_iso8601(iso); }
std::string iso(instant t) { return format_iso_ms(t); }

outcome answer(outcome_kind kind, std::string message,
               std::optional<milliseconds> retry_after = std::nullopt) {
  outcome oc;
  oc.kind = kind;
  oc.message = std::move(message);
  oc.retry_after = retry_after;
  return oc;
}

task_input create_body() {
  auto r = parse_task_input(
      R"({"name":"n","schedule":"*/15 * * * *","webhookUrl":"https://discord.com/api/webhooks/1/t",)"
      R"("payload":{"content":"x"}})",
      input_mode::create);
  REQUIRE(r.errors.empty());
  return r.input;
}

const uuid task_id = *uuid::parse("00000000-0000-4000-8000-000000000042");
const uuid tenant = *uuid::parse("00000000-0000-0000-0000-000000000001");

}  // namespace

TEST_CASE("a create body gets its defaults in one place", "[lifecycle]") {
  task_input in;
  apply_create_defaults(in, false, false, false);
  CHECK(in.timezone == "UTC");
  CHECK(in.max_retry == 3);
  CHECK(in.status == task_status::active);

  task_input given;
  given.timezone = "Europe/Berlin";
  given.max_retry = 0;
  given.status = task_status::inactive;
  apply_create_defaults(given, true, true, true);
  CHECK(given.timezone == "Europe/Berlin");
  CHECK(given.max_retry == 0);
  CHECK(given.status == task_status::inactive);
}

TEST_CASE("a new task keeps the validated schedule compiled and has its first fire", "[lifecycle]") {
  const auto t = new_task(create_body(), task_id, tenant, at("2026-12-07T10:07:30.000Z"));
  CHECK(t.id == task_id);
  CHECK(t.tenant_id == tenant);
  CHECK(t.timezone == "UTC");
  CHECK(t.max_retry == 3);
  CHECK(t.status == task_status::active);
  CHECK(*t.payload == R"({"content":"x"})");
  REQUIRE(t.compiled_schedule.has_value());
  REQUIRE(t.next_run_at.has_value());
  CHECK(iso(*t.next_run_at) == "2026-12-07T10:15:00.000Z");

  auto paused = create_body();
  paused.status = task_status::inactive;
  CHECK_FALSE(new_task(paused, task_id, tenant, at("2026-12-07T10:07:30.000Z")).next_run_at);
}

TEST_CASE("first_fire follows the zone and is none unless ACTIVE", "[lifecycle]") {
  task_record t;
  t.schedule = "0 9 * * *";
  t.timezone = "America/New_York";
  t.status = task_status::active;
  CHECK(iso(*first_fire(t, at("2026-12-07T10:00:00.000Z"))) == "2026-12-07T14:00:00.000Z");
  CHECK(iso(*first_fire(t, at("2026-07-07T10:00:00.000Z"))) == "2026-07-07T13:00:00.000Z");
  t.status = task_status::failed;
  CHECK_FALSE(first_fire(t, at("2026-12-07T10:00:00.000Z")));
}

TEST_CASE("a patch moves the next fire only when schedule, zone or status change", "[lifecycle]") {
  task_record t = new_task(create_body(), task_id, tenant, at("2026-12-07T10:07:30.000Z"));
  const auto before = t.next_run_at;

  task_input rename;
  rename.name = "renamed";
  apply_patch(t, rename, at("2026-12-07T11:00:00.000Z"));
  CHECK(t.name == "renamed");
  CHECK(t.next_run_at == before);  // same schedule: the pending fire stands

  auto reschedule = parse_task_input(R"({"schedule":"0 12 * * *"})", input_mode::patch);
  REQUIRE(reschedule.errors.empty());
  apply_patch(t, reschedule.input, at("2026-12-07T11:00:00.000Z"));
  CHECK(t.schedule == "0 12 * * *");
  CHECK(iso(*t.next_run_at) == "2026-12-07T12:00:00.000Z");

  task_input zone;
  zone.timezone = "Asia/Tokyo";
  apply_patch(t, zone, at("2026-12-07T11:00:00.000Z"));
  CHECK(iso(*t.next_run_at) == "2026-12-08T03:00:00.000Z");

  t.status = task_status::failed;
  t.status_reason = "retries exhausted (3): 500 Internal Server Error";
  task_input revive;
  revive.status = task_status::active;
  apply_patch(t, revive, at("2026-12-08T04:00:00.000Z"));
  CHECK(t.status == task_status::active);
  CHECK_FALSE(t.status_reason);
  CHECK(iso(*t.next_run_at) == "2026-12-09T03:00:00.000Z");

  task_input pause;
  pause.status = task_status::inactive;
  apply_patch(t, pause, at("2026-12-08T04:00:00.000Z"));
  CHECK_FALSE(t.next_run_at);
}

TEST_CASE("threadId is set at create, changed or cleared by a patch, kept when absent",
          "[lifecycle]") {
  task_record plain = new_task(create_body(), task_id, tenant, at("2026-12-07T10:07:30.000Z"));
  CHECK_FALSE(plain.thread_id);

  auto body = parse_task_input(
      R"({"name":"n","schedule":"*/15 * * * *","webhookUrl":"https://discord.com/api/webhooks/1/t",)"
      R"("payload":{"content":"x"},"threadId":"111"})",
      input_mode::create);
  REQUIRE(body.errors.empty());
  task_record t = new_task(body.input, task_id, tenant, at("2026-12-07T10:07:30.000Z"));
  CHECK(t.thread_id == "111");
  const auto next = t.next_run_at;

  auto keep = parse_task_input(R"({"name":"renamed"})", input_mode::patch);
  apply_patch(t, keep.input, at("2026-12-07T11:00:00.000Z"));
  CHECK(t.thread_id == "111");

  auto change = parse_task_input(R"({"threadId":"222"})", input_mode::patch);
  apply_patch(t, change.input, at("2026-12-07T11:00:00.000Z"));
  CHECK(t.thread_id == "222");
  CHECK(t.next_run_at == next);  // where a send goes does not move the schedule

  auto clear = parse_task_input(R"({"threadId":null})", input_mode::patch);
  apply_patch(t, clear.input, at("2026-12-07T11:00:00.000Z"));
  CHECK_FALSE(t.thread_id);
}

TEST_CASE("toggle flips ACTIVE and INACTIVE, and revives a FAILED task", "[lifecycle]") {
  task_record t = new_task(create_body(), task_id, tenant, at("2026-12-07T10:07:30.000Z"));
  apply_toggle(t, at("2026-12-07T10:20:00.000Z"));
  CHECK(t.status == task_status::inactive);
  CHECK_FALSE(t.next_run_at);
  apply_toggle(t, at("2026-12-07T10:20:00.000Z"));
  CHECK(t.status == task_status::active);
  CHECK(iso(*t.next_run_at) == "2026-12-07T10:30:00.000Z");

  t.status = task_status::failed;
  t.status_reason = "404 Unknown Webhook";
  apply_toggle(t, at("2026-12-07T10:31:00.000Z"));
  CHECK(t.status == task_status::active);
  CHECK_FALSE(t.status_reason);
  CHECK(iso(*t.next_run_at) == "2026-12-07T10:45:00.000Z");
}

TEST_CASE("catching up runs the newest missed fire within the grace and counts the rest",
          "[lifecycle]") {
  const auto every_15 = *cron::parse("*/15 * * * *");
  const auto now = at("2026-12-07T11:07:00.000Z");

  SECTION("nothing missed") {
    const auto p = plan_catch_up(every_15, nullptr, at("2026-12-07T11:15:00.000Z"), now, 1h);
    CHECK_FALSE(p.run);
    CHECK(p.skipped == 0);
    CHECK(iso(*p.next) == "2026-12-07T11:15:00.000Z");
  }
  SECTION("no row value: the next fire after now") {
    const auto p = plan_catch_up(every_15, nullptr, std::nullopt, now, 1h);
    CHECK_FALSE(p.run);
    CHECK(iso(*p.next) == "2026-12-07T11:15:00.000Z");
  }
  SECTION("five missed, the newest within the grace") {
    const auto p = plan_catch_up(every_15, nullptr, at("2026-12-07T10:00:00.000Z"), now, 1h);
    REQUIRE(p.run);
    CHECK(iso(*p.run) == "2026-12-07T11:00:00.000Z");
    CHECK(p.skipped == 4);
    CHECK_FALSE(p.skipped_capped);
    CHECK(iso(p.skipped_first) == "2026-12-07T10:00:00.000Z");
    CHECK(iso(p.skipped_last) == "2026-12-07T10:45:00.000Z");
    CHECK(iso(*p.next) == "2026-12-07T11:15:00.000Z");
    CHECK(missed_while_down_message(p) ==
          "skipped 4 missed fire(s) from 2026-12-07T10:00:00.000Z to "
          "2026-12-07T10:45:00.000Z while the service was down");
  }
  SECTION("the newest is older than the grace: all five skipped") {
    const auto p = plan_catch_up(every_15, nullptr, at("2026-12-07T10:00:00.000Z"), now, 5min);
    CHECK_FALSE(p.run);
    CHECK(p.skipped == 5);
    CHECK(iso(p.skipped_last) == "2026-12-07T11:00:00.000Z");
  }
  SECTION("grace 0, as when an actor fell behind") {
    const auto p = plan_catch_up(every_15, nullptr, at("2026-12-07T10:15:00.000Z"), now, 0ms);
    CHECK_FALSE(p.run);
    CHECK(p.skipped == 4);
    CHECK(fell_behind_message(p) ==
          "skipped 4 fire(s) from 2026-12-07T10:15:00.000Z to 2026-12-07T11:00:00.000Z: "
          "the scheduler was behind");
  }
  SECTION("counting stops at the cap and still runs the newest within the grace") {
    const auto p = plan_catch_up(every_15, nullptr, at("2026-12-07T10:00:00.000Z"), now, 1h, 3);
    CHECK(p.skipped_capped);
    CHECK(p.skipped == 3);
    REQUIRE(p.run);
    CHECK(iso(*p.run) == "2026-12-07T11:00:00.000Z");
    CHECK(iso(p.skipped_last) == "2026-12-07T10:59:59.999Z");
    CHECK(iso(*p.next) == "2026-12-07T11:15:00.000Z");
    CHECK(missed_while_down_message(p).rfind("skipped at least 3 missed fire(s)", 0) == 0);
  }
}

TEST_CASE("after an attempt: success, permanent failure, the retry ladder, exhaustion",
          "[lifecycle]") {
  const retry_policy policy{1000ms, 300000ms};

  SECTION("success ends the run") {
    jitter_rng rng(42);
    const auto v = decide_after_attempt(answer(outcome_kind::success, "204 No Content"), 2, 3,
                                        policy, rng);
    CHECK(v.row_status == attempt_status::success);
    CHECK(v.step == next_step::done);
  }
  SECTION("a permanent error fails the task at once, whatever retries are left") {
    jitter_rng rng(42);
    const auto v = decide_after_attempt(answer(outcome_kind::permanent, "404 Unknown Webhook"), 0,
                                        10, policy, rng);
    CHECK(v.row_status == attempt_status::failed);
    CHECK(v.step == next_step::fail);
    CHECK(v.fail_reason == "404 Unknown Webhook");
  }
  SECTION("retries wait the jittered ladder for seed 42") {
    jitter_rng rng(42);
    std::vector<long long> waits;
    for (int attempt = 0; attempt < 10; ++attempt) {
      const auto v = decide_after_attempt(answer(outcome_kind::retry, "503 Service Unavailable"),
                                          attempt, 10, policy, rng);
      REQUIRE(v.step == next_step::retry);
      CHECK(v.row_status == attempt_status::retrying);
      waits.push_back(v.retry_in.count());
    }
    CHECK(waits == std::vector<long long>{1097, 1728, 3646, 7501, 13043, 36713, 56791, 143392,
                                          239609, 314218});
  }
  SECTION("a 429 waits what the server asked, and draws no jitter") {
    jitter_rng rng(42);
    const auto v = decide_after_attempt(
        answer(outcome_kind::rate_limited, "429 Too Many Requests", 2500ms), 0, 3, policy, rng);
    CHECK(v.step == next_step::retry);
    CHECK(v.row_status == attempt_status::retrying);
    CHECK(v.retry_in == 2500ms);
    const auto next = decide_after_attempt(answer(outcome_kind::retry, "500"), 1, 3, policy, rng);
    CHECK(next.retry_in == 2193ms);  // k = 2 with seed 42's first draw: the 429 took none
  }
  SECTION("the last retry failing fails the task with the reason") {
    jitter_rng rng(42);
    const auto v = decide_after_attempt(answer(outcome_kind::retry, "timeout after 10000 ms"), 3,
                                        3, policy, rng);
    CHECK(v.row_status == attempt_status::failed);
    CHECK(v.step == next_step::fail);
    CHECK(v.fail_reason == "retries exhausted (3): timeout after 10000 ms");
  }
  SECTION("maxRetry 0: the first failure is final") {
    jitter_rng rng(42);
    const auto v = decide_after_attempt(answer(outcome_kind::rate_limited, "429", 1000ms), 0, 0,
                                        policy, rng);
    CHECK(v.step == next_step::fail);
    CHECK(v.fail_reason == "retries exhausted (0): 429");
  }
}

TEST_CASE("a resumed retry is sent, waited for or skipped by how late it is", "[lifecycle]") {
  const auto due = at("2026-12-07T10:00:00.000Z");
  auto early = plan_resumed_retry(due, at("2026-12-07T09:59:57.500Z"), 1h);
  CHECK(early.step == resumed_retry_step::wait);
  CHECK(early.wait_for == 2500ms);
  CHECK(plan_resumed_retry(due, due, 1h).step == resumed_retry_step::send_now);
  CHECK(plan_resumed_retry(due, at("2026-12-07T11:00:00.000Z"), 1h).step ==
        resumed_retry_step::send_now);
  CHECK(plan_resumed_retry(due, at("2026-12-07T11:00:00.001Z"), 1h).step ==
        resumed_retry_step::skip);
  CHECK(resumed_retry_skip_message(owed_retry{due, 2, at("2026-12-07T09:59:00.000Z"),
                                              run_trigger::schedule}) ==
        "skipped: retry 2 of the run scheduled for 2026-12-07T09:59:00.000Z was due at "
        "2026-12-07T10:00:00.000Z while the service was down");
}

TEST_CASE("overlap messages say whether the run is retrying", "[lifecycle]") {
  CHECK(overlap_message(at("2026-12-07T10:00:00.000Z"), 0) ==
        "skipped: the run scheduled for 2026-12-07T10:00:00.000Z is still in progress");
  CHECK(overlap_message(at("2026-12-07T10:00:00.000Z"), 2) ==
        "skipped: the run scheduled for 2026-12-07T10:00:00.000Z is still retrying");
}
