#pragma once
/// An optional instant in 8 bytes, for state kept per task at a million tasks.

#include <cstdint>
#include <limits>
#include <optional>

#include "core/time_format.hpp"

namespace taskhook {

/// An optional instant in 8 bytes (std::optional takes 16): every idle task
/// keeps three.
class packed_instant {
 public:
  packed_instant() = default;
  packed_instant(instant t) : ms_(t.time_since_epoch().count()) {}
  packed_instant(std::optional<instant> t) : ms_(t ? t->time_since_epoch().count() : none) {}
  explicit operator bool() const { return ms_ != none; }
  instant operator*() const { return instant{std::chrono::milliseconds{ms_}}; }
  operator std::optional<instant>() const {
    return ms_ == none ? std::nullopt : std::optional<instant>(**this);
  }
  bool operator==(const packed_instant&) const = default;
  void reset() { ms_ = none; }

 private:
  static constexpr std::int64_t none = std::numeric_limits<std::int64_t>::min();
  std::int64_t ms_ = none;
};

}  // namespace taskhook
