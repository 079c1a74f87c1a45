#pragma once
/// Wall-clock time, injected: actors ask a wall_clock, never the system, so
/// tests on CAF's test coordinator drive real and cron time together.

#include <chrono>

#include "core/time_format.hpp"

namespace taskhook {

class wall_clock {
 public:
  virtual ~wall_clock() = default;
  virtual instant now() const = 0;
  /// Monotonic time, for measuring how long something took (never steps):
  /// the system's steady clock unless a test clock says otherwise.
  virtual std::chrono::steady_clock::time_point monotonic_now() const;
};

/// std::chrono::system_clock, truncated to milliseconds.
const wall_clock& system_wall_clock();

}  // namespace taskhook
