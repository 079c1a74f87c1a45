#include "actors/task_actor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "actors/guarded.hpp"
#include "core/backoff.hpp"
#include "core/cron.hpp"
#include "core/task_lifecycle.hpp"
#include "core/webhook_url.hpp"
#include "core/zone.hpp"

namespace taskhook {
namespace {

using std::chrono::milliseconds;

/// An optional instant in 8 bytes (std::optional takes 16): every idle task
/// keeps three.
class packed_instant {
 public:
  packed_instant() = default;
  packed_instant(instant t) : ms_(t.time_since_epoch().count()) {}
  packed_instant(std::optional<instant> t) : ms_(t ? t->time_since_epoch().count() : none) {}
  explicit operator bool() const { return ms_ != none; }
  instant operator*() const { return instant{milliseconds{ms_}}; }
  operator std::optional<instant>() const {
    return ms_ == none ? std::nullopt : std::optional<instant>(**this);
  }
  bool operator==(const packed_instant&) const = default;
  void reset() { ms_ = none; }

 private:
  static constexpr std::int64_t none = std::numeric_limits<std::int64_t>::min();
  std::int64_t ms_ = none;
};

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
  /// supervisor how it ended (defined below, after `current`).
  ~task_state();

  /// One logger for every task actor, not a handle each.
  static spdlog::logger* log() {
    static auto l = spdlog::get("actors");
    return l.get();
  }

  task_metrics* metrics() const { return rt->metrics ? &rt->metrics->tasks : nullptr; }
  /// The webhook id: whose Discord rate-limit bucket applies.
  std::string rate_key() const { return std::string(def->webhook_id()); }
  /// DISCORD_API_BASE + the webhook's path + `?wait=true`.
  std::string url() const {
    const std::string_view path = def->path();
    std::string out;
    out.reserve(rt->discord_api_base.size() + path.size() + 10);
    out.append(rt->discord_api_base).append(path).append("?wait=true");
    return out;
  }
  instant now() const { return rt->clock->now(); }
};

using task_ptr = task_actor_type::stateful_pointer<task_state>;

/// The task actor whose message is being handled on this thread.
thread_local task_ptr current = nullptr;

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
  // reason. A drained actor was retired by its supervisor, which knows. This
  // report replaces an attached functor per actor (64 bytes each).
  if (draining || !rt || !rt->supervisor || current == nullptr || &current->state != this) return;
  if (auto sup = caf::actor_cast<supervisor_type>(rt->supervisor))
    caf::anon_send(sup, exited_atom::value, def, current->id(), current->fail_state());
}

void count(counter task_metrics::*field, const task_state& s) {
  if (auto* m = s.metrics()) (m->*field).fetch_add(1, std::memory_order_relaxed);
}
void add(gauge task_metrics::*field, const task_state& s, std::int64_t delta) {
  if (auto* m = s.metrics()) (m->*field).fetch_add(delta, std::memory_order_relaxed);
}
void add(in_flight_count task_metrics::*field, const task_state& s, std::int64_t delta) {
  auto* m = s.metrics();
  if (m == nullptr) return;
  if (delta >= 0)
    (m->*field).fetch_add(delta, std::memory_order_relaxed);
  else
    (m->*field).fetch_sub(-delta, std::memory_order_release);  // may wake a drain
}

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
void arm(task_ptr self, bool exact = false) {
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
void send_attempt(task_ptr self, std::optional<instant> not_before = std::nullopt) {
  auto& s = self->state;
  auto& run = *s.run;
  run.in_flight = true;
  run.held_ticket = not_before ? self->id() : 0;
  add(&task_metrics::in_flight, s, 1);
  delivery_request req;
  req.correlation = (std::uint64_t{s.run_seq} << 8) | static_cast<std::uint64_t>(run.attempt);
  req.url = s.url();
  req.rate_key = s.rate_key();
  req.body = shared_text(s.def, s.def->payload());  // shares the definition's copy
  req.not_before = not_before;
  req.ticket = run.held_ticket;
  req.on_done = [me = caf::actor_cast<task_actor_type>(self)](delivery_result&& r) {
    caf::anon_send(me, std::move(r));
  };
  s.rt->sink->submit(std::move(req));
}

void count_fire(const task_state& s, run_trigger trigger) {
  switch (trigger) {
    case run_trigger::schedule: count(&task_metrics::fires_schedule, s); break;
    case run_trigger::manual: count(&task_metrics::fires_manual, s); break;
    case run_trigger::misfire: count(&task_metrics::fires_misfire, s); break;
  }
}

/// Counts an attempt's outcome by what it led to.
void count_attempt(const task_state& s, outcome_kind kind, lifecycle::next_step step) {
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

/// Starts a run. A scheduled fire still ahead (`held`) is handed over now and
/// sent at its instant; it counts as fired once its first result is in.
void start_run(task_ptr self, instant scheduled_for, run_trigger trigger, bool held = false) {
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

void on_fire(task_ptr self, std::uint32_t generation) {
  auto& s = self->state;
  if (generation != s.generation || s.draining || !s.next_fire) return;
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

  if (r.stopping) {
    // The sender is stopping: no answer, so neither a row nor a failure. The
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

void on_retry(task_ptr self, std::uint64_t run_id) {
  auto& s = self->state;
  if (!s.run || s.run_seq != run_id || s.run->in_flight || s.draining) return;
  add(&task_metrics::retrying, s, -1);
  send_attempt(self);
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

expected<task_def> compile_task(const task_record& task) {
  // A change that just validated the schedule hands it over compiled.
  auto compiled = task.compiled_schedule ? expected<cron::schedule>(*task.compiled_schedule)
                                         : cron::parse(task.schedule);
  if (!compiled) return error{"schedule: " + compiled.error_message()};
  const date::time_zone* zone = find_zone(task.timezone);
  if (zone == nullptr) return error{"timezone: unknown zone \"" + task.timezone + "\""};
  auto target = parse_webhook_url(task.webhook_url);
  if (!target) return error{"webhookUrl: " + target.error_message()};
  const std::size_t id_at = target->path.find("/" + target->id + "/");
  if (id_at == std::string::npos || target->path.size() > 0xffff)
    return error{"webhookUrl: not a path this version can send to"};
  const std::string_view payload = task.payload ? std::string_view(*task.payload) : "";
  if (payload.size() > std::numeric_limits<std::uint32_t>::max())
    return error{"payload: larger than 4 GiB"};
  task_def def;
  def.id = task.id;
  def.tenant_id = task.tenant_id;
  def.revision = task.revision;
  def.max_retry = task.max_retry;
  def.id_at = static_cast<std::uint16_t>(id_at + 1);
  def.id_len = static_cast<std::uint16_t>(target->id.size());
  def.zone = zone;
  def.sched = cron::packed_schedule(*compiled);
  def.path_len = static_cast<std::uint16_t>(target->path.size());
  def.payload_len = static_cast<std::uint32_t>(payload.size());
  def.text = std::make_unique_for_overwrite<char[]>(def.path_len + payload.size());
  std::copy(target->path.begin(), target->path.end(), def.text.get());
  std::copy(payload.begin(), payload.end(), def.text.get() + def.path_len);
  return def;
}

task_actor_type spawn_task_actor(caf::local_actor* parent, std::shared_ptr<const task_runtime> rt,
                                 std::shared_ptr<const task_def> def, task_times times,
                                 start_mode mode) {
  return parent->spawn<task_actor>(std::move(rt), std::move(def), times, mode);
}

}  // namespace taskhook
