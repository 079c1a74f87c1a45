#pragma once
/// Wall-clock time, injected: actors ask a wall_clock, never the system, so
/// tests on CAF's test coordinator drive real and cron time together.

#include "core/time_format.hpp"

namespace taskhook {

class wall_clock {
 public:
  virtual ~wall_clock() = default;
  virtual instant now() const = 0;
};

/// std::chrono::system_clock, truncated to milliseconds.
const wall_clock& system_wall_clock();

}  // namespace taskhook
