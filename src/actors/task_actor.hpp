#pragma once
/// One actor per ACTIVE task. It owns the task's compiled schedule, its next
/// fire (a slot in the shared fire_timer that sends it a message tagged with a
/// generation, so stale fires are ignored) and the run in progress (scheduled time, attempt, backoff), and
/// answers reads of its own state without the database.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "actors/delivery_sink.hpp"
#include "actors/fire_timer.hpp"
#include "actors/metrics.hpp"
#include "actors/protocol.hpp"
#include "core/clock.hpp"
#include "core/cron.hpp"

namespace taskhook {

/// What every task actor shares: where to send, where to write, what time it is.
struct task_runtime {
  db_actor_type db;
  delivery_sink* sink = nullptr;
  fire_timer* timer = nullptr;  ///< scheduled fires; retries use CAF's clock
  const wall_clock* clock = nullptr;
  runtime_metrics* metrics = nullptr;
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

/// What a task actor runs from: the parts of a task a fire needs, compiled
/// once and shared with the supervisor, which restarts a crashed actor from it.
/// Not the whole task_record (name, time stamps, schedule text): a million of
/// these are kept.
struct task_def {
  uuid id;
  uuid tenant_id;
  std::int64_t revision = 0;
  int max_retry = 0;
  const date::time_zone* zone = nullptr;
  cron::packed_schedule sched;  ///< unpack() to compute a fire
  std::uint32_t payload_len = 0;
  std::uint16_t path_len = 0;
  std::uint16_t id_at = 0;  ///< the webhook id within path()
  std::uint16_t id_len = 0;
  /// path() then payload() in one block: two std::strings would take 64 bytes
  /// and a heap block each, for a million tasks.
  std::unique_ptr<char[]> text;

  /// `/api/webhooks/{id}/{token}`, appended to DISCORD_API_BASE. Secret.
  std::string_view path() const { return {text.get(), path_len}; }
  /// The JSON body. Sends share it (with this definition as its owner) rather
  /// than copying it.
  std::string_view payload() const { return {text.get() + path_len, payload_len}; }
  /// Whose Discord rate-limit bucket applies.
  std::string_view webhook_id() const { return path().substr(id_at, id_len); }
};

/// Compiles a stored task for its actor, or says which field cannot be run
/// (`schedule: …`, `timezone: …`, `webhookUrl: …`). The API validates all of
/// them, so a failure means the row was changed behind its back.
expected<task_def> compile_task(const task_record& task);

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
