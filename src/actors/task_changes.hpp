#pragma once
/// The one place an API change to a task is carried out: made durable by the
/// db_actor first, then applied to the task's actor by its supervisor, then
/// answered. HTTP handlers send it one message per change and render the reply.
/// Because every change passes through this one actor, the supervisors get a
/// task's changes in the order the database applied them.

#include <array>
#include <cstdint>

#include "actors/protocol.hpp"
#include "actors/reader_actor.hpp"
#include "actors/task_supervisor.hpp"
#include "core/clock.hpp"

namespace taskhook {

struct task_changes_options {
  /// Seeds the generator of new task ids: 256 bits, so two processes or
  /// restarts practically never share a stream (one 32-bit seed gave about 5 %
  /// odds of a repeated id over 20,000 starts). The caller draws them.
  std::array<std::uint32_t, 8> id_seed{};
  /// Stamps run-now requests for tasks another node runs. nullptr: the system clock.
  const wall_clock* clock = nullptr;
};

/// Spawns the change actor over the db_actor, the readers (for run-now's 404
/// versus 409) and the supervisors. `router` and `readers` must outlive it.
task_changes_type spawn_task_changes(caf::actor_system& sys, db_actor_type db,
                                     const task_router& router, const reader_pool& readers,
                                     task_changes_options opts);

}  // namespace taskhook
