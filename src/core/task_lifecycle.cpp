#include "core/task_lifecycle.hpp"

#include "core/zone.hpp"

namespace taskhook::lifecycle {

using std::chrono::milliseconds;

void apply_create_defaults(task_input& in, bool has_timezone, bool has_max_retry,
                           bool has_status) {
  if (!has_timezone) in.timezone = std::string(task_defaults::timezone);
  if (!has_max_retry) in.max_retry = task_defaults::max_retry;
  if (!has_status) in.status = task_defaults::status;
}

std::optional<instant> first_fire(task_status status, const cron::schedule& s,
                                  const date::time_zone* zone, instant now) {
  if (status != task_status::active) return std::nullopt;
  return cron::next_fire_after(s, now, zone);
}

std::optional<instant> first_fire(const task_record& t, instant now) {
  if (t.status != task_status::active) return std::nullopt;
  const date::time_zone* zone = find_zone(t.timezone);
  if (t.compiled_schedule) return first_fire(t.status, *t.compiled_schedule, zone, now);
  auto parsed = cron::parse(t.schedule);
  if (!parsed) return std::nullopt;
  return first_fire(t.status, *parsed, zone, now);
}

task_record new_task(const task_input& in, const uuid& id, const uuid& tenant, instant now) {
  task_record t;
  t.id = id;
  t.tenant_id = tenant;
  t.name = in.name.value_or("");
  t.schedule = in.schedule.value_or("");
  t.timezone = in.timezone.value_or(std::string(task_defaults::timezone));
  t.webhook_url = in.webhook_url.value_or("");
  t.payload = std::make_shared<const std::string>(in.payload.value_or("{}"));
  t.thread_id = in.thread_id.value_or(std::nullopt);
  t.max_retry = in.max_retry.value_or(task_defaults::max_retry);
  t.status = in.status.value_or(task_defaults::status);
  t.compiled_schedule = in.compiled_schedule;
  t.next_run_at = first_fire(t, now);
  return t;
}

void apply_patch(task_record& t, const task_input& in, instant now) {
  bool reschedule = false;
  if (in.name) t.name = *in.name;
  if (in.schedule && *in.schedule != t.schedule) {
    t.schedule = *in.schedule;
    t.compiled_schedule = in.compiled_schedule;
    reschedule = true;
  }
  if (in.timezone && *in.timezone != t.timezone) {
    t.timezone = *in.timezone;
    reschedule = true;
  }
  if (in.webhook_url) t.webhook_url = *in.webhook_url;
  if (in.payload) t.payload = std::make_shared<const std::string>(*in.payload);
  if (in.thread_id) t.thread_id = *in.thread_id;  // null clears it
  if (in.max_retry) t.max_retry = *in.max_retry;
  if (in.status && *in.status != t.status) {
    t.status = *in.status;
    t.status_reason.reset();
    reschedule = true;
  }
  if (reschedule || t.status != task_status::active) t.next_run_at = first_fire(t, now);
}

void apply_toggle(task_record& t, instant now) {
  t.status = t.status == task_status::active ? task_status::inactive : task_status::active;
  t.status_reason.reset();
  t.next_run_at = first_fire(t, now);
}

catch_up_plan plan_catch_up(const cron::schedule& s, const date::time_zone* zone,
                            std::optional<instant> first_missed, instant now, milliseconds grace,
                            std::uint64_t count_cap) {
  catch_up_plan plan;
  if (!first_missed || *first_missed > now) {
    plan.next = first_missed ? first_missed : cron::next_fire_after(s, now, zone);
    return plan;
  }
  // Walk the missed fires, remembering the first, the last two and the count.
  std::uint64_t missed = 1;
  instant first = *first_missed;
  instant last = first;
  std::optional<instant> before_last;
  std::optional<instant> t = cron::next_fire_after(s, first, zone);
  while (t && *t <= now) {
    if (missed >= count_cap) {
      plan.skipped_capped = true;
      break;
    }
    before_last = last;
    last = *t;
    ++missed;
    t = cron::next_fire_after(s, *t, zone);
  }
  plan.next = plan.skipped_capped ? cron::next_fire_after(s, now, zone) : t;
  if (plan.skipped_capped) {
    // Counting stopped early: find the latest fire not after now directly, by
    // scanning only the grace window.
    std::optional<instant> probe = cron::next_fire_after(s, now - grace, zone);
    std::optional<instant> latest;
    while (probe && *probe <= now) {
      latest = probe;
      probe = cron::next_fire_after(s, *probe, zone);
    }
    plan.skipped = missed;
    plan.skipped_first = first;
    if (latest) {
      plan.run = latest;  // all counted fires are older than the one that runs
      plan.skipped_last = *latest - milliseconds(1);
    } else {
      plan.skipped_last = now;
    }
    return plan;
  }
  if (now - last < grace) {
    plan.run = last;
    plan.skipped = missed - 1;
    if (plan.skipped > 0) {
      plan.skipped_first = first;
      plan.skipped_last = *before_last;
    }
  } else {
    plan.skipped = missed;
    plan.skipped_first = first;
    plan.skipped_last = last;
  }
  return plan;
}

std::string missed_while_down_message(const catch_up_plan& p) {
  return std::string("skipped ") + (p.skipped_capped ? "at least " : "") +
         std::to_string(p.skipped) + " missed fire(s) from " + format_iso_ms(p.skipped_first) +
         " to " + format_iso_ms(p.skipped_last) + " while the service was down";
}

std::string fell_behind_message(const catch_up_plan& p) {
  return std::string("skipped ") + (p.skipped_capped ? "at least " : "") +
         std::to_string(p.skipped) + " fire(s) from " + format_iso_ms(p.skipped_first) + " to " +
         format_iso_ms(p.skipped_last) + ": the scheduler was behind";
}

std::string overlap_message(instant run_scheduled_for, int run_attempt) {
  return "skipped: the run scheduled for " + format_iso_ms(run_scheduled_for) +
         (run_attempt > 0 ? " is still retrying" : " is still in progress");
}

attempt_verdict decide_after_attempt(const outcome& oc, int attempt, int max_retry,
                                     const retry_policy& policy, jitter_rng& rng) {
  attempt_verdict v;
  switch (oc.kind) {
    case outcome_kind::success:
      v.row_status = attempt_status::success;
      v.step = next_step::done;
      return v;
    case outcome_kind::permanent:
      v.row_status = attempt_status::failed;
      v.step = next_step::fail;
      v.fail_reason = oc.message;
      return v;
    case outcome_kind::retry:
    case outcome_kind::rate_limited:
      break;
  }
  if (attempt >= max_retry) {
    v.row_status = attempt_status::failed;
    v.step = next_step::fail;
    v.fail_reason = "retries exhausted (" + std::to_string(max_retry) + "): " + oc.message;
    return v;
  }
  v.row_status = attempt_status::retrying;
  v.step = next_step::retry;
  // The jitter is drawn only for a backoff, as before: a 429's wait draws none.
  v.retry_in = (oc.kind == outcome_kind::rate_limited && oc.retry_after)
                   ? *oc.retry_after
                   : retry_delay(attempt + 1, policy.base, policy.cap, rng);
  return v;
}

resumed_retry_plan plan_resumed_retry(instant due, instant now, milliseconds grace) {
  const milliseconds late = std::chrono::duration_cast<milliseconds>(now - due);
  if (late > grace) return {resumed_retry_step::skip, milliseconds{0}};
  if (late >= milliseconds{0}) return {resumed_retry_step::send_now, milliseconds{0}};
  return {resumed_retry_step::wait, -late};
}

std::string resumed_retry_skip_message(const owed_retry& r) {
  return "skipped: retry " + std::to_string(r.retry_count) + " of the run scheduled for " +
         format_iso_ms(r.scheduled_for) + " was due at " + format_iso_ms(r.due) +
         " while the service was down";
}

std::string manual_run_cut_message() {
  return "not confirmed: the service stopped before an answer came, so this manual "
         "run may not have been delivered; run it again if it is needed";
}

}  // namespace taskhook::lifecycle
