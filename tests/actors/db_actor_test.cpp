// The db_actor batches writes, keeps them through an outage and writes them,
// in order, when the database is back.
#include <catch2/catch.hpp>

#include "actors/fixture.hpp"

using namespace taskhook;
using namespace taskhook::test;
using namespace std::chrono_literals;

namespace {
attempt_row row(int n) {
  attempt_row r;
  r.task_id = make_task("* * * * *").id;
  r.retry_count = n;
  r.message = "row " + std::to_string(n);
  return r;
}
}  // namespace

TEST_CASE("rows arriving within the flush interval go out as one batch", "[db_actor]") {
  actor_fixture f;
  for (int i = 0; i < 50; ++i) caf::anon_send(f.db, row(i));
  f.run();
  CHECK(f.db_store->batches == 0);  // waiting for the flush timer
  f.flush();
  CHECK(f.db_store->batches == 1);
  REQUIRE(f.db_store->rows.size() == 50);
  for (int i = 0; i < 50; ++i) CHECK(f.db_store->rows[i].retry_count == i);
  CHECK(f.metrics.db.rows_written == 50);
  CHECK(f.metrics.db.pending_rows == 0);
}

TEST_CASE("progress for one task is merged within a batch", "[db_actor]") {
  actor_fixture f;
  auto id = make_task("* * * * *").id;
  task_progress a;
  a.task_id = id;
  a.set_next_run = true;
  a.next_run_at = at("2026-01-01T00:01:00.000Z");
  task_progress b;
  b.task_id = id;
  b.last_run_at = at("2026-01-01T00:00:59.000Z");
  caf::anon_send(f.db, a);
  caf::anon_send(f.db, b);
  f.flush();
  REQUIRE(f.db_store->progress.size() == 1);
  CHECK(f.db_store->progress[0].next_run_at == at("2026-01-01T00:01:00.000Z"));
  CHECK(f.db_store->progress[0].last_run_at == at("2026-01-01T00:00:59.000Z"));
}

TEST_CASE("while the database is away rows are kept and retried with backoff", "[db_actor]") {
  actor_fixture f;
  f.db_store->available = false;
  for (int i = 0; i < 10; ++i) caf::anon_send(f.db, row(i));
  f.advance(5ms);  // the flush interval: first write, which fails
  CHECK(f.db_store->failed_writes == 1);
  CHECK(f.metrics.db.pending_rows == 10);
  // Backoff: 100 ms, 200 ms, 400 ms ... between attempts, not a busy loop.
  f.advance(99ms);
  CHECK(f.db_store->failed_writes == 1);
  f.advance(1ms);
  CHECK(f.db_store->failed_writes == 2);
  f.advance(200ms);
  CHECK(f.db_store->failed_writes == 3);
  // More rows arrive during the outage; nothing is lost or reordered.
  for (int i = 10; i < 15; ++i) caf::anon_send(f.db, row(i));
  f.run();
  f.db_store->available = true;
  f.advance(400ms);
  REQUIRE(f.db_store->rows.size() == 15);
  for (int i = 0; i < 15; ++i) CHECK(f.db_store->rows[i].retry_count == i);
  CHECK(f.metrics.db.reconnects == 1);
  CHECK(f.metrics.db.pending_rows == 0);
}

TEST_CASE("drain writes everything before the db_actor quits", "[db_actor]") {
  actor_fixture f;
  f.db_store->available = false;
  caf::anon_send(f.db, row(1));
  f.run();
  caf::scoped_actor self{f.sys};
  self->send(f.db, drain_atom::value);
  f.run();
  f.advance(250ms);  // still away: drain keeps trying
  CHECK(f.db_store->rows.empty());
  f.db_store->available = true;
  f.advance(1s);
  bool drained = false;
  self->receive([&](bool ok) { drained = ok; });
  CHECK(drained);
  CHECK(f.db_store->rows.size() == 1);
}

TEST_CASE("a batch the database refuses is dropped and counted, not retried forever",
          "[db_actor]") {
  actor_fixture f;
  f.db_store->reject = true;
  for (int i = 0; i < 3; ++i) caf::anon_send(f.db, row(i));
  f.flush();
  CHECK(f.metrics.db.rows_rejected == 3);
  f.db_store->reject = false;
  caf::anon_send(f.db, row(9));
  f.flush();
  REQUIRE(f.db_store->rows.size() == 1);
  CHECK(f.db_store->rows[0].retry_count == 9);
}
