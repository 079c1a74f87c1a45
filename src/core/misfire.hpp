#pragma once
/// What to do at start about fires missed while the service was down
/// (Delivery semantics, Misfire, in ARCHITECTURE.md).

#include <chrono>
#include <cstdint>
#include <optional>

#include "core/cron.hpp"
#include "core/time_format.hpp"

namespace taskhook {

struct misfire_plan {
  /// The most recent missed fire, when it is less than the grace period old:
  /// it runs once now, with trigger `misfire`.
  std::optional<instant> run;
  /// Every other missed fire: one SKIPPED row says how many and when.
  std::uint64_t skipped = 0;
  bool skipped_capped = false;  ///< counting stopped at the cap: "at least"
  instant skipped_first{};
  instant skipped_last{};
  /// The first scheduled fire strictly after now (nullopt: never again).
  std::optional<instant> next;
};

/// Missed fires are the persisted `next_run_at` (when it is not after `now`) and
/// every fire after it up to `now`. Counting stops after `count_cap` fires so a
/// per-second task down for a year costs bounded time.
misfire_plan plan_misfire(const cron::schedule& s, const date::time_zone* zone,
                          std::optional<instant> next_run_at, instant now,
                          std::chrono::seconds grace, std::uint64_t count_cap = 1'000'000);

}  // namespace taskhook
