#pragma once
/// Cron expressions: compiled once into bitsets, then asked for their next fire time.
/// Grammar and semantics: ARCHITECTURE.md, section Cron.

#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/expected.hpp"
#include "core/time_format.hpp"

namespace date {
class time_zone;
}

namespace taskhook::cron {

/// A compiled cron expression. Cheap to copy (a few dozen bytes).
struct schedule {
  std::bitset<60> seconds;        ///< 5-field expressions have only bit 0 set
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  ///< bits 1..31
  std::bitset<13> months;         ///< bits 1..12
  std::bitset<7> days_of_week;    ///< bits 0..6, 0 = Sunday (7 folds onto 0)
  bool dom_restricted = false;    ///< day-of-month text does not start with `*`
  bool dow_restricted = false;    ///< day-of-week text does not start with `*`
  /// Seconds (6-field), minute or hour field starts with `*`: the schedule follows
  /// real time across daylight-saving changes instead of naming fixed local times.
  bool follows_real_time = false;

  bool operator==(const schedule&) const = default;
};

/// A schedule in 28 bytes instead of 56, for keeping a million of them (task
/// actors' definitions): unpack() before asking it for a fire time.
class packed_schedule {
 public:
  packed_schedule() = default;
  explicit packed_schedule(const schedule& s);
  schedule unpack() const;
  bool operator==(const packed_schedule&) const = default;

 private:
  std::uint32_t bits_[7] = {};  ///< 4-byte words: no padding where it is embedded
};

/// Compiles `expr` or explains, naming the field, why it is not a valid expression
/// (`field 2 (hour): 25 is out of range 0-23`, `expected 5 or 6 fields, got 7`).
/// Expressions that can never fire (`0 0 30 2 *`) are rejected too.
expected<schedule> parse(std::string_view expr);

/// The first fire strictly after `after`, with `zone` giving local time
/// (nullptr means UTC). Jumps field by field; never steps second by second.
/// nullopt only when no fire exists in the representable future.
std::optional<instant> next_fire_after(const schedule& s, instant after,
                                       const date::time_zone* zone = nullptr);

}  // namespace taskhook::cron
