#pragma once
/// The task model shared by the actors, the database layer and the API.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/cron.hpp"
#include "core/time_format.hpp"
#include "core/uuid.hpp"

namespace taskhook {

enum class task_status : std::uint8_t { active, inactive, failed };

/// `ACTIVE`, `INACTIVE`, `FAILED`.
std::string_view to_string(task_status s);
std::optional<task_status> parse_task_status(std::string_view s);

/// What a run was started by.
enum class run_trigger : std::uint8_t { schedule, manual, misfire };
std::string_view to_string(run_trigger t);

/// The status of one task_logs row.
enum class attempt_status : std::uint8_t { success, failed, retrying, skipped };
std::string_view to_string(attempt_status s);
std::optional<attempt_status> parse_attempt_status(std::string_view s);

/// The attempt a run waiting to retry still owes. Kept on the task's row from
/// the RETRYING row that promises it until the run ends, so that a stop, a
/// restart or a crash of the process does not lose it.
struct owed_retry {
  instant due{};             ///< when the attempt is to go out
  int retry_count = 1;       ///< its retryCount
  instant scheduled_for{};   ///< the run's
  run_trigger trigger = run_trigger::schedule;
  bool operator==(const owed_retry&) const = default;
};
std::optional<run_trigger> parse_run_trigger(std::string_view s);

/// A task as stored: one row of `tasks`.
struct task_record {
  uuid id;
  uuid tenant_id;
  std::string name;
  std::string schedule;
  std::string timezone = "UTC";
  std::string webhook_url;  ///< secret: never log or return it unmasked
  std::shared_ptr<const std::string> payload;  ///< JSON text, shared, never copied
  /// `threadId`: the thread of the webhook's channel the sends post into
  /// (`?thread_id=`), a snowflake; none: the channel itself.
  std::optional<std::string> thread_id;
  int max_retry = 3;
  task_status status = task_status::active;
  std::optional<std::string> status_reason;
  std::optional<instant> next_run_at;
  std::optional<instant> last_run_at;
  std::optional<owed_retry> retry;  ///< a run waiting to retry; cleared by API changes
  /// `schedule` compiled, when a create or patch has just validated it, so the
  /// text is parsed once on its way to the task's actor. Not stored.
  std::optional<cron::schedule> compiled_schedule;
  std::int64_t revision = 1;  ///< bumped by every change through the API
  /// The cluster partition of the webhook (0008_cluster.sql): set by the
  /// database, -1 until the task is stored.
  std::int16_t partition = -1;
  instant created_at{};
  instant updated_at{};
};

/// One task_logs row, as the actors produce it.
struct attempt_row {
  /// Set by the db_actor when the row reaches it: time-ordered (v7), and kept
  /// across retried writes, so a batch written twice is stored once.
  uuid id;
  uuid task_id;
  uuid tenant_id;
  instant scheduled_for{};
  instant execution_time{};
  attempt_status status = attempt_status::success;
  int retry_count = 0;
  std::optional<int> http_status;
  std::optional<int> duration_ms;
  std::string message;
  run_trigger trigger = run_trigger::schedule;
};

/// A change to a task's run bookkeeping. Absent fields stay as they are.
struct task_progress {
  uuid task_id;
  std::int64_t revision = 0;           ///< applies only while the task is at this revision
  bool set_next_run = false;           ///< write next_run_at (possibly NULL)
  std::optional<instant> next_run_at;
  std::optional<instant> last_run_at;  ///< write when present
  std::optional<task_status> status;   ///< write when present
  std::optional<std::string> status_reason;
  bool set_retry = false;            ///< write `retry` (possibly none)
  std::optional<owed_retry> retry;
  /// The epoch of the partition lease the writer held when it made this
  /// change: it lands only while that holding is current. 0: not fenced
  /// (a writer outside any cluster, such as the actor tests).
  std::int64_t epoch = 0;
  /// The partition the writer armed the task in (with `epoch`).
  std::int16_t partition = 0;

  /// Folds a later change into this one (same task).
  void merge(const task_progress& later);
};

}  // namespace taskhook
