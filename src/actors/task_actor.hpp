#pragma once
/// One actor per ACTIVE task. It owns the task's compiled schedule, its next
/// fire (a slot in the shared fire_timer that sends it a message tagged with a
/// generation, so stale fires are ignored) and the run in progress (scheduled time, attempt, backoff), and
/// answers reads of its own state without the database.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "actors/fire_timer.hpp"
#include "actors/metrics.hpp"
#include "actors/protocol.hpp"
#include "core/clock.hpp"
#include "core/cluster/lease_table.hpp"
#include "core/task_def.hpp"
#include "core/cron.hpp"
#include "core/ports/delivery_sink.hpp"
#include "core/task_def.hpp"

namespace taskhook {

/// What every task actor shares: where to send, where to write, what time it is.
struct task_runtime {
  db_actor_type db;
  delivery_sink* sink = nullptr;
  fire_timer* timer = nullptr;  ///< scheduled fires; retries use CAF's clock
  const wall_clock* clock = nullptr;
  runtime_metrics* metrics = nullptr;
  /// This node's partition leases: tasks are armed only in partitions held,
  /// under the epoch held, and every send is checked against it. nullptr: no
  /// cluster (actor tests), nothing fenced.
  const cluster::lease_table* leases = nullptr;
  std::string discord_api_base = "https://discord.com";
  std::chrono::milliseconds retry_base{1000};
  std::chrono::milliseconds retry_max{300000};
  std::chrono::seconds misfire_grace{3600};
  /// A scheduled fire is prepared this long before its instant and handed to
  /// the sink to be sent at the instant (delivery_request::not_before), so a
  /// second's burst of fires leaves together instead of trickling out of the
  /// actors. 0: fire at the instant. The fire's overlap check happens then.
  std::chrono::milliseconds fire_lead{0};
  std::uint64_t seed = 0;  ///< jitter seed; each task mixes in its id
  /// Where a task actor reports its end (exited_atom): the supervisor that
  /// spawned it. Each supervisor runs its actors on its own copy of the
  /// runtime with this set; unset, nobody is told.
  caf::actor_addr supervisor;
};

/// The run bookkeeping a task actor starts from (the row's last values).
struct task_times {
  std::optional<instant> next_run_at;
  std::optional<instant> last_run_at;
  std::optional<owed_retry> retry;  ///< resumed in start_mode::resume only
};

/// Spawns a task actor for an ACTIVE task (its supervisor watches it).
task_actor_type spawn_task_actor(caf::local_actor* parent,
                                 std::shared_ptr<const task_runtime> rt,
                                 std::shared_ptr<const task_def> def, task_times times,
                                 start_mode mode);

}  // namespace taskhook
