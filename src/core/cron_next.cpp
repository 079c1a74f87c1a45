// Next fire time of a compiled schedule: a field-by-field jump over a civil timeline
// (UTC, or local wall-clock time), plus the daylight-saving rules of ARCHITECTURE.md
// ("Time zones") for zoned schedules. Parsing is in cron_parse.cpp.

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>

#include <date/tz.h>

#include "core/civil.hpp"
#include "core/cron.hpp"
#include "core/zone_info.hpp"

namespace taskhook::cron {
namespace {

using i64 = std::int64_t;
using civil::civil_from_days;
using civil::days_from_civil;
using civil::days_in_month;
using civil::floor_div;
using civil::weekday_from_days;
constexpr i64 seconds_per_day = 86'400;

/// How far ahead the jump searches. The Gregorian calendar repeats every 400 years
/// (146097 days is a whole number of weeks), so a schedule that does not fire within
/// 400 years never fires.
constexpr i64 search_years = 401;

/// The last second whose millisecond count still fits an `instant`.
constexpr i64 max_second = std::numeric_limits<i64>::max() / 1000 - 1;

/// The schedule's fields as plain integers, so that "the next selected value at or
/// after x" is a shift and a count of trailing zeros.
struct field_masks {
  explicit field_masks(const schedule& s)
      : seconds(s.seconds.to_ullong()),
        minutes(s.minutes.to_ullong()),
        hours(s.hours.to_ullong()),
        days_of_month(s.days_of_month.to_ullong() & ~std::uint64_t{1}),
        months(s.months.to_ullong() & ~std::uint64_t{1}),
        days_of_week(s.days_of_week.to_ullong()),
        either_day(s.dom_restricted && s.dow_restricted) {}

  bool can_match() const noexcept {
    return seconds && minutes && hours && months && (days_of_month || days_of_week);
  }

  std::uint64_t seconds;
  std::uint64_t minutes;
  std::uint64_t hours;
  std::uint64_t days_of_month;
  std::uint64_t months;
  std::uint64_t days_of_week;
  bool either_day;  ///< both day fields restricted: Vixie cron's "either matches"
};

/// The smallest set bit of `mask` at or above `from`, or 64 when there is none.
constexpr int next_bit(std::uint64_t mask, int from) noexcept {
  if (from >= 64) return 64;
  return std::countr_zero(mask >> from << from);
}

/// Bit d set = day d of month m of year y is a matching day.
std::uint64_t matching_days(const field_masks& f, i64 y, unsigned m) noexcept {
  const unsigned length = days_in_month(y, m);
  const std::uint64_t in_month = (std::uint64_t{1} << (length + 1)) - 2;
  const unsigned first_weekday = weekday_from_days(days_from_civil(y, m, 1));
  // Rotate the weekday set so bit i is the weekday of day i + 1, then repeat it
  // over five weeks: a whole month's day-of-week matches with no loop.
  const std::uint64_t week =
      ((f.days_of_week >> first_weekday) | (f.days_of_week << (7 - first_weekday))) & 0x7f;
  const std::uint64_t by_weekday =
      (week | week << 7 | week << 14 | week << 21 | week << 28) << 1;
  const std::uint64_t days = f.either_day ? (f.days_of_month | by_weekday)
                                          : (f.days_of_month & by_weekday);
  return days & in_month;
}

/// The first second of the day at or after h:mi:s whose time fields match, as seconds
/// since midnight.
std::optional<int> next_time_of_day(const field_masks& f, int h, int mi, int s) noexcept {
  while (true) {
    const int nh = next_bit(f.hours, h);
    if (nh >= 24) return std::nullopt;
    if (nh != h) {
      h = nh;
      mi = s = 0;
    }
    while (true) {
      const int nmi = next_bit(f.minutes, mi);
      if (nmi >= 60) break;
      if (nmi != mi) {
        mi = nmi;
        s = 0;
      }
      const int ns = next_bit(f.seconds, s);
      if (ns < 60) return h * 3600 + mi * 60 + ns;
      ++mi;
      s = 0;
    }
    ++h;
    mi = s = 0;
  }
}

/// The first second at or after `t` whose fields all match, where `t` counts seconds
/// on a civil timeline (UTC, or a local wall clock read as if it were UTC).
std::optional<i64> next_match_at_or_after(const field_masks& f, i64 t) noexcept {
  if (!f.can_match()) return std::nullopt;
  const i64 day_number = floor_div(t, seconds_per_day);
  const auto second_of_day = static_cast<int>(t - day_number * seconds_per_day);
  const civil::date_parts start = civil_from_days(day_number);
  i64 y = start.year;
  unsigned m = start.month;
  int d = static_cast<int>(start.day);
  int h = second_of_day / 3600;
  int mi = second_of_day / 60 % 60;
  int s = second_of_day % 60;
  const i64 last_year = y + search_years;

  while (y <= last_year) {
    if (!(f.months >> m & 1)) {
      const int nm = next_bit(f.months, static_cast<int>(m));
      if (nm > 12) {
        ++y;
        m = 1;
      } else {
        m = static_cast<unsigned>(nm);
      }
      d = 1;
      h = mi = s = 0;
      continue;
    }
    const std::uint64_t days = matching_days(f, y, m);
    while (true) {
      const int nd = next_bit(days, d);
      if (nd >= 32) break;
      if (nd != d) {
        d = nd;
        h = mi = s = 0;
      }
      if (auto tod = next_time_of_day(f, h, mi, s))
        return days_from_civil(y, m, static_cast<unsigned>(d)) * seconds_per_day + *tod;
      ++d;
      h = mi = s = 0;
    }
    d = 1;
    h = mi = s = 0;
    if (++m > 12) {
      m = 1;
      ++y;
    }
  }
  return std::nullopt;
}

std::optional<instant> to_instant(std::optional<i64> seconds) noexcept {
  if (!seconds || *seconds > max_second) return std::nullopt;
  return instant{std::chrono::seconds{*seconds}};
}

i64 epoch_seconds(date::sys_seconds t) noexcept { return t.time_since_epoch().count(); }

/// Real-time schedules: an instant fires when its own wall-clock reading matches. Within
/// one offset interval of the zone the wall clock is UTC shifted by a constant, so jump
/// there; a match beyond the interval's end belongs to the next interval, re-checked
/// with that interval's offset (which is what skips a vanished hour and repeats a
/// doubled one).
std::optional<i64> next_real_time(const field_masks& f, i64 t, const date::time_zone& zone) {
  while (true) {
    const date::sys_info info = zone_info(zone, date::sys_seconds{std::chrono::seconds{t}});
    const i64 offset = info.offset.count();
    const auto local = next_match_at_or_after(f, t + offset);
    if (!local) return std::nullopt;
    const i64 candidate = *local - offset;
    if (candidate < epoch_seconds(info.end)) return candidate;
    if (epoch_seconds(info.end) <= t) return std::nullopt;  // the last interval: nothing left
    t = epoch_seconds(info.end);
  }
}

/// Fixed-time schedules fire once per matching local date and time: a repeated time at
/// its first occurrence, a skipped time at the first instant after the gap. That map
/// from local time to instant never decreases, so the answer is the first matching
/// local time whose instant is not before `t`.
std::optional<i64> next_fixed_time(const field_masks& f, i64 t, const date::time_zone& zone) {
  const date::sys_info info = zone_info(zone, date::sys_seconds{std::chrono::seconds{t}});
  i64 local = t + info.offset.count();
  if (epoch_seconds(info.begin) == t) {
    // `t` is the first instant after a transition. If that closed a gap, the skipped
    // local times map to `t` itself, so the search starts at the gap's beginning.
    const date::sys_info before =
        zone_info(zone, date::sys_seconds{std::chrono::seconds{t - 1}});
    if (before.offset < info.offset) local = t + before.offset.count();
  }
  while (true) {
    const auto match = next_match_at_or_after(f, local);
    if (!match) return std::nullopt;
    // Usually the match lies well inside t's own offset interval: it exists there, and
    // the only earlier reading of the same wall time would be in the previous interval,
    // less than a day back (date/tz assumes the same). That skips a local lookup.
    const i64 same_offset = *match - info.offset.count();
    if (same_offset >= epoch_seconds(info.begin) + seconds_per_day && same_offset < epoch_seconds(info.end))
      return same_offset;
    const date::local_info li =
        zone_info(zone, date::local_seconds{std::chrono::seconds{*match}});
    i64 fire = 0;
    switch (li.result) {
      case date::local_info::unique:
      case date::local_info::ambiguous:  // `first` is the earlier occurrence
        fire = *match - li.first.offset.count();
        break;
      case date::local_info::nonexistent:
        fire = epoch_seconds(li.second.begin);
        break;
    }
    if (fire >= t) return fire;
    // Only a repeated time whose first occurrence is already past gets here (`t` lies
    // in the second occurrence); skip the rest of the repeated stretch in one step.
    local = li.result == date::local_info::ambiguous
                ? std::max(*match + 1, epoch_seconds(li.first.end) + li.first.offset.count())
                : *match + 1;
  }
}

}  // namespace

std::optional<instant> next_fire_after(const schedule& s, instant after,
                                       const date::time_zone* zone) {
  const field_masks f(s);
  const i64 t = std::chrono::floor<std::chrono::seconds>(after).time_since_epoch().count() + 1;
  if (zone == nullptr) return to_instant(next_match_at_or_after(f, t));
  try {
    return to_instant(s.follows_real_time ? next_real_time(f, t, *zone)
                                          : next_fixed_time(f, t, *zone));
  } catch (...) {
    // date/tz loads a zone's rules lazily and reports I/O trouble by throwing; core
    // code does not throw, and "no fire" is the honest answer without the rules.
    return std::nullopt;
  }
}

}  // namespace taskhook::cron
