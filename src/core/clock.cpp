#include "core/clock.hpp"

#include <chrono>

namespace taskhook {
namespace {
class system_clock_impl final : public wall_clock {
 public:
  instant now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};
}  // namespace

std::chrono::steady_clock::time_point wall_clock::monotonic_now() const {
  return std::chrono::steady_clock::now();
}

const wall_clock& system_wall_clock() {
  static const system_clock_impl clock;
  return clock;
}

}  // namespace taskhook
