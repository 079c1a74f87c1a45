// The supervisor restarts crashed task actors and gives up on one that keeps
// crashing; the loader arms every ACTIVE task from the store.
#include <catch2/catch.hpp>

#include "actors/fixture.hpp"

using namespace taskhook;
using namespace taskhook::test;
using namespace std::chrono_literals;

namespace {

caf::expected<task_actor_type> lookup(actor_fixture& f, const supervisor_type& sup, const uuid& id) {
  caf::scoped_actor self{f.sys};
  self->send(sup, lookup_atom::value, id);
  f.run();
  caf::expected<task_actor_type> out{caf::error{}};
  self->receive([&](task_actor_type& a) { out = std::move(a); },
                [&](caf::error& e) { out = std::move(e); });
  return out;
}

supervisor_stats stats(actor_fixture& f, const supervisor_type& sup) {
  caf::scoped_actor self{f.sys};
  self->send(sup, stats_atom::value);
  f.run();
  supervisor_stats out;
  self->receive([&](supervisor_stats& s) { out = s; });
  return out;
}

}  // namespace

TEST_CASE("a crashed task actor is restarted and keeps firing", "[supervisor]") {
  actor_fixture f;
  auto sup = spawn_task_supervisor(f.sys, f.rt);
  auto task = make_task("* * * * * *");
  caf::anon_send(sup, upsert_atom::value, task, start_mode::fresh);
  f.run();
  auto first = lookup(f, sup, task.id);
  REQUIRE(static_cast<bool>(first));

  caf::anon_send_exit(*first, caf::exit_reason::kill);
  f.run();
  auto second = lookup(f, sup, task.id);
  REQUIRE(static_cast<bool>(second));
  CHECK(second->address() != first->address());
  CHECK(stats(f, sup).restarts == 1);
  CHECK(f.metrics.tasks.restarts == 1);

  f.advance_to(at("2026-01-01T00:00:01.000Z"));
  REQUIRE(f.sink.requests.size() == 1);  // the new actor fires
  f.respond(0, 204);
  f.advance_to(at("2026-01-01T00:00:02.000Z"));
  CHECK(f.sink.requests.size() == 2);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
}

TEST_CASE("a crashed actor's replacement owes no retry; the crashed run is not resumed later",
          "[supervisor][owed]") {
  actor_fixture f;
  f.rt->retry_base = 1000ms;
  auto sup = spawn_task_supervisor(f.sys, f.rt);
  auto task = make_task("0 * * * *");
  caf::anon_send(sup, upsert_atom::value, task, start_mode::fresh);
  f.run();
  f.advance_to(at("2026-01-01T01:00:00.000Z"));
  REQUIRE(f.sink.requests.size() == 1);
  f.respond(0, 500);
  f.flush();
  REQUIRE(f.db_store->last_progress(task.id).retry.has_value());

  auto first = lookup(f, sup, task.id);
  REQUIRE(ok(first));
  caf::anon_send_exit(*first, caf::exit_reason::kill);  // while waiting to retry
  f.run();
  REQUIRE(stats(f, sup).restarts == 1);
  f.flush();
  // The replacement starts without the crashed run (it has only the definition),
  // so the database must not keep promising its retry to the next start.
  auto p = f.db_store->last_progress(task.id);
  CHECK(p.set_retry);
  CHECK_FALSE(p.retry.has_value());
  f.advance(10s);
  CHECK(f.sink.requests.size() == 1);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
}

TEST_CASE("five crashes in 60 s and the task is given up on as FAILED", "[supervisor]") {
  actor_fixture f;
  auto sup = spawn_task_supervisor(f.sys, f.rt, {5, std::chrono::seconds(60)});
  auto task = make_task("0 0 * * *");
  caf::anon_send(sup, upsert_atom::value, task, start_mode::fresh);
  f.run();

  SECTION("crashes spread out are forgiven") {
    for (int i = 0; i < 6; ++i) {
      auto a = lookup(f, sup, task.id);
      REQUIRE(static_cast<bool>(a));
      caf::anon_send_exit(*a, caf::exit_reason::kill);
      f.run();
      f.advance(20s);  // at most 4 crashes in any 60 s window
    }
    CHECK(ok(lookup(f, sup, task.id)));
    CHECK(stats(f, sup).give_ups == 0);
    CHECK(stats(f, sup).restarts == 6);
  }
  SECTION("five close together") {
    for (int i = 0; i < 5; ++i) {
      auto a = lookup(f, sup, task.id);
      REQUIRE(static_cast<bool>(a));
      caf::anon_send_exit(*a, caf::exit_reason::kill);
      f.run();
      f.advance(1s);
    }
    CHECK_FALSE(ok(lookup(f, sup, task.id)));
    auto st = stats(f, sup);
    CHECK(st.restarts == 4);
    CHECK(st.give_ups == 1);
    f.flush();
    auto p = f.db_store->last_progress(task.id);
    REQUIRE(p.status.has_value());
    CHECK(*p.status == task_status::failed);
    CHECK(p.status_reason.value_or("").rfind("gave up after 5 crashes in 60 s", 0) == 0);
  }
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
}

TEST_CASE("an exception in a task actor's handler is a crash: restarted, then given up on",
          "[supervisor]") {
  actor_fixture f;
  auto sup = spawn_task_supervisor(f.sys, f.rt, {3, std::chrono::seconds(60)});
  auto task = make_task("* * * * * *");
  caf::anon_send(sup, upsert_atom::value, task, start_mode::fresh);
  f.run();
  auto first = lookup(f, sup, task.id);
  REQUIRE(ok(first));
  f.sink.throw_on_submit = "sink exploded";

  f.advance_to(at("2026-01-01T00:00:01.000Z"));  // the fire throws
  auto second = lookup(f, sup, task.id);
  REQUIRE(ok(second));
  CHECK(second->address() != first->address());
  CHECK(stats(f, sup).restarts == 1);

  f.advance_to(at("2026-01-01T00:00:03.000Z"));  // two more: the third crash in 60 s
  CHECK_FALSE(ok(lookup(f, sup, task.id)));
  CHECK(stats(f, sup).give_ups == 1);
  f.flush();
  auto p = f.db_store->last_progress(task.id);
  REQUIRE(p.status.has_value());
  CHECK(*p.status == task_status::failed);
  const std::string reason = p.status_reason.value_or("");
  CHECK(reason.rfind("gave up after 3 crashes in 60 s", 0) == 0);
  CHECK(reason.find("sink exploded") != std::string::npos);  // the exception's message
  CHECK(f.sink.requests.empty());
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
}

TEST_CASE("a task that fails for good leaves its supervisor", "[supervisor]") {
  actor_fixture f;
  auto sup = spawn_task_supervisor(f.sys, f.rt);
  auto task = make_task("* * * * * *", 0);
  caf::anon_send(sup, upsert_atom::value, task, start_mode::fresh);
  f.run();
  f.advance_to(at("2026-01-01T00:00:01.000Z"));
  REQUIRE(f.sink.requests.size() == 1);
  f.respond(0, 500);  // no retries left: FAILED, the actor quits by itself
  f.run();
  CHECK_FALSE(ok(lookup(f, sup, task.id)));
  auto st = stats(f, sup);
  CHECK(st.actors == 0);
  CHECK(st.restarts == 0);
  CHECK(st.give_ups == 0);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
}

TEST_CASE("a stored task that cannot run is marked FAILED with the field, not spawned",
          "[supervisor]") {
  actor_fixture f;
  auto sup = spawn_task_supervisor(f.sys, f.rt);
  auto zone = make_task("* * * * * *");
  zone.timezone = "Mars/Olympus_Mons";
  auto schedule = make_task("* * * * * *");
  schedule.schedule = "61 * * * *";
  auto url = make_task("* * * * * *");
  url.webhook_url = "http://discord.com/api/webhooks/1/x";
  for (const auto* t : {&zone, &schedule, &url})
    caf::anon_send(sup, upsert_atom::value, *t, start_mode::resume);
  f.run();
  for (const auto* t : {&zone, &schedule, &url}) CHECK_FALSE(ok(lookup(f, sup, t->id)));
  CHECK(stats(f, sup).actors == 0);
  f.advance_to(at("2026-01-01T00:00:05.000Z"));
  CHECK(f.sink.requests.empty());
  f.flush();
  auto reason = [&](const task_record& t) {
    auto p = f.db_store->last_progress(t.id);
    CHECK(p.status == task_status::failed);
    CHECK(p.set_next_run);
    CHECK_FALSE(p.next_run_at.has_value());
    return p.status_reason.value_or("");
  };
  CHECK(reason(zone) == "timezone: unknown zone \"Mars/Olympus_Mons\"");
  CHECK(reason(schedule).rfind("schedule: ", 0) == 0);
  CHECK(reason(url).rfind("webhookUrl: ", 0) == 0);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
}

TEST_CASE("load_active_tasks pages through the store and arms every task", "[supervisor]") {
  // load_active_tasks blocks on the db_actor, which the test coordinator only
  // runs when asked: drive it page by page the way the loader does.
  actor_fixture f;
  for (int i = 0; i < 7; ++i) f.db_store->active.push_back(make_task("0 0 * * *"));
  std::sort(f.db_store->active.begin(), f.db_store->active.end(),
            [](const task_record& a, const task_record& b) { return a.id < b.id; });
  task_router router(f.sys, f.rt, 3);
  caf::scoped_actor self{f.sys};
  uuid after{};
  std::size_t total = 0;
  for (;;) {
    self->send(f.db, load_atom::value, after, std::uint32_t{3});
    f.run();
    std::vector<task_record> page;
    self->receive([&](std::vector<task_record>& rows) { page = std::move(rows); });
    for (auto& t : page) {
      after = t.id;
      caf::anon_send(router.shard_for(t.id), upsert_atom::value, t, start_mode::resume);
    }
    total += page.size();
    if (page.size() < 3) break;
  }
  f.run();
  CHECK(total == 7);
  std::uint64_t actors = 0;
  for (const auto& shard : router.shards()) actors += stats(f, shard).actors;
  CHECK(actors == 7);
  CHECK(f.metrics.tasks.actors == 7);
  for (const auto& shard : router.shards()) caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
  f.run();
}

// Each API change reaches its shard through a helper actor of its own, so two
// changes of one task can arrive in either order; the revision decides.
TEST_CASE("a change older than the task's last one is ignored, whatever order they arrive in",
          "[supervisor][revision]") {
  actor_fixture f;
  auto sup = spawn_task_supervisor(f.sys, f.rt);
  auto active = [](task_record t, std::int64_t revision) {
    t.revision = revision;
    t.status = task_status::active;
    return t;
  };
  auto inactive = [](task_record t, std::int64_t revision) {
    t.revision = revision;
    t.status = task_status::inactive;
    return t;
  };
  const auto task = make_task("* * * * * *");

  SECTION("toggled off then on: the off arriving last does not stop the actor") {
    caf::anon_send(sup, upsert_atom::value, active(task, 3), start_mode::fresh);
    f.run();
    caf::anon_send(sup, upsert_atom::value, inactive(task, 2), start_mode::fresh);
    f.run();
    CHECK(static_cast<bool>(lookup(f, sup, task.id)));
  }
  SECTION("toggled on then off: the on arriving last does not bring the actor back") {
    caf::anon_send(sup, upsert_atom::value, inactive(task, 4), start_mode::fresh);
    f.run();
    caf::anon_send(sup, upsert_atom::value, active(task, 3), start_mode::fresh);
    f.run();
    CHECK_FALSE(static_cast<bool>(lookup(f, sup, task.id)));
    CHECK(stats(f, sup).actors == 0);
  }
  SECTION("patched, then deleted: the patch arriving last does not revive it") {
    caf::anon_send(sup, upsert_atom::value, active(task, 1), start_mode::fresh);
    f.run();
    caf::anon_send(sup, remove_atom::value, task.id, std::int64_t{3});
    f.run();
    caf::anon_send(sup, upsert_atom::value, active(task, 2), start_mode::fresh);
    f.run();
    CHECK_FALSE(static_cast<bool>(lookup(f, sup, task.id)));
    f.advance_to(at("2026-01-01T00:00:03.000Z"));
    CHECK(f.sink.requests.empty());  // nothing fires for the deleted task
  }
  SECTION("a delete older than the running revision leaves the actor alone") {
    caf::anon_send(sup, upsert_atom::value, active(task, 5), start_mode::fresh);
    f.run();
    caf::anon_send(sup, remove_atom::value, task.id, std::int64_t{4});
    f.run();
    CHECK(static_cast<bool>(lookup(f, sup, task.id)));
  }
  SECTION("newer changes apply in order") {
    caf::anon_send(sup, upsert_atom::value, inactive(task, 2), start_mode::fresh);
    f.run();
    caf::anon_send(sup, upsert_atom::value, active(task, 3), start_mode::fresh);
    f.run();
    CHECK(static_cast<bool>(lookup(f, sup, task.id)));
  }
  SECTION("a departure is forgotten after a minute") {
    caf::anon_send(sup, upsert_atom::value, inactive(task, 4), start_mode::fresh);
    f.run();
    f.advance_to(at("2026-01-01T00:01:01.000Z"));
    // The next departure (another task's) prunes the ones older than a minute.
    caf::anon_send(sup, upsert_atom::value, inactive(make_task("* * * * * *"), 1),
                   start_mode::fresh);
    f.run();
    caf::anon_send(sup, upsert_atom::value, active(task, 3), start_mode::fresh);
    f.run();
    CHECK(static_cast<bool>(lookup(f, sup, task.id)));
  }
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  f.run();
}
