#pragma once
/// The HTTP edge: a Pistache endpoint whose handlers validate input, send one
/// message into the actor system and answer when the actor replies. No handler
/// blocks a Pistache thread waiting on an actor.

#include <cstdint>
#include <memory>

#include "actors/metrics.hpp"
#include "actors/lease_actor.hpp"
#include "actors/protocol.hpp"
#include "core/config.hpp"

namespace taskhook {
class task_router;
class reader_pool;
class delivery_sink;
}  // namespace taskhook

namespace taskhook::http {

class key_table;

/// This node, as /health and /api/admin/cluster show it.
struct node_info {
  uuid id;
  std::string name;
  const cluster::lease_table* leases = nullptr;  ///< read lock-free by /health
  lease_actor_type lease_actor;                  ///< asked for the cluster view
  std::chrono::milliseconds lease{15000};
};

/// The actors the handlers talk to.
struct server_deps {
  caf::actor_system& sys;
  db_actor_type db;
  task_changes_type changes;
  const task_router& router;
  const reader_pool& readers;
  runtime_metrics& metrics;
  const delivery_sink& sink;
  node_info node;
};

class server {
 public:
  server(const config& cfg, server_deps deps);
  ~server();

  /// The API keys requests are checked against; fill before start().
  key_table& keys();

  /// Binds and starts serving on background threads. Throws std::runtime_error
  /// when the address cannot be bound.
  void start();
  /// Stops accepting and closes connections.
  void stop();
  /// The bound port.
  std::uint16_t port() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace taskhook::http
