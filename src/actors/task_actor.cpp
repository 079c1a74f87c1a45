#include "actors/task_actor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "actors/guarded.hpp"
#include "actors/task_state.hpp"
#include "core/backoff.hpp"
#include "core/cron.hpp"
#include "core/task_lifecycle.hpp"
#include "core/webhook_url.hpp"
#include "core/zone.hpp"

namespace taskhook {
namespace {

using std::chrono::milliseconds;
using namespace task_steps;

/// The task actor whose message is being handled on this thread.
thread_local task_ptr current = nullptr;

}  // namespace

spdlog::logger* task_state::log() {
  static auto l = spdlog::get("actors");
  return l.get();
}

task_state::~task_state() {
  // Runs however the actor ends (drained, failed, crashed or killed): a fire
  // it prepared must not go out after it, e.g. beside its replacement's.
  if (run && run->in_flight) {
    if (run->held_ticket != 0) rt->sink->cancel(rate_key(), run->held_ticket);
    if (auto* m = metrics()) m->in_flight.fetch_sub(1, std::memory_order_release);
  }
  if (rt && rt->timer) rt->timer->cancel(timer);  // it holds this actor only weakly
  if (auto* m = metrics()) m->actors.fetch_sub(1, std::memory_order_relaxed);
  // CAF destroys the state when the actor ends inside resume() (its message
  // handling or initialization): quit, an exception, an exit message, `kill`
  // included. That is where `current` is this actor and its fail_state the
  // reason. A drained actor reports too: a supervisor that stopped a
  // partition's actors answers once the last of them has ended (a retired
  // one's report is otherwise ignored). This report replaces an attached
  // functor per actor (64 bytes each).
  if (!rt || !rt->supervisor || current == nullptr || &current->state != this) return;
  if (auto sup = caf::actor_cast<supervisor_type>(rt->supervisor))
    caf::anon_send(sup, exited_atom::value, def, current->id(), current->fail_state());
}

namespace {
void on_fire(task_ptr self, std::uint32_t generation) {
  auto& s = self->state;
  if (generation != s.generation || s.draining || !s.next_fire) return;
  // A node stalled past its lease (or cut off from the database) wakes here
  // with fires long due: they are another node's now, delivered or skipped
  // there, so recording them here as skipped would be false.
  if (!s.lease_holds()) return;
  const instant now = s.now();
  const instant fire_time = *s.next_fire;
  if (now < fire_time) {
    if (now < fire_time - s.rt->fire_lead) {  // early (wall clock stepped back): wait the rest
      arm(self);
    } else if (s.run) {
      // Busy: whether this fire runs or is skipped is decided at its instant.
      arm(self, true);
    } else {
      // Prepared ahead: the sink sends it at fire_time.
      start_run(self, fire_time, run_trigger::schedule, true);
      s.next_fire = cron::next_fire_after(s.def->sched.unpack(), fire_time, s.def->zone);
      persist_next_run(self);
      arm(self);
    }
    return;
  }
  // Fires that passed while this actor could not keep up are skipped, visibly.
  const auto behind = lifecycle::plan_catch_up(
      s.def->sched.unpack(), s.def->zone,
      cron::next_fire_after(s.def->sched.unpack(), fire_time, s.def->zone), now, milliseconds{0});
  s.next_fire = behind.next;

  if (s.run) {
    record_skip(self, fire_time, run_trigger::schedule,
                lifecycle::overlap_message(s.run->scheduled_for, s.run->attempt));
  } else {
    start_run(self, fire_time, run_trigger::schedule);
  }
  if (behind.skipped > 0)
    record_skip(self, behind.skipped_first, run_trigger::schedule,
                lifecycle::fell_behind_message(behind));
  persist_next_run(self);
  arm(self);
}

void start(task_ptr self, start_mode mode) {
  auto& s = self->state;
  const instant now = s.now();
  if (s.run) resume_retry(self, now);  // only a resumed run is here this early
  if (mode == start_mode::resume) {
    const auto plan = lifecycle::plan_catch_up(s.def->sched.unpack(), s.def->zone, s.persisted_next,
                                               now, s.rt->misfire_grace);
    if (plan.skipped > 0)
      record_skip(self, plan.skipped_first, run_trigger::misfire,
                  lifecycle::missed_while_down_message(plan));
    s.next_fire = plan.next;
    if (plan.run && s.run)
      record_skip(self, *plan.run, run_trigger::misfire,
                  lifecycle::overlap_message(s.run->scheduled_for, s.run->attempt));
    else if (plan.run)
      start_run(self, *plan.run, run_trigger::misfire);
  } else {
    s.next_fire = cron::next_fire_after(s.def->sched.unpack(), now, s.def->zone);
    // Started without a run: whatever the row still owes (a crashed
    // predecessor's retry) is not going to happen. API changes cleared it already.
    auto p = progress_of(s);
    p.set_retry = true;
    self->send(s.rt->db, std::move(p));
  }
  persist_next_run(self);
  arm(self);
}

caf::result<instant> on_run_now(task_ptr self, const uuid& tenant) {
  auto& s = self->state;
  if (s.def->tenant_id != tenant) return make_error(actor_error::no_such_task);
  if (s.draining) return make_error(actor_error::draining);
  const instant now = s.now();
  // A scheduled fire handed over ahead but not yet due has not started:
  // take it back and decide it at its instant, as without the lead.
  std::optional<instant> put_back;
  if (s.run && s.run->held_ticket != 0 && now < s.run->scheduled_for) {
    const instant due = s.run->scheduled_for;
    if (withdraw_held(self)) {
      --s.runs;
      s.next_fire = due;
      put_back = due;
    }
  }
  if (s.run)
    record_skip(self, now, run_trigger::manual,
                lifecycle::overlap_message(s.run->scheduled_for, /*run_attempt=*/0));
  else
    start_run(self, now, run_trigger::manual);
  if (put_back) {
    persist_next_run(self);
    arm(self, true);
  }
  return now;
}

task_snapshot on_get(task_ptr self) {
  auto& s = self->state;
  task_snapshot snap;
  snap.next_run_at = s.next_fire;
  snap.last_run_at = s.last_run;
  snap.in_flight = s.run && s.run->in_flight;
  if (s.run) {
    snap.attempt = s.run->attempt;
    snap.run_scheduled_for = s.run->scheduled_for;
  }
  snap.runs = s.runs;
  return snap;
}

void on_drain(task_ptr self) {
  auto& s = self->state;
  s.draining = true;
  ++s.generation;
  s.rt->timer->cancel(s.timer);
  finish_drain_if_idle(self);
}

/// One behavior for every task actor: its handlers find their actor in
/// `current` instead of capturing it, so a million actors share one set of
/// handlers (CAF allocates a behavior per actor otherwise: 144 B each).
const task_actor_type::behavior_type& shared_behavior() {
  static const task_actor_type::behavior_type b{
      [](fire_atom, std::uint32_t generation) { on_fire(current, generation); },
      [](retry_atom, std::uint64_t run_id) { on_retry(current, run_id); },
      [](delivery_result& r) { on_result(current, r); },
      [](run_now_atom, const uuid& tenant) { return on_run_now(current, tenant); },
      [](get_atom) { return on_get(current); },
      [](drain_atom) { on_drain(current); },
  };
  return b;
}

using task_actor_base = task_actor_type::stateful_base<task_state>;

/// An exception out of a handler ends the actor with the exception's message
/// as the reason, which its supervisor logs (CAF's default prints to stdout and
/// keeps only "runtime_error").
caf::error on_exception(caf::scheduled_actor*, std::exception_ptr& x) {
  return caf::make_error(caf::sec::runtime_error, exception_message(x));
}

class task_actor final : public task_actor_base {
 public:
  task_actor(caf::actor_config& cfg, std::shared_ptr<const task_runtime> rt,
             std::shared_ptr<const task_def> def, task_times times, start_mode mode)
      : task_actor_base(cfg) {
    state.rt = std::move(rt);
    state.def = std::move(def);
    state.persisted_next = times.next_run_at;
    state.last_run = times.last_run_at;
    state.mode = mode;
    if (mode == start_mode::resume && times.retry) {
      const owed_retry& o = *times.retry;
      state.run = std::make_unique<run_state>(
          run_state{o.scheduled_for, o.trigger, o.retry_count, false, 0, o.due});
    }
    set_exception_handler(exception_handler{&on_exception});
  }

  /// Every handler of this actor runs inside resume: it is `current` there.
  resume_result resume(caf::execution_unit* ctx, std::size_t max) override {
    task_ptr outer = std::exchange(current, this);
    auto result = task_actor_base::resume(ctx, max);
    current = outer;
    return result;
  }

  behavior_type make_behavior() override {
    auto& s = state;
    s.rng = jitter_rng(s.rt->seed ^ std::hash<uuid>{}(s.def->id));
    add(&task_metrics::actors, s, 1);
    start(this, s.mode);
    if (auto* m = s.metrics()) m->initialized.fetch_add(1, std::memory_order_relaxed);
    return shared_behavior();
  }
};

}  // namespace

task_actor_type spawn_task_actor(caf::local_actor* parent, std::shared_ptr<const task_runtime> rt,
                                 std::shared_ptr<const task_def> def, task_times times,
                                 start_mode mode) {
  return parent->spawn<task_actor>(std::move(rt), std::move(def), times, mode);
}

}  // namespace taskhook
