// The lease actor on the test coordinator, against an in-memory lease store:
// what it claims, renews, hands over and loses, when (lease 3000 ms: renewed
// every 1000 ms, trusted for 2700 ms from a renewal's start), and what that
// does to the lease table and to the task actors of a real router.
#include <catch2/catch.hpp>

#include "actors/fake_lease_store.hpp"
#include "actors/fixture.hpp"
#include "actors/lease_actor.hpp"

using namespace taskhook;
using namespace taskhook::test;
using namespace std::chrono_literals;

namespace {

const uuid this_node = *uuid::parse("aaaaaaaa-0000-4000-8000-000000000001");
const uuid other_node = *uuid::parse("bbbbbbbb-0000-4000-8000-000000000002");

/// first..last, both included.
std::vector<int> range(int first, int last) {
  std::vector<int> out;
  for (int p = first; p <= last; ++p) out.push_back(p);
  return out;
}

task_record task_in(int partition, const std::string& schedule = "0 0 * * *") {
  auto t = make_task(schedule);
  t.partition = static_cast<std::int16_t>(partition);
  return t;
}

struct lease_fixture : actor_fixture {
  cluster::lease_table table;
  std::shared_ptr<fake_lease_store> store = std::make_shared<fake_lease_store>(clock);
  std::unique_ptr<task_router> router;
  lease_actor_type leases;

  lease_fixture() {
    rt->leases = &table;  // the supervisors arm only what the table holds
    router = std::make_unique<task_router>(sys, rt, 2);
  }

  ~lease_fixture() {
    caf::anon_send_exit(leases, caf::exit_reason::user_shutdown);
    for (const auto& shard : router->shards())
      caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
    run();
  }

  void start(std::uint32_t load_page = 5000) {
    lease_options opts;
    opts.node = this_node;
    opts.node_name = "node-a";
    opts.timing.lease = 3000ms;
    opts.load_page = load_page;
    leases = spawn_lease_actor(sys, store, &table, *router, db, clock, &metrics, opts,
                               /*detached=*/false);
    run();
  }

  /// A tick now (a nudge), handled to the end.
  void tick() {
    caf::anon_send(leases, tick_atom::value);
    run();
  }

  std::vector<int> held_now() const { return cluster::members(table.held_at(clock.monotonic_now())); }
  std::optional<std::int64_t> epoch_now(int p) const {
    return table.epoch_at(p, clock.monotonic_now());
  }

  node_status status() {
    caf::scoped_actor self{sys};
    self->send(leases, leases_atom::value);
    run();
    node_status out;
    self->receive([&](node_status& s) { out = std::move(s); });
    return out;
  }

  bool armed(const task_record& t) {
    caf::scoped_actor self{sys};
    self->send(router->shard_for(t.id), lookup_atom::value, t.id);
    run();
    bool found = false;
    self->receive([&](task_actor_type&) { found = true; }, [&](caf::error&) {});
    return found;
  }

  std::uint64_t task_actors() {
    std::uint64_t n = 0;
    caf::scoped_actor self{sys};
    for (const auto& shard : router->shards()) {
      self->send(shard, stats_atom::value);
      run();
      self->receive([&](supervisor_stats& s) { n += s.actors; });
    }
    return n;
  }

  /// A row waiting in the db_actor, to see whether a handover wrote the rows
  /// before releasing.
  void queue_row(const uuid& id) {
    task_progress p;
    p.task_id = id;
    p.status_reason = "marker";
    caf::anon_send(db, std::move(p));
    run();
  }
  bool row_written(const uuid& id) const {
    for (const auto& p : db_store->progress)
      if (p.task_id == id) return true;
    return false;
  }
};

const uuid marker = *uuid::parse("cccccccc-0000-4000-8000-000000000003");

}  // namespace

TEST_CASE("alone, the first tick claims all 256 partitions under epoch 1", "[lease]") {
  lease_fixture f;
  f.start();
  REQUIRE(f.store->node_rows.size() == 1);
  CHECK(f.store->node_rows[0].name == "node-a");
  CHECK(f.store->claim_counts.empty());  // nothing before the first tick
  CHECK(f.held_now().empty());

  f.tick();
  CHECK(f.store->claim_counts == std::vector<int>{256});
  CHECK(f.metrics.cluster.claims == 256);
  CHECK(f.metrics.cluster.takeovers == 0);
  CHECK(f.metrics.cluster.renewals == 1);
  CHECK(f.metrics.cluster.partitions_owned == 256);
  CHECK(f.held_now() == range(0, 255));
  int at_epoch_1 = 0;
  for (int p = 0; p < 256; ++p) at_epoch_1 += f.epoch_now(p) == 1 ? 1 : 0;
  CHECK(at_epoch_1 == 256);
  // The database's side: this node's, epoch 1, for a lease from its now.
  CHECK(f.store->leases[17].owner == this_node);
  CHECK(f.store->leases[17].epoch == 1);
  CHECK(f.store->leases[17].expires == at("2026-01-01T00:00:03.000Z"));
  // Trusted for the lease minus the margin (300 ms) from the claim's start.
  const auto claimed = f.clock.monotonic_now();
  CHECK(f.table.held_at(claimed + 2699ms).count() == 256);
  CHECK(f.table.held_at(claimed + 2700ms).count() == 0);

  auto st = f.status();
  CHECK(st.id == this_node);
  CHECK(st.name == "node-a");
  CHECK(st.partitions.count() == 256);
  CHECK(st.database_reachable);
  CHECK(st.lease == 3000ms);
}

TEST_CASE("renewals come every 1000 ms, and a nudge does not add a second timer",
          "[lease][timer]") {
  lease_fixture f;
  f.start();
  f.tick();  // start-up's tick: from here on the timer
  CHECK(f.store->renew_calls == 1);
  f.advance(3000ms);
  CHECK(f.store->renew_calls == 4);  // at 1000, 2000 and 3000 ms
  CHECK(f.metrics.cluster.renewals == 4);
  REQUIRE(f.store->renewed_lists.size() == 4);
  CHECK(f.store->renewed_lists[0].empty());
  CHECK(f.store->renewed_lists[3] == range(0, 255));
  CHECK(f.store->leases[0].expires == at("2026-01-01T00:00:06.000Z"));

  f.advance(500ms);
  f.tick();  // another node released partitions: one tick now
  CHECK(f.store->renew_calls == 5);
  f.advance(2500ms);  // to 6000 ms: the timer at 4000, 5000 and 6000 ms, nothing more
  CHECK(f.store->renew_calls == 8);
  f.tick();
  f.tick();
  f.advance(3000ms);  // to 9000 ms
  CHECK(f.store->renew_calls == 13);
}

TEST_CASE("the admin view lists the node and its partitions; an error while the database is away",
          "[lease]") {
  lease_fixture f;
  f.start();
  f.tick();
  caf::scoped_actor self{f.sys};
  self->send(f.leases, cluster_atom::value);
  f.run();
  std::vector<node_view> nodes;
  self->receive([&](std::vector<node_view>& n) { nodes = std::move(n); });
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0].id == this_node);
  CHECK(nodes[0].partitions == range(0, 255));

  f.store->available = false;
  self->send(f.leases, cluster_atom::value);
  f.run();
  bool failed = false;
  self->receive([&](std::vector<node_view>&) {}, [&](caf::error&) { failed = true; });
  CHECK(failed);
}

TEST_CASE("a second live node: the upper half is handed over, disarmed, its rows written, then released",
          "[lease][handover]") {
  lease_fixture f;
  const auto low = task_in(3);
  const auto mid = task_in(130);
  const auto top = task_in(255);
  f.store->tasks = {low, mid, top};
  f.start();
  f.tick();
  REQUIRE(f.task_actors() == 3);
  REQUIRE(f.metrics.tasks.actors == 3);

  // What the node looks like when it releases.
  std::int64_t actors_at_release = -1;
  bool row_written_at_release = false;
  std::vector<int> held_at_release;
  f.store->on_release = [&](const std::vector<int>&) {
    actors_at_release = f.metrics.tasks.actors.load();
    row_written_at_release = f.row_written(marker);
    held_at_release = f.held_now();
  };
  f.queue_row(marker);
  f.store->other_live_nodes = 1;
  caf::anon_send(f.leases, tick_atom::value);
  REQUIRE(f.sched.try_run_once());  // the tick alone
  // Not armed or sent from this moment, before any actor has stopped.
  CHECK(f.held_now() == range(0, 127));
  CHECK(f.metrics.cluster.partitions_owned == 128);
  CHECK(f.metrics.tasks.actors == 3);
  CHECK(f.store->releases.empty());
  CHECK(f.store->claim_counts == std::vector<int>{256});  // at its share: no claim

  f.run();
  REQUIRE(f.store->releases.size() == 1);
  CHECK(f.store->releases[0] == range(128, 255));
  CHECK(actors_at_release == 1);     // both shards stopped theirs first
  CHECK(row_written_at_release);     // and the db_actor wrote what it held
  CHECK(held_at_release == range(0, 127));
  CHECK(f.metrics.cluster.handovers == 128);
  CHECK(f.metrics.cluster.lost == 0);
  CHECK(f.armed(low));
  CHECK_FALSE(f.armed(mid));
  CHECK_FALSE(f.armed(top));
  CHECK(f.status().partitions.count() == 128);
  CHECK_FALSE(f.store->leases[128].owner.has_value());
  CHECK(f.store->leases[127].owner == this_node);

  // The next renewal lists only what is left.
  f.advance(1000ms);
  CHECK(f.store->renewed_lists.back() == range(0, 127));
  CHECK(f.store->releases.size() == 1);
}

TEST_CASE("rows the db_actor cannot write hold the release back until they are written",
          "[lease][handover]") {
  lease_fixture f;
  f.start();
  f.tick();
  bool row_written_at_release = false;
  f.store->on_release = [&](const std::vector<int>&) {
    row_written_at_release = f.row_written(marker);
  };
  f.db_store->available = false;  // the rows' connection is down; the leases' is not
  f.queue_row(marker);
  f.store->other_live_nodes = 1;

  f.tick();  // 0 ms: hand over 128..255
  CHECK(f.store->releases.empty());
  CHECK(f.held_now() == range(0, 127));  // not armed, not sent
  CHECK(f.status().partitions.count() == 128);
  CHECK(f.store->leases[200].owner == this_node);
  CHECK(f.metrics.cluster.handovers == 0);

  f.advance(1000ms);  // renewed, still this node's until written; written: not yet
  CHECK(f.store->releases.empty());
  CHECK(f.store->renewed_lists.back() == range(0, 255));
  CHECK(f.held_now() == range(0, 127));
  CHECK(f.store->claim_counts == std::vector<int>{256});  // no new claim meanwhile

  f.db_store->available = true;
  f.advance(1000ms);  // 2000 ms: the rows are written, then the partitions released
  REQUIRE(f.store->releases.size() == 1);
  CHECK(f.store->releases[0] == range(128, 255));
  CHECK(row_written_at_release);
  CHECK(f.metrics.cluster.handovers == 128);
  CHECK(f.metrics.cluster.lost == 0);
  CHECK(f.held_now() == range(0, 127));
  CHECK(f.status().partitions.count() == 128);
  f.advance(1000ms);
  CHECK(f.store->releases.size() == 1);
  CHECK(f.store->renewed_lists.back() == range(0, 127));
}

TEST_CASE("a partition lost and claimed again while its handover waited is not released by it",
          "[lease][handover]") {
  lease_fixture f;
  const auto busy = task_in(200, "* * * * * *");
  f.store->tasks = {busy};
  f.start();
  f.tick();           // 0 ms
  f.advance(1000ms);  // fires at 1 s: sent, no answer yet
  REQUIRE(f.sink.requests.size() == 1);
  CHECK(f.sink.requests[0].req.fence.epoch == 1);

  f.store->other_live_nodes = 1;
  f.tick();  // 1000 ms: hand over 128..255; the disarm waits for the send
  CHECK(f.held_now() == range(0, 127));
  f.store->available = false;
  f.advance(3000ms);  // trusted until 3700 ms: lost at the tick of 4000 ms
  CHECK(f.metrics.cluster.lost == 256);
  CHECK(f.held_now().empty());

  f.store->available = true;
  SECTION("claimed again: the handover ending later leaves them alone") {
    f.store->other_live_nodes = 0;
    f.advance(1000ms);  // 5000 ms: all of them this node's again, epoch 2
    CHECK(f.held_now() == range(0, 255));
    CHECK(f.epoch_now(200) == 2);
    CHECK(f.armed(busy));

    f.respond(0, 204);  // the old holding's send ends: its handover completes
    CHECK(f.store->releases.empty());
    CHECK(f.metrics.cluster.handovers == 0);
    CHECK(f.store->leases[200].owner == this_node);
    CHECK(f.epoch_now(200) == 2);
    CHECK(f.status().partitions.count() == 256);
    f.advance(1000ms);
    CHECK(f.store->renewed_lists.back() == range(0, 255));
    CHECK(f.metrics.cluster.lost == 256);
  }
  SECTION("not claimed again: still released, so the other node need not wait for expiry") {
    f.advance(1000ms);  // 5000 ms: its share, 0..127, again under epoch 2
    CHECK(f.held_now() == range(0, 127));
    CHECK(f.epoch_now(5) == 2);
    CHECK_FALSE(f.armed(busy));

    f.respond(0, 204);
    REQUIRE(f.store->releases.size() == 1);
    CHECK(f.store->releases[0] == range(128, 255));
    CHECK_FALSE(f.store->leases[200].owner.has_value());
    CHECK(f.store->leases[5].owner == this_node);
    CHECK(f.held_now() == range(0, 127));
    CHECK(f.status().partitions.count() == 128);
  }
}

TEST_CASE("the database away: the leases are trusted until 2700 ms after the last renewal's start, then lost",
          "[lease][outage]") {
  lease_fixture f;
  const auto task = task_in(64);
  f.store->tasks = {task};
  f.start();
  f.tick();            // claimed at 0 ms
  f.advance(1000ms);   // renewed at 1000 ms: trusted until 3700 ms
  REQUIRE(f.metrics.cluster.renewals == 2);
  f.store->available = false;

  f.advance(2699ms);  // failures at 2000 and 3000 ms
  f.tick();           // and at 3699 ms
  CHECK(f.metrics.cluster.renew_failures == 3);
  CHECK(f.metrics.cluster.lost == 0);
  CHECK(f.held_now() == range(0, 255));
  CHECK(f.armed(task));  // firing goes on until the deadline
  auto before = f.status();
  CHECK(before.partitions.count() == 256);
  CHECK_FALSE(before.database_reachable);

  f.advance(1ms);
  f.tick();  // 3700 ms
  CHECK(f.metrics.cluster.renew_failures == 4);
  CHECK(f.metrics.cluster.lost == 256);
  CHECK(f.metrics.cluster.partitions_owned == 0);
  CHECK(f.held_now().empty());
  CHECK(f.status().partitions.count() == 0);
  CHECK_FALSE(f.armed(task));

  // Back: the node claims again what is still its own in the database, under
  // a new epoch, and arms it again.
  f.store->available = true;
  f.advance(300ms);  // the timer at 4000 ms
  CHECK(f.status().database_reachable);
  CHECK(f.held_now() == range(0, 255));
  CHECK(f.epoch_now(64) == 2);
  CHECK(f.metrics.cluster.claims == 512);
  CHECK(f.metrics.cluster.takeovers == 0);
  CHECK(f.armed(task));
}

TEST_CASE("a partition another node holds now is lost at the next renewal", "[lease][lost]") {
  lease_fixture f;
  const auto taken = task_in(42);
  const auto kept = task_in(43);
  f.store->tasks = {taken, kept};
  f.start();
  f.tick();
  REQUIRE(f.armed(taken));
  f.store->give(42, other_node, 2, at("2026-01-01T00:00:10.000Z"));

  f.advance(1000ms);
  CHECK(f.metrics.cluster.lost == 1);
  CHECK_FALSE(f.epoch_now(42).has_value());
  CHECK(f.epoch_now(41) == 1);
  CHECK(f.epoch_now(43) == 1);
  CHECK(f.status().partitions.count() == 255);
  CHECK(f.metrics.cluster.partitions_owned == 255);
  CHECK_FALSE(f.armed(taken));
  CHECK(f.armed(kept));
  // Under its share again, it tries to claim one, but 42 is the other's.
  CHECK(f.store->claim_counts == std::vector<int>{256, 1});
  CHECK(f.metrics.cluster.claims == 256);
  CHECK(f.store->leases[42].owner == other_node);
}

TEST_CASE("an expired partition of another node is taken over under the next epoch",
          "[lease][takeover]") {
  lease_fixture f;
  f.store->give(7, other_node, 4, at("2025-12-31T23:59:59.000Z"));
  f.start();
  f.tick();
  CHECK(f.metrics.cluster.takeovers == 1);
  CHECK(f.metrics.cluster.claims == 255);
  CHECK(f.held_now() == range(0, 255));
  CHECK(f.epoch_now(7) == 5);
  CHECK(f.epoch_now(6) == 1);
  CHECK(f.store->leases[7].owner == this_node);
  CHECK(f.store->leases[7].epoch == 5);
}

TEST_CASE("a partition another node still holds is not claimed", "[lease][takeover]") {
  lease_fixture f;
  f.store->give(7, other_node, 4, at("2026-01-01T00:00:01.000Z"));
  f.start();
  f.tick();
  CHECK(f.metrics.cluster.claims == 255);
  CHECK(f.metrics.cluster.takeovers == 0);
  CHECK_FALSE(f.epoch_now(7).has_value());

  f.advance(1000ms);  // its lease ends at 1000 ms by the database: not yet expired
  CHECK_FALSE(f.epoch_now(7).has_value());
  f.advance(1000ms);
  CHECK(f.epoch_now(7) == 5);
  CHECK(f.metrics.cluster.takeovers == 1);
}

TEST_CASE("drain hands every partition over, then leaves", "[lease][drain]") {
  lease_fixture f;
  const auto task = task_in(200);
  f.store->tasks = {task};
  f.start();
  f.tick();
  REQUIRE(f.armed(task));

  caf::scoped_actor self{f.sys};
  self->send(f.leases, drain_atom::value);
  f.run();
  bool released = false;
  self->receive([&](bool r) { released = r; });
  CHECK(released);
  REQUIRE(f.store->releases.size() == 1);
  CHECK(f.store->releases[0] == range(0, 255));
  CHECK(f.store->leaves == 1);
  REQUIRE(f.store->calls.size() >= 2);
  CHECK(f.store->calls[f.store->calls.size() - 2] == "release");
  CHECK(f.store->calls.back() == "leave");
  CHECK(f.store->node_rows.empty());
  CHECK(f.held_now().empty());
  CHECK(f.metrics.cluster.handovers == 256);
  CHECK(f.metrics.cluster.partitions_owned == 0);
  CHECK_FALSE(f.armed(task));

  const int renewals = f.store->renew_calls;
  f.advance(5000ms);
  f.tick();
  CHECK(f.store->renew_calls == renewals);  // no renewal or claim after leaving
  CHECK(f.held_now().empty());
}

TEST_CASE("claimed partitions' tasks are armed in pages, only where this node holds the partition",
          "[lease][arm]") {
  lease_fixture f;
  f.store->give(200, other_node, 3, at("2026-01-01T00:01:00.000Z"));
  const auto a = task_in(5);
  const auto b = task_in(5);
  const auto c = task_in(9);
  const auto elsewhere = task_in(200);
  f.store->tasks = {a, b, c, elsewhere};
  f.store->run_requests = {
      {{c.id, c.tenant_id, at("2026-01-01T00:00:00.000Z")}, 9},
      {{elsewhere.id, elsewhere.tenant_id, at("2026-01-01T00:00:00.000Z")}, 200},
  };
  f.start(/*load_page=*/2);
  f.tick();
  CHECK(f.held_now().size() == 255);
  CHECK(f.store->load_calls == 2);  // 2 + 1 tasks
  CHECK(f.armed(a));
  CHECK(f.armed(b));
  CHECK(f.armed(c));
  CHECK_FALSE(f.armed(elsewhere));
  CHECK(f.task_actors() == 3);

  // The run-now request of a claimed partition is carried out here; the
  // other waits for its owner.
  CHECK(f.metrics.cluster.runs_requested == 1);
  REQUIRE(f.store->run_requests.size() == 1);
  CHECK(f.store->run_requests[0].partition == 200);
  REQUIRE(f.sink.requests.size() == 1);
  const auto& sent = f.sink.requests[0].req;
  REQUIRE(sent.identity.has_value());
  CHECK(sent.identity->task_id == c.id);
  CHECK(sent.identity->trigger == run_trigger::manual);
  CHECK(sent.fence.partition == 9);
  CHECK(sent.fence.epoch == 1);
  CHECK(sent.fence.table == &f.table);

  // An announced change of another node's task is not armed here either.
  caf::anon_send(f.router->shard_for(elsewhere.id), upsert_atom::value, elsewhere,
                 start_mode::announced);
  f.run();
  CHECK_FALSE(f.armed(elsewhere));
  CHECK(f.task_actors() == 3);
}
