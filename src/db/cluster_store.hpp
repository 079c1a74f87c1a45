#pragma once
/// The cluster's rows (0008_cluster.sql) as named statements over one session:
/// node heartbeats, partition leases, tasks by partition, changes since a
/// sequence number and durable run-now requests. Blocking: used by the lease
/// actor (detached) and the change listener's thread, never by a cooperative
/// actor or a Pistache thread.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster/lease_plan.hpp"
#include "core/expected.hpp"
#include "core/task.hpp"
#include "core/ports/lease_store.hpp"
#include "core/uuid.hpp"
#include "db/session.hpp"

namespace taskhook::db {

using taskhook::claimed_lease;
using taskhook::held_lease;
using taskhook::renewal;
using taskhook::node_view;
using taskhook::run_request;

/// A task changed through the API, as the listener reads it.
struct task_change {
  task_record task;
  bool deleted = false;
  std::int64_t seq = 0;
};

class cluster_store final : public lease_store {
 public:
  explicit cluster_store(std::string conninfo) : session_(std::move(conninfo)) {}

  /// Announces this node (a fresh id per start).
  expected<bool> register_node(const uuid& node, const std::string& name) override;
  /// Heartbeat, renewal of `held` (only those: a partition dropped locally is
  /// not kept alive), and the live node count, in one statement.
  expected<renewal> renew(const uuid& node, const std::vector<held_lease>& held,
                          std::chrono::milliseconds lease) override;
  /// Claims up to `count` partitions that are free, expired, or this node's
  /// own but not in `held` (dropped locally): each claim raises the epoch.
  expected<std::vector<claimed_lease>> claim(const uuid& node, int count,
                                             const cluster::partition_set& held,
                                             std::chrono::milliseconds lease) override;
  /// Gives partitions back at once (after a graceful handover), and wakes the
  /// other nodes (NOTIFY taskhook_leases) so one claims them without waiting.
  expected<bool> release(const uuid& node, const std::vector<int>& partitions) override;
  /// Deletes this node's row at a graceful stop (after release).
  expected<bool> leave(const uuid& node) override;

  /// ACTIVE tasks of `partitions` with id > after, in id order, at most `limit`.
  expected<std::vector<task_record>> load_partitions(const cluster::partition_set& partitions,
                                                     const uuid& after,
                                                     std::uint32_t limit) override;
  /// The largest change_seq so far (a listener starts after it).
  expected<std::int64_t> last_change_seq();
  /// Tasks changed through the API after `seq`, in change order, at most `limit`.
  expected<std::vector<task_change>> changes_after(std::int64_t seq, std::uint32_t limit);
  /// Inserts a run-now request for the owner of the task's partition.
  expected<bool> request_run(const uuid& task, const uuid& tenant, int partition,
                             instant scheduled_for);
  /// Takes (deletes and returns) the run-now requests of `partitions`.
  expected<std::vector<run_request>> take_run_requests(const cluster::partition_set& partitions,
                                                       std::uint32_t limit) override;
  expected<std::vector<node_view>> nodes(std::chrono::milliseconds lease) override;

  session& raw() { return session_; }

 private:
  session session_;
};

/// Inserts a run-now request (used by the db_actor's store and the cluster store).
expected<bool> insert_run_request(session& s, const uuid& task, const uuid& tenant,
                                  int partition, instant scheduled_for);

/// `{1,2,3}`: a partition list as a PostgreSQL array literal.
std::string partition_array(const std::vector<int>& partitions);

}  // namespace taskhook::db
