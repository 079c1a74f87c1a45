#pragma once
/// Retention: every `period`, deletes task_logs rows older than `keep`, in small
/// batches with a pause between them so the database is never busy for long.

#include <chrono>
#include <memory>

#include "actors/metrics.hpp"
#include "core/clock.hpp"
#include "core/ports/store.hpp"

namespace caf {
class actor;
class actor_system;
}  // namespace caf

namespace taskhook {

struct retention_options {
  std::chrono::hours keep{24 * 30};           ///< LOG_RETENTION_DAYS
  std::chrono::milliseconds period{60000};    ///< between sweeps
  int batch = 1000;                           ///< rows per DELETE
  std::chrono::milliseconds pause{50};        ///< between batches of one sweep
};

/// Spawns the retention actor (detached: the pruner blocks).
caf::actor spawn_retention(caf::actor_system& sys, std::shared_ptr<log_pruner> pruner,
                           const wall_clock& clock, runtime_metrics* metrics,
                           retention_options opts = {}, bool detached = true);

}  // namespace taskhook
