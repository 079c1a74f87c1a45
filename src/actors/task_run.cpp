// The steps of a task's run: handing attempts to the sink, what their outcomes
// lead to (lifecycle::decide_after_attempt), retries, and failing the task.
// task_actor.cpp sequences fires and requests around them.
#include <spdlog/spdlog.h>

#include "actors/task_state.hpp"

namespace taskhook::task_steps {

using std::chrono::milliseconds;

attempt_row make_row(const task_state& s, instant scheduled_for, run_trigger trigger,
                     attempt_status status, std::string message) {
  attempt_row row;
  row.task_id = s.def->id;
  row.tenant_id = s.def->tenant_id;
  row.scheduled_for = scheduled_for;
  row.execution_time = s.now();
  row.status = status;
  row.trigger = trigger;
  row.message = std::move(message);
  return row;
}

task_progress progress_of(const task_state& s) {
  task_progress p;
  p.task_id = s.def->id;
  p.revision = s.def->revision;
  p.epoch = s.def->epoch;
  p.partition = s.def->partition;
  return p;
}

void record_skip(task_ptr self, instant scheduled_for, run_trigger trigger, std::string why) {
  auto& s = self->state;
  count(&task_metrics::skipped, s);
  self->send(s.rt->db, make_row(s, scheduled_for, trigger, attempt_status::skipped, std::move(why)));
}

/// Writes next_run_at. While a run's first attempt has no row yet, the old
/// value stays: a crash then repeats that fire (or counts it as missed) at the
/// next start, instead of losing it without a trace.
void persist_next_run(task_ptr self) {
  auto& s = self->state;
  if (s.run && s.run->attempt == 0 && s.run->in_flight && s.run->trigger != run_trigger::manual)
    return;
  if (s.persisted_next == s.next_fire) return;
  s.persisted_next = s.next_fire;
  auto p = progress_of(s);
  p.set_next_run = true;
  p.next_run_at = s.next_fire;
  self->send(s.rt->db, std::move(p));
}

/// Sets the timer for the next fire: `fire_lead` ahead of it, or with `exact`
/// at the instant itself.
void arm(task_ptr self, bool exact) {
  auto& s = self->state;
  if (!s.next_fire || s.draining) return;
  auto at = *s.next_fire - (exact ? milliseconds{0} : s.rt->fire_lead);
  s.timer = s.rt->timer->arm(s.timer, at, self->ctrl(), s.generation);
}

/// Takes back a first attempt the sink still holds. True: it never went out,
/// and the run is over as if it had not started.
bool withdraw_held(task_ptr self) {
  auto& s = self->state;
  if (!s.run || !s.run->in_flight || s.run->held_ticket == 0) return false;
  if (!s.rt->sink->cancel(s.rate_key(), s.run->held_ticket)) return false;
  add(&task_metrics::in_flight, s, -1);
  s.run.reset();
  return true;
}

void finish_drain_if_idle(task_ptr self) {
  auto& s = self->state;
  if (!s.draining) return;
  // Stopping firing includes a fire prepared but not yet due.
  withdraw_held(self);
  if (s.run && s.run->in_flight) return;
  if (s.run) {  // waiting to retry: that retry will not happen now
    add(&task_metrics::retrying, s, -1);
    s.run.reset();
  }
  self->quit();
}

/// Hands the run's next attempt to the sink; with `not_before`, to be sent then.
void send_attempt(task_ptr self, std::optional<instant> not_before) {
  auto& s = self->state;
  auto& run = *s.run;
  run.in_flight = true;
  run.held_ticket = not_before ? self->id() : 0;
  add(&task_metrics::in_flight, s, 1);
  delivery_request req;
  req.correlation = (std::uint64_t{s.run_seq} << 8) | static_cast<std::uint64_t>(run.attempt);
  req.url = s.url();
  req.rate_key = s.rate_key();
  // The stored payload, shared; or, when it holds placeholders, this attempt's own.
  req.body = attempt_body(s.def, run.scheduled_for, run.attempt, run.trigger);
  req.not_before = not_before;
  req.ticket = run.held_ticket;
  req.identity = delivery_identity{s.def->id, run.scheduled_for, run.attempt, run.trigger};
  if (s.rt->leases != nullptr) req.fence = {s.rt->leases, s.def->partition, s.def->epoch};
  req.on_done = [me = caf::actor_cast<task_actor_type>(self)](delivery_result&& r) {
    caf::anon_send(me, std::move(r));
  };
  s.rt->sink->submit(std::move(req));
}

/// Starts a run. A scheduled fire still ahead (`held`) is handed over now and
/// sent at its instant; it counts as fired once its first result is in.
void start_run(task_ptr self, instant scheduled_for, run_trigger trigger, bool held) {
  auto& s = self->state;
  ++s.run_seq;
  s.run = std::make_unique<run_state>(run_state{scheduled_for, trigger, 0, false, 0});
  ++s.runs;
  if (!held) count_fire(s, trigger);
  send_attempt(self, held ? std::optional<instant>(scheduled_for) : std::nullopt);
}

/// The task is done for: FAILED in the database, no more fires, actor gone.
void fail_task(task_ptr self, const std::string& reason) {
  auto& s = self->state;
  ++s.generation;
  s.rt->timer->cancel(s.timer);
  s.next_fire.reset();
  s.run.reset();
  auto p = progress_of(s);
  p.set_next_run = true;
  p.next_run_at = std::nullopt;
  p.status = task_status::failed;
  p.status_reason = reason;
  p.set_retry = true;  // the run is over: nothing is owed
  self->send(s.rt->db, std::move(p));
  if (auto* log = task_state::log()) log->info("task={} failed: {}", s.def->id.str(), reason);
  self->quit();
}

void on_result(task_ptr self, delivery_result& r) {
  auto& s = self->state;
  if (!s.run || !s.run->in_flight ||
      r.correlation != ((std::uint64_t{s.run_seq} << 8) | static_cast<std::uint64_t>(s.run->attempt)))
    return;  // a result for a run this actor has already given up on
  auto& run = *s.run;
  run.in_flight = false;
  if (run.held_ticket != 0) {
    run.held_ticket = 0;
    count_fire(s, run.trigger);
  }
  // Lowered on the way out, after this attempt's row has been sent: a drain
  // that sees the gauge at zero knows every such row is already queued.
  struct in_flight_done {
    task_state& s;
    ~in_flight_done() {
      if (auto* m = s.metrics()) m->in_flight.fetch_sub(1, std::memory_order_release);
    }
  } done{s};

  if (r.fenced)
    if (auto* m = s.rt->metrics) m->cluster.sends_refused.fetch_add(1, std::memory_order_relaxed);
  if (r.stopping) {
    // The sender is stopping (or refused the send: this node's lease on the
    // task's partition no longer holds): no answer, so neither a row nor a failure. The
    // database still has the run to redo at the next start (next_run_at held
    // back for a first attempt, the owed retry for a later one).
    // Except a manual run's first attempt: nothing holds it, so the run its 202
    // promised would vanish without a trace. Its row says what became of it.
    if (run.trigger == run_trigger::manual && run.attempt == 0)
      record_skip(self, run.scheduled_for, run.trigger, lifecycle::manual_run_cut_message());
    s.run.reset();
    finish_drain_if_idle(self);
    return;
  }

  if (auto* m = s.metrics()) {
    m->delivery_seconds.observe(std::chrono::duration<double>(r.duration).count());
    if (run.attempt == 0 && run.trigger == run_trigger::schedule)
      m->fire_lateness.observe(
          std::chrono::duration<double>(r.started - r.paced_for - run.scheduled_for).count());
    if (r.paced_for.count() > 0) m->rate_limit_waits.fetch_add(1, std::memory_order_relaxed);
  }
  const outcome oc = outcome_of(r);
  const auto verdict = lifecycle::decide_after_attempt(
      oc, run.attempt, s.def->max_retry, {s.rt->retry_base, s.rt->retry_max}, s.rng);
  attempt_row row = make_row(s, run.scheduled_for, run.trigger, verdict.row_status, oc.message);
  row.execution_time = r.started;
  row.retry_count = run.attempt;
  if (r.http_status > 0) row.http_status = r.http_status;
  row.duration_ms = static_cast<int>(r.duration.count());

  auto last_run = progress_of(s);
  last_run.last_run_at = r.started;
  s.last_run = r.started;
  // This attempt's row goes out below, in the same batch as the progress:
  // from here on next_run_at may move past the run's scheduled time.
  last_run.set_next_run = s.persisted_next != s.next_fire;
  last_run.next_run_at = s.next_fire;
  s.persisted_next = s.next_fire;
  count_attempt(s, oc.kind, verdict.step);

  switch (verdict.step) {
    case lifecycle::next_step::done:
      last_run.set_retry = run.attempt > 0;  // the owed retry is paid
      self->send(s.rt->db, std::move(row));
      self->send(s.rt->db, std::move(last_run));
      s.run.reset();
      finish_drain_if_idle(self);
      return;
    case lifecycle::next_step::fail:
      self->send(s.rt->db, std::move(row));
      self->send(s.rt->db, std::move(last_run));
      fail_task(self, verdict.fail_reason);
      return;
    case lifecycle::next_step::retry:
      break;
  }
  ++run.attempt;
  // Kept with the row that promises it: a stop or a crash before it goes out
  // resumes it at the next start.
  last_run.set_retry = true;
  last_run.retry = owed_retry{s.now() + verdict.retry_in, run.attempt, run.scheduled_for, run.trigger};
  self->send(s.rt->db, std::move(row));
  self->send(s.rt->db, std::move(last_run));
  add(&task_metrics::retrying, s, 1);
  if (s.draining) {
    finish_drain_if_idle(self);
    return;
  }
  self->delayed_send(self, verdict.retry_in, retry_atom::value, std::uint64_t{s.run_seq});
}

/// A run that was waiting to retry when the process stopped: its owed attempt
/// goes out when due (at once if that has passed), unless it fell due longer
/// ago than the misfire grace, which drops it with a SKIPPED row.
void resume_retry(task_ptr self, instant now) {
  auto& s = self->state;
  auto& run = *s.run;
  ++s.run_seq;
  const auto plan = lifecycle::plan_resumed_retry(run.resumed_due, now, s.rt->misfire_grace);
  switch (plan.step) {
    case lifecycle::resumed_retry_step::skip: {
      record_skip(self, run.scheduled_for, run.trigger,
                  lifecycle::resumed_retry_skip_message(
                      owed_retry{run.resumed_due, run.attempt, run.scheduled_for, run.trigger}));
      s.run.reset();
      auto p = progress_of(s);
      p.set_retry = true;
      self->send(s.rt->db, std::move(p));
      return;
    }
    case lifecycle::resumed_retry_step::send_now:
      send_attempt(self);
      return;
    case lifecycle::resumed_retry_step::wait:
      add(&task_metrics::retrying, s, 1);
      self->delayed_send(self, plan.wait_for, retry_atom::value, std::uint64_t{s.run_seq});
      return;
  }
}

void on_retry(task_ptr self, std::uint64_t run_id) {
  auto& s = self->state;
  if (!s.run || s.run_seq != run_id || s.run->in_flight || s.draining) return;
  add(&task_metrics::retrying, s, -1);
  send_attempt(self);
}

}  // namespace taskhook::task_steps
