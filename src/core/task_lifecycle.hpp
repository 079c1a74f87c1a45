#pragma once
/// Every rule of a task's life, as pure functions: creating it (defaults, first
/// fire), patching and toggling it, catching up on fires it missed, and deciding
/// what follows an attempt (which row, retry when, or fail why). Handlers, SQL
/// and actors call these; nothing else decides. Time comes in as arguments and
/// randomness as a seeded generator, so every rule is unit-tested with literals.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/backoff.hpp"
#include "core/cron.hpp"
#include "core/delivery.hpp"
#include "core/task.hpp"
#include "core/task_input.hpp"

namespace taskhook::lifecycle {

// -- creating -------------------------------------------------------------------

/// What a create body may leave out (API.md, Task): applied here only.
struct task_defaults {
  static constexpr std::string_view timezone = "UTC";
  static constexpr int max_retry = 3;
  static constexpr task_status status = task_status::active;
};

/// Fills the defaults of a create body's absent fields.
void apply_create_defaults(task_input& in, bool has_timezone, bool has_max_retry,
                           bool has_status);

/// The first fire strictly after `now` of a task in `status` (nullopt unless
/// ACTIVE, or when the schedule never fires again).
std::optional<instant> first_fire(task_status status, const cron::schedule& s,
                                  const date::time_zone* zone, instant now);

/// The same from a stored task: its compiled schedule when it carries one (a
/// create or patch that just validated it), else its text, parsed here.
std::optional<instant> first_fire(const task_record& t, instant now);

/// A new task from a validated create body (defaults already filled): every
/// field set, the validated schedule kept compiled, the first fire computed.
task_record new_task(const task_input& in, const uuid& id, const uuid& tenant, instant now);

// -- changing -------------------------------------------------------------------

/// Applies a validated patch to stored task `t`. A new schedule, zone or status
/// moves the next fire (from `now`); a task that is not ACTIVE has none. A new
/// status clears the reason the task failed.
void apply_patch(task_record& t, const task_input& in, instant now);

/// ACTIVE → INACTIVE; INACTIVE or FAILED → ACTIVE, its next fire counted from `now`.
void apply_toggle(task_record& t, instant now);

// -- catching up ----------------------------------------------------------------

/// Counting missed fires stops here, so a per-second task that missed a year
/// costs bounded time (then the skipped count says "at least").
inline constexpr std::uint64_t catch_up_count_cap = 1'000'000;

/// What to do about fires that passed without running.
struct catch_up_plan {
  /// The most recent missed fire, when it is younger than the grace: it runs
  /// once now (trigger `misfire`).
  std::optional<instant> run;
  /// Every other missed fire: one SKIPPED row says how many and when.
  std::uint64_t skipped = 0;
  bool skipped_capped = false;  ///< counting stopped at the cap: "at least"
  instant skipped_first{};
  instant skipped_last{};
  /// The first scheduled fire strictly after now (nullopt: never again).
  std::optional<instant> next;
};

/// Missed fires are `first_missed` (when it is not after `now`) and every fire
/// after it up to `now`. The one place this walk happens: at start (the row's
/// next_run_at, grace MISFIRE_GRACE_S) and when a task actor fell behind (the
/// fire after the one it runs, grace 0: all skipped).
catch_up_plan plan_catch_up(const cron::schedule& s, const date::time_zone* zone,
                            std::optional<instant> first_missed, instant now,
                            std::chrono::milliseconds grace,
                            std::uint64_t count_cap = catch_up_count_cap);

/// The SKIPPED row's message for fires missed while the service was down.
std::string missed_while_down_message(const catch_up_plan& p);
/// The SKIPPED row's message for fires that passed while the actor was behind.
std::string fell_behind_message(const catch_up_plan& p);
/// The SKIPPED row's message for a fire that came while a run was still out
/// (the overlap policy: skip).
std::string overlap_message(instant run_scheduled_for, int run_attempt);

// -- after an attempt -----------------------------------------------------------

/// Backoff settings (RETRY_BASE_MS, RETRY_MAX_MS).
struct retry_policy {
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds cap{300000};
};

/// What comes after an attempt.
enum class next_step : std::uint8_t {
  done,   ///< the run succeeded
  retry,  ///< another attempt after `retry_in`
  fail,   ///< the task goes FAILED for `fail_reason`
};

struct attempt_verdict {
  attempt_status row_status = attempt_status::success;  ///< this attempt's row
  next_step step = next_step::done;
  std::chrono::milliseconds retry_in{0};  ///< next_step::retry only
  std::string fail_reason;                ///< next_step::fail only
};

/// Decides what follows attempt `attempt` (0 = first) of a run allowed
/// `max_retry` retries: success ends the run; a permanent error fails the task
/// at once; otherwise retry k = attempt + 1 waits what a 429 asked for, or the
/// jittered backoff, until the retries are spent.
attempt_verdict decide_after_attempt(const outcome& oc, int attempt, int max_retry,
                                     const retry_policy& policy, jitter_rng& rng);

/// A run that was waiting to retry when the process stopped.
enum class resumed_retry_step : std::uint8_t {
  skip,      ///< fell due longer ago than the grace: a SKIPPED row, run over
  send_now,  ///< due (or overdue within the grace): send at once
  wait,      ///< not yet due: wait `wait_for`
};
struct resumed_retry_plan {
  resumed_retry_step step = resumed_retry_step::send_now;
  std::chrono::milliseconds wait_for{0};
};
resumed_retry_plan plan_resumed_retry(instant due, instant now, std::chrono::milliseconds grace);
/// The SKIPPED row's message for a resumed retry dropped by plan_resumed_retry.
std::string resumed_retry_skip_message(const owed_retry& r);

/// The SKIPPED row left by a manual run's first attempt cut short by a stop
/// (nothing in the database holds it, so without the row it would vanish).
std::string manual_run_cut_message();

}  // namespace taskhook::lifecycle
