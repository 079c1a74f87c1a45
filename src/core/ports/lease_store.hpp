#pragma once
/// What the lease actor needs from the database (ARCHITECTURE.md, Cluster):
/// heartbeats, partition leases, the tasks of a partition and its run-now
/// requests. src/db implements it (db::cluster_store); actor tests use a fake.
/// Calls block: only the lease actor, which runs on its own thread, makes them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster/lease_plan.hpp"
#include "core/expected.hpp"
#include "core/task.hpp"
#include "core/uuid.hpp"

namespace taskhook {

/// A partition and the epoch it is held under.
struct held_lease {
  int partition = 0;
  std::int64_t epoch = 0;
};

/// What a renewal found.
struct renewal {
  std::vector<held_lease> renewed;  ///< held partitions whose lease now runs on
  int live_nodes = 1;               ///< nodes with a heartbeat within a lease, this one included
};

/// A partition this node just claimed.
struct claimed_lease {
  int partition = 0;
  std::int64_t epoch = 0;
  std::optional<uuid> previous_owner;  ///< set: taken over after its lease ran out
};

/// A run-now request taken by the owner of its partition.
struct run_request {
  uuid task_id;
  uuid tenant_id;
  instant scheduled_for{};
};

/// One node and its partitions, for the admin view.
struct node_view {
  uuid id;
  std::string name;
  instant started_at{};
  instant heartbeat_at{};
  bool live = false;
  std::vector<int> partitions;
};

class lease_store {
 public:
  virtual ~lease_store() = default;

  /// Announces this node (a fresh id per start).
  virtual expected<bool> register_node(const uuid& node, const std::string& name) = 0;
  /// Heartbeat, renewal of `held` (only those: a partition dropped locally is
  /// not kept alive), and the live node count, in one statement.
  virtual expected<renewal> renew(const uuid& node, const std::vector<held_lease>& held,
                                  std::chrono::milliseconds lease) = 0;
  /// Claims up to `count` partitions that are free, expired, or this node's
  /// own but not in `held` (dropped locally): each claim raises the epoch.
  virtual expected<std::vector<claimed_lease>> claim(const uuid& node, int count,
                                                     const cluster::partition_set& held,
                                                     std::chrono::milliseconds lease) = 0;
  /// Gives partitions back at once and wakes the other nodes so one claims
  /// them without waiting for its next tick.
  virtual expected<bool> release(const uuid& node, const std::vector<int>& partitions) = 0;
  /// Deletes this node's row at a graceful stop (after release).
  virtual expected<bool> leave(const uuid& node) = 0;
  /// ACTIVE tasks of `partitions` with id > after, in id order, at most `limit`.
  virtual expected<std::vector<task_record>> load_partitions(
      const cluster::partition_set& partitions, const uuid& after, std::uint32_t limit) = 0;
  /// Takes (deletes and returns) the run-now requests of `partitions`.
  virtual expected<std::vector<run_request>> take_run_requests(
      const cluster::partition_set& partitions, std::uint32_t limit) = 0;
  /// Every node row, live (a heartbeat within `lease`) or not, with the
  /// partitions whose lease it holds now.
  virtual expected<std::vector<node_view>> nodes(std::chrono::milliseconds lease) = 0;
};

}  // namespace taskhook
