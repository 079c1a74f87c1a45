#pragma once
/// What a time zone says of an instant or a wall-clock time, also past the last
/// transition the OS tzdata lists.
///
/// date/tz reads a zone's listed transitions and ignores the POSIX TZ rule at the
/// end of its TZif file, which says how the zone goes on. Debian's tzdata lists
/// transitions up to 2037, so without the rule every later summer would keep
/// standard time: a 12:00 New York task would fire at 17:00Z in July 2038
/// instead of 16:00Z. These functions answer from the listed transitions, and
/// from the rule once those run out.

#include <optional>

#include <date/tz.h>

namespace taskhook {

/// The offset interval holding instant `t`.
date::sys_info zone_info(const date::time_zone& zone, date::sys_seconds t);

/// Which instants the wall-clock time `t` names: one, two (a repeated hour) or
/// none (a skipped hour).
date::local_info zone_info(const date::time_zone& zone, date::local_seconds t);

/// The zone's rule for the time after its listed transitions, applied to `t`,
/// whatever year `t` is in; nullopt when the zone has no rule with daylight
/// saving (it keeps its last offset) or its file cannot be read. For tests.
std::optional<date::sys_info> rule_info(const date::time_zone& zone, date::sys_seconds t);

}  // namespace taskhook
