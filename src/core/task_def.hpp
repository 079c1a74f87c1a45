#pragma once
/// A task compiled for running: what its actor fires from.

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/cron.hpp"
#include "core/expected.hpp"
#include "core/task.hpp"

namespace date {
class time_zone;
}

namespace taskhook {

/// What a task actor runs from: the parts of a task a fire needs, compiled
/// once and shared with the supervisor, which restarts a crashed actor from it.
/// Not the whole task_record (name, time stamps, schedule text): a million of
/// these are kept.
struct task_def {
  uuid id;
  uuid tenant_id;
  std::int64_t revision = 0;
  int max_retry = 0;
  /// The epoch of the partition lease this task was armed under: its sends
  /// and state writes count only while that holding is current. 0: no
  /// cluster (actor tests). 32 bits fill padding (a million of these are
  /// kept); an epoch rises once per claim of one partition, so 2^31 claims
  /// would take centuries.
  std::int32_t epoch = 0;
  const date::time_zone* zone = nullptr;
  cron::packed_schedule sched;  ///< unpack() to compute a fire
  std::uint32_t payload_len = 0;
  std::uint16_t path_len = 0;
  std::uint16_t id_at = 0;  ///< the webhook id within path()
  std::uint16_t id_len = 0;
  std::int16_t partition = 0;  ///< of its webhook (task_record::partition)
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

}  // namespace taskhook
