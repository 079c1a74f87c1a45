#pragma once
/// Internal to the task actor (task_actor.cpp and its helpers): the state each
/// task actor keeps, and how it counts what it does in the shared metrics.

#include <cstdint>
#include <memory>
#include <string>

#include "actors/fire_timer.hpp"
#include "actors/metrics.hpp"
#include "actors/protocol.hpp"
#include "actors/task_actor.hpp"
#include "core/backoff.hpp"
#include "core/packed_instant.hpp"
#include "core/task_lifecycle.hpp"

namespace spdlog {
class logger;
}

namespace taskhook {

/// The run in progress. Its id is the actor's run_seq (one run at a time).
struct run_state {
  instant scheduled_for{};
  run_trigger trigger = run_trigger::schedule;
  int attempt = 0;         ///< retry_count of the attempt in flight or next
  bool in_flight = false;  ///< an attempt is out; false while waiting to retry
  /// The first attempt was handed over ahead of its instant under this ticket;
  /// until the sink sends it, it can be withdrawn. 0: not held.
  std::uint64_t held_ticket = 0;
  /// A run resumed at start, waiting to retry: when its attempt is due.
  instant resumed_due{};
};

/// Kept inline in every task actor, so ordered and sized for a million idle
/// tasks: a run in progress is allocated only while there is one.
struct task_state {
  std::shared_ptr<const task_runtime> rt;
  /// The compiled definition, shared with the supervisor: one copy per task.
  std::shared_ptr<const task_def> def;
  packed_instant persisted_next;  ///< next_run_at as last written
  packed_instant last_run;        ///< last_run_at as last written
  packed_instant next_fire;
  jitter_rng rng{0};
  fire_handle timer;  ///< the pending fire in rt->timer
  std::unique_ptr<run_state> run;
  /// Tags the armed fire; one that arrives after a re-arm is stale. Wraps
  /// after 2^32 re-arms, long after any stale fire has arrived.
  std::uint32_t generation = 0;
  std::uint32_t run_seq = 0;
  std::uint32_t runs = 0;
  bool draining = false;
  start_mode mode = start_mode::fresh;  ///< how the first fire is computed

  static inline const char* name = "task_actor";

  /// Ends the actor's run state however the actor ends, and tells its
  /// supervisor how it ended (task_actor.cpp).
  ~task_state();

  /// One logger for every task actor, not a handle each.
  static spdlog::logger* log();

  task_metrics* metrics() const { return rt->metrics ? &rt->metrics->tasks : nullptr; }
  /// The webhook id: whose Discord rate-limit bucket applies.
  std::string rate_key() const { return std::string(def->webhook_id()); }
  /// True while this node still holds the lease the task was armed under (or
  /// no cluster is in play). Past it, the partition's new owner decides about
  /// every fire: this actor neither runs nor records anything until its
  /// supervisor stops it.
  bool lease_holds() const {
    return rt->leases == nullptr ||
           rt->leases->holds(def->partition, def->epoch, rt->clock->monotonic_now());
  }
  /// DISCORD_API_BASE + the webhook's path + `?wait=true`, and
  /// `&thread_id=<id>` for a task that posts into a thread.
  std::string url() const {
    const std::string_view path = def->path();
    const std::string_view thread = def->thread_id();
    std::string out;
    out.reserve(rt->discord_api_base.size() + path.size() + 21 + thread.size());
    out.append(rt->discord_api_base).append(path).append("?wait=true");
    if (!thread.empty()) out.append("&thread_id=").append(thread);
    return out;
  }
  instant now() const { return rt->clock->now(); }
};

using task_ptr = task_actor_type::stateful_pointer<task_state>;

/// The steps the task actor sequences (task_run.cpp).
namespace task_steps {

attempt_row make_row(const task_state& s, instant scheduled_for, run_trigger trigger,
                     attempt_status status, std::string message);
task_progress progress_of(const task_state& s);
/// A SKIPPED row, counted.
void record_skip(task_ptr self, instant scheduled_for, run_trigger trigger, std::string why);
/// Writes next_run_at, unless a first attempt still has no row (a crash then
/// repeats that fire, or counts it as missed, at the next start).
void persist_next_run(task_ptr self);
/// Sets the timer for the next fire: `fire_lead` ahead of it, or with `exact`
/// at the instant itself.
void arm(task_ptr self, bool exact = false);
/// Takes back a first attempt the sink still holds; true when it never went out.
bool withdraw_held(task_ptr self);
/// While draining: quits once no attempt is out.
void finish_drain_if_idle(task_ptr self);
/// Hands the run's next attempt to the sink; with `not_before`, to be sent then.
void send_attempt(task_ptr self, std::optional<instant> not_before = std::nullopt);
/// Starts a run; a scheduled fire still ahead (`held`) is sent at its instant.
void start_run(task_ptr self, instant scheduled_for, run_trigger trigger, bool held = false);
/// The task is done for: FAILED in the database, no more fires, actor gone.
void fail_task(task_ptr self, const std::string& reason);
/// An attempt's outcome arrived from the sink.
void on_result(task_ptr self, delivery_result& r);
/// A run resumed at start that was waiting to retry.
void resume_retry(task_ptr self, instant now);
/// The retry timer of run `run_id` is due.
void on_retry(task_ptr self, std::uint64_t run_id);

}  // namespace task_steps

// -- counting ----------------------------------------------------------------

inline void count(counter task_metrics::*field, const task_state& s) {
  if (auto* m = s.metrics()) (m->*field).fetch_add(1, std::memory_order_relaxed);
}
inline void add(gauge task_metrics::*field, const task_state& s, std::int64_t delta) {
  if (auto* m = s.metrics()) (m->*field).fetch_add(delta, std::memory_order_relaxed);
}
inline void add(in_flight_count task_metrics::*field, const task_state& s, std::int64_t delta) {
  auto* m = s.metrics();
  if (m == nullptr) return;
  if (delta >= 0)
    (m->*field).fetch_add(delta, std::memory_order_relaxed);
  else
    (m->*field).fetch_sub(-delta, std::memory_order_release);  // may wake a drain
}

inline void count_fire(const task_state& s, run_trigger trigger) {
  switch (trigger) {
    case run_trigger::schedule: count(&task_metrics::fires_schedule, s); break;
    case run_trigger::manual: count(&task_metrics::fires_manual, s); break;
    case run_trigger::misfire: count(&task_metrics::fires_misfire, s); break;
  }
}

/// Counts an attempt's outcome by what it led to.
inline void count_attempt(const task_state& s, outcome_kind kind, lifecycle::next_step step) {
  switch (step) {
    case lifecycle::next_step::done: count(&task_metrics::attempts_success, s); return;
    case lifecycle::next_step::fail:
      count(kind == outcome_kind::permanent ? &task_metrics::attempts_permanent
                                            : &task_metrics::attempts_failed,
            s);
      return;
    case lifecycle::next_step::retry:
      count(kind == outcome_kind::rate_limited ? &task_metrics::attempts_rate_limited
                                               : &task_metrics::attempts_retry,
            s);
      return;
  }
}

}  // namespace taskhook
