#pragma once
/// Applies what other nodes announce (ARCHITECTURE.md, Cluster): task changes
/// made through any node reach the supervisors here (each ignores tasks whose
/// partition this node does not hold), run-now requests for partitions held
/// here are carried out, and a release by another node wakes the lease actor
/// to claim. Follows PostgreSQL notifications on a thread of its own; after a
/// reconnect it re-reads everything past the last change it applied, so a
/// missed notification delays a change but never loses it.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "actors/lease_actor.hpp"
#include "actors/metrics.hpp"
#include "actors/task_supervisor.hpp"
#include "core/cluster/lease_table.hpp"
#include "db/cluster_store.hpp"
#include "db/notification_listener.hpp"

namespace taskhook::app {

class change_follower {
 public:
  /// `router`, `table`, `clock` and `metrics` outlive it. Changes after
  /// `after_seq` are applied (read it before the first claim).
  change_follower(std::string conninfo, const task_router& router, lease_actor_type leases,
                  const cluster::lease_table& table, const wall_clock& clock,
                  runtime_metrics* metrics, std::int64_t after_seq);
  ~change_follower();

  void start() { listener_.start(); }
  void stop() { listener_.stop(); }

 private:
  void on_notify(const std::string& channel);
  void apply_changes();
  void take_runs();

  db::cluster_store store_;
  const task_router& router_;
  lease_actor_type leases_;
  const cluster::lease_table& table_;
  const wall_clock& clock_;
  runtime_metrics* metrics_;
  std::int64_t last_seq_;
  db::notification_listener listener_;
};

}  // namespace taskhook::app
