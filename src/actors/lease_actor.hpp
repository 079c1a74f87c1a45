#pragma once
/// The node's partition leases (ARCHITECTURE.md, Cluster): it registers the
/// node, renews what it holds every lease/3, claims free and expired
/// partitions up to its fair share, hands the excess over gracefully (stop
/// arming, let sends in flight finish and their rows land, then release), and
/// keeps the lease_table that fences arming and sending up to date. Runs
/// detached in the service: its lease_store calls block.

#include <chrono>
#include <memory>
#include <string>

#include "actors/protocol.hpp"
#include "actors/task_supervisor.hpp"
#include "core/clock.hpp"
#include "core/cluster/lease_table.hpp"
#include "core/ports/lease_store.hpp"

namespace taskhook {

struct lease_options {
  uuid node;                       ///< fresh at each start
  std::string node_name;           ///< NODE_NAME
  cluster::lease_timing timing;    ///< CLUSTER_LEASE_S
  std::uint32_t load_page = 5000;  ///< tasks per page when loading a claimed partition
};

/// The node as /health and the admin view show it.
struct node_status {
  uuid id;
  std::string name;
  cluster::partition_set partitions;  ///< held now (trusted, not being handed over)
  bool database_reachable = true;     ///< the last renewal reached the database
  std::chrono::milliseconds lease{0};
};

using lease_actor_type = caf::typed_actor<
    /// INTERNAL timer, or a nudge (another node released partitions): renew,
    /// claim, hand over.
    caf::reacts_to<tick_atom>,
    /// This node and what it holds.
    caf::replies_to<leases_atom>::with<node_status>,
    /// Every node and its partitions (error when the database is away).
    caf::replies_to<cluster_atom>::with<std::vector<node_view>>,
    /// Hand every partition over (SIGTERM): stop arming, wait for sends in
    /// flight and their rows, release, leave. Answers when done.
    caf::replies_to<drain_atom>::with<bool>>;

/// Spawns the lease actor and registers the node. `table`, `router`, `clock`
/// and `metrics` outlive it. Nothing is claimed until the first tick_atom:
/// start-up sends one and waits (a leases_atom request behind it) so the
/// node's share is armed before the port opens. `detached` gives it a thread
/// of its own, which a blocking store needs; tests with an in-memory store
/// pass false so the test coordinator schedules it.
lease_actor_type spawn_lease_actor(caf::actor_system& sys, std::shared_ptr<lease_store> store,
                                   cluster::lease_table* table, const task_router& router,
                                   db_actor_type db, const wall_clock& clock,
                                   runtime_metrics* metrics, lease_options opts,
                                   bool detached = true);

}  // namespace taskhook

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::node_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<taskhook::node_view>)
