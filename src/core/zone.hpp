#pragma once
/// IANA time-zone lookup over the OS tzdata (date/tz), without exceptions.

#include <string_view>

namespace date {
class time_zone;
}

namespace taskhook {

/// The zone named `name` (`UTC`, `Europe/Berlin`, ...), or nullptr when there is none.
const date::time_zone* find_zone(std::string_view name) noexcept;

}  // namespace taskhook
