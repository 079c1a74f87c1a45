#pragma once
/// A task compiled for running: what its actor fires from.

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/cron.hpp"
#include "core/delivery.hpp"
#include "core/expected.hpp"
#include "core/payload_template.hpp"
#include "core/task.hpp"

namespace date {
class time_zone;
}

namespace taskhook {

/// What the sends of a task whose payload holds placeholders render from.
struct task_template {
  compiled_template compiled;
  /// The task's name, kept only when `{{task.name}}` is used.
  std::string task_name;
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
  std::uint8_t thread_len = 0;  ///< 0: no thread
  /// path(), thread_id() then payload() in one block: separate std::strings
  /// would take 32 bytes and a heap block each, for a million tasks.
  std::unique_ptr<char[]> text;
  /// Set only when the payload holds placeholders (most do not): then each
  /// attempt renders its own body from it.
  std::unique_ptr<const task_template> tmpl;

  /// `/api/webhooks/{id}/{token}`, appended to DISCORD_API_BASE. Secret.
  std::string_view path() const { return {text.get(), path_len}; }
  /// The thread the sends post into (`?thread_id=`); empty: the channel.
  std::string_view thread_id() const { return {text.get() + path_len, thread_len}; }
  /// The JSON body as stored. Without placeholders it is what every attempt
  /// sends: sends share it (with this definition as its owner) rather than
  /// copying it.
  std::string_view payload() const {
    return {text.get() + path_len + thread_len, payload_len};
  }
  /// Whose Discord rate-limit bucket applies.
  std::string_view webhook_id() const { return path().substr(id_at, id_len); }
};

/// Compiles a stored task for its actor, or says which field cannot be run
/// (`schedule: …`, `timezone: …`, `webhookUrl: …`, `threadId: …`). The API
/// validates all of them, so a failure means the row was changed behind its
/// back.
///
/// A payload that is not a valid template (a row stored before templates
/// existed, holding a `{{` of its own) does not stop the task: it is sent as
/// stored, as it always was, and `template_problem` (when given) says why.
expected<task_def> compile_task(const task_record& task, std::string* template_problem = nullptr);

/// The body of one attempt: the stored payload, shared, when it holds no
/// placeholders; else the payload rendered for this attempt.
shared_text attempt_body(const std::shared_ptr<const task_def>& def, instant scheduled_for,
                         int attempt, run_trigger trigger);

}  // namespace taskhook
