#include "core/zone.hpp"

#include <string>

#include <date/tz.h>

namespace taskhook {

const date::time_zone* find_zone(std::string_view name) noexcept {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(std::string(name));
  } catch (...) {
    // locate_zone throws for an unknown name, and also when the OS tzdata cannot be
    // read; either way there is no zone to give.
    return nullptr;
  }
}

}  // namespace taskhook
