#pragma once
/// An independent answer to "does this second match the schedule?", written
/// with date's calendar types rather than the engine's own arithmetic. Shared
/// by the brute-force reference test and the fuzzer.

#include <date/date.h>

#include <chrono>

#include "core/cron.hpp"

namespace taskhook::test {

/// Whether the wall-clock second `t` matches the schedule's fields and day rule.
inline bool cron_matches(const cron::schedule& s, date::sys_seconds t) {
  using std::chrono::seconds;
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<seconds> tod{t - day};
  if (!s.seconds[static_cast<std::size_t>(tod.seconds().count())] ||
      !s.minutes[static_cast<std::size_t>(tod.minutes().count())] ||
      !s.hours[static_cast<std::size_t>(tod.hours().count())] ||
      !s.months[static_cast<unsigned>(ymd.month())])
    return false;
  const bool dom = s.days_of_month[static_cast<unsigned>(ymd.day())];
  const bool dow = s.days_of_week[date::weekday{day}.c_encoding()];
  return (s.dom_restricted && s.dow_restricted) ? (dom || dow) : (dom && dow);
}

}  // namespace taskhook::test
