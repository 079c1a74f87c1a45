#pragma once
/// spdlog set-up: one named logger per component ("app", "db", "http",
/// "actors", "webhook"), all writing to stdout in text or JSON lines.

#include "core/config.hpp"

namespace taskhook::app {

/// Call once, before any thread logs.
void setup_logging(const config& cfg);

}  // namespace taskhook::app
