#include "core/misfire.hpp"

namespace taskhook {

misfire_plan plan_misfire(const cron::schedule& s, const date::time_zone* zone,
                          std::optional<instant> next_run_at, instant now,
                          std::chrono::seconds grace, std::uint64_t count_cap) {
  misfire_plan plan;
  if (!next_run_at || *next_run_at > now) {
    plan.next = next_run_at ? next_run_at : cron::next_fire_after(s, now, zone);
    return plan;
  }
  // Walk the missed fires, remembering the first, the last two and the count.
  std::uint64_t missed = 1;
  instant first = *next_run_at;
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
    if (latest) {
      plan.run = latest;
      plan.skipped = missed;  // all counted fires are older than the one that runs
      plan.skipped_first = first;
      plan.skipped_last = *latest - std::chrono::milliseconds(1);
      return plan;
    }
    plan.skipped = missed;
    plan.skipped_first = first;
    plan.skipped_last = now;
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

}  // namespace taskhook
