// The lease rules of a node (core/cluster): deadlines on an injected
// monotonic time line, fair shares, what a tick claims or hands over, and the
// fencing table the webhook pool consults before every send.

#include <catch2/catch.hpp>

#include <chrono>

#include "core/cluster/lease_plan.hpp"
#include "core/cluster/lease_table.hpp"

using namespace std::chrono_literals;
using namespace taskhook::cluster;

namespace {

/// A point on an injected monotonic time line, `ms` after its origin.
monotonic_time t(long ms) { return monotonic_time{} + std::chrono::milliseconds(ms); }

partition_set first(int n) {
  partition_set s;
  for (int p = 0; p < n; ++p) s.set(p);
  return s;
}

}  // namespace

TEST_CASE("renewals come three times a lease; the margin is a tenth, within 100 ms and 2 s") {
  CHECK(lease_timing{30000ms}.renew_every() == 10000ms);
  CHECK(lease_timing{3000ms}.renew_every() == 1000ms);
  CHECK(lease_timing{30000ms}.margin() == 2000ms);   // 3 s capped at 2 s
  CHECK(lease_timing{10000ms}.margin() == 1000ms);
  CHECK(lease_timing{2000ms}.margin() == 200ms);
  CHECK(lease_timing{500ms}.margin() == 100ms);      // 50 ms raised to 100 ms
}

TEST_CASE("a lease is trusted from the start of its request, lease minus margin") {
  // Renewal request left at 10.000 s with a 3-s lease: trusted until 12.700 s,
  // however long the database took to answer.
  CHECK(trusted_until(t(10000), lease_timing{3000ms}) == t(12700));
  CHECK(trusted_until(t(0), lease_timing{30000ms}) == t(28000));
}

TEST_CASE("fair share is the ceiling of 256 over the live nodes") {
  CHECK(fair_share(1) == 256);
  CHECK(fair_share(2) == 128);
  CHECK(fair_share(3) == 86);
  CHECK(fair_share(7) == 37);
  CHECK(fair_share(256) == 1);
  CHECK(fair_share(300) == 1);
  CHECK(fair_share(0) == 256);  // nobody counted yet (our own heartbeat not in): alone
}

TEST_CASE("a node under its share claims the difference") {
  auto step = plan_leases(partition_set{}, partition_set{}, 1);
  CHECK(step.claim == 256);
  CHECK(step.hand_over.none());

  step = plan_leases(first(80), partition_set{}, 3);
  CHECK(step.claim == 6);
  CHECK(step.hand_over.none());

  step = plan_leases(first(86), partition_set{}, 3);
  CHECK(step.claim == 0);
  CHECK(step.hand_over.none());
}

TEST_CASE("a node over its share hands over its highest partitions, once") {
  // Alone with all 256, a second node joins: hand over 128..255.
  auto step = plan_leases(first(256), partition_set{}, 2);
  CHECK(step.claim == 0);
  CHECK(step.hand_over.count() == 128);
  CHECK(step.hand_over[128]);
  CHECK(step.hand_over[255]);
  CHECK_FALSE(step.hand_over[127]);

  // Next tick, those are still moving: nothing more to hand over, nothing to claim.
  auto again = plan_leases(first(256), step.hand_over, 2);
  CHECK(again.claim == 0);
  CHECK(again.hand_over.none());

  // Holding 0..89 with three nodes (share 86): hand over 86..89.
  auto three = plan_leases(first(90), partition_set{}, 3);
  CHECK(members(three.hand_over) == std::vector<int>{86, 87, 88, 89});
}

TEST_CASE("a node whose share rose claims even while a handover is still going") {
  partition_set held = first(100);
  partition_set moving;
  moving.set(99);
  // 3 nodes became 2 (share 128): 100 held, one of them moving: claim 28.
  auto step = plan_leases(held, moving, 2);
  CHECK(step.claim == 28);
  CHECK(step.hand_over.none());
}

TEST_CASE("members lists a set in increasing order") {
  partition_set s;
  s.set(200);
  s.set(3);
  s.set(0);
  CHECK(members(s) == std::vector<int>{0, 3, 200});
}

TEST_CASE("the lease table fences by epoch and deadline") {
  lease_table table;
  CHECK_FALSE(table.holds(7, 1, t(0)));
  CHECK_FALSE(table.epoch_at(7, t(0)));

  table.hold(7, 4, t(2700));
  CHECK(table.holds(7, 4, t(0)));
  CHECK(table.holds(7, 4, t(2699)));
  CHECK_FALSE(table.holds(7, 4, t(2700)));  // the deadline itself is past
  CHECK_FALSE(table.holds(7, 3, t(100)));   // an older holding's send
  CHECK(*table.epoch_at(7, t(100)) == 4);

  table.extend(7, 4, t(3700));
  CHECK(table.holds(7, 4, t(3000)));
  table.extend(7, 3, t(9000));  // a renewal of an older epoch changes nothing
  CHECK_FALSE(table.holds(7, 4, t(3700)));

  table.hold(9, 1, t(5000));
  auto held = table.held_at(t(3000));
  CHECK(members(held) == std::vector<int>{7, 9});
  CHECK(members(table.held_at(t(4000))) == std::vector<int>{9});

  table.drop(9);
  CHECK_FALSE(table.holds(9, 1, t(0)));
  CHECK(members(table.held_at(t(0))) == std::vector<int>{7});
}
