#pragma once
/// Spawns, routes to, monitors and restarts task actors. A crashed actor is
/// restarted; one that crashes `max_crashes` times within `crash_window` is
/// given up on and its task marked FAILED with the reason. Shard by task id
/// (task_router) when one mailbox becomes the bottleneck.

#include <chrono>
#include <memory>
#include <vector>

#include "actors/protocol.hpp"
#include "actors/task_actor.hpp"

namespace taskhook {

struct supervisor_options {
  int max_crashes = 5;
  std::chrono::seconds crash_window{60};
};

supervisor_type spawn_task_supervisor(caf::actor_system& sys,
                                      std::shared_ptr<const task_runtime> rt,
                                      supervisor_options opts = {});

/// N supervisors and the rule that picks one for a task id.
class task_router {
 public:
  task_router(caf::actor_system& sys, std::shared_ptr<const task_runtime> rt, std::size_t shards,
              supervisor_options opts = {});
  const supervisor_type& shard_for(const uuid& task_id) const;
  const std::vector<supervisor_type>& shards() const { return shards_; }

 private:
  std::vector<supervisor_type> shards_;
};

/// Streams the ACTIVE tasks from the db_actor in pages and hands each to its
/// shard (resume mode: misfire policy applies). Blocks the calling thread, which
/// must not be an actor's; returns how many tasks were armed, or an error.
expected<std::uint64_t> load_active_tasks(caf::actor_system& sys, const db_actor_type& db,
                                          const task_router& router,
                                          std::uint32_t page_size = 5000);

/// Stops every task actor from firing and waits, bounded by `timeout`, until no
/// attempt is in flight (each one's row then waits in the db_actor's mailbox).
bool drain_router(caf::actor_system& sys, const task_router& router,
                  runtime_metrics* metrics, std::chrono::milliseconds timeout);

/// Waits, bounded by `timeout`, until no attempt is in flight: every attempt's
/// outcome has reached its actor and any row it makes is on its way to the
/// db_actor. True when that happened in time.
bool wait_for_attempts(runtime_metrics* metrics, std::chrono::milliseconds timeout);

}  // namespace taskhook
