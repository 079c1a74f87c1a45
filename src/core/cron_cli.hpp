#pragma once
/// `taskhook cron next`: prints upcoming fire times of an expression, without a
/// database or an API key (ARCHITECTURE.md, end of "Configuration").

#include <iosfwd>
#include <string>
#include <vector>

#include "core/time_format.hpp"

namespace taskhook {

/// Runs `taskhook cron <args...>`; `args` is what follows `cron`, e.g.
/// {"next", "--count", "3", "--tz", "Europe/Berlin", "0 9 * * MON-FRI"}.
/// `now` is the default for `--from`. Fire times go to `out`, one per line; a problem
/// goes to `err` as one line naming the argument. Returns the process exit code:
/// 0 on success, 2 on a bad argument or expression, 1 when fewer fire times exist
/// than were asked for (only near the end of the representable future).
int run_cron_command(const std::vector<std::string>& args, instant now, std::ostream& out,
                     std::ostream& err);

}  // namespace taskhook
