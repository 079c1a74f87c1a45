#pragma once
/// The lease rules of a node, as pure functions (ARCHITECTURE.md, Cluster):
/// how long a lease is trusted, how many partitions a node should hold, and
/// what it claims or hands over at each renewal tick. The lease actor
/// sequences them; the database decides who wins a claim.

#include <bitset>
#include <chrono>
#include <cstdint>
#include <vector>

namespace taskhook::cluster {

/// Tasks fall into this many partitions by their webhook (0008_cluster.sql).
inline constexpr int partition_count = 256;

using partition_set = std::bitset<partition_count>;
using monotonic_time = std::chrono::steady_clock::time_point;

/// How long a lease lasts and how it is renewed.
struct lease_timing {
  std::chrono::milliseconds lease{30000};  ///< CLUSTER_LEASE_S

  /// Renewals come three times a lease: two can fail before it runs out.
  std::chrono::milliseconds renew_every() const { return lease / 3; }
  /// Taken off the local deadline: covers a renewal's round trip being
  /// counted from its start, and clocks that run at slightly different rates.
  /// A tenth of the lease, at least 100 ms and at most 2 s.
  std::chrono::milliseconds margin() const;
};

/// Until when this node may act on a lease renewed (or claimed) by a request
/// that left at `request_started`, by its own monotonic clock. The database
/// counts the lease from when it ran the statement, which is later, so this
/// deadline comes before the database's expiry.
monotonic_time trusted_until(monotonic_time request_started, const lease_timing& t);

/// The most partitions one of `live_nodes` should hold: ⌈256 / nodes⌉.
int fair_share(int live_nodes);

/// What a node does at a renewal tick.
struct lease_step {
  int claim = 0;              ///< claim up to this many free or expired partitions
  partition_set hand_over;    ///< release these gracefully (stop, drain, release)
};

/// Decides a tick. `held` are the partitions this node holds (including those
/// it is handing over), `moving` those already being handed over. Over its
/// fair share, a node hands over its highest-numbered partitions that are not
/// already moving; under it, it claims the difference. A node holds at most
/// one more than its share while a handover is in progress.
lease_step plan_leases(const partition_set& held, const partition_set& moving, int live_nodes);

/// The partitions in `s`, in increasing order.
std::vector<int> members(const partition_set& s);

}  // namespace taskhook::cluster
