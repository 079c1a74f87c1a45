// Throughput of next_fire_after: each iteration feeds the previous fire back in, the
// way a task actor asks for its next timer. Prints one line per case and a checksum
// (so the work cannot be optimised away). Compare cases as ratios within one run: the
// machines this runs on are shared and noisy. Usage: cron_bench [seconds_per_case]

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/cron.hpp"
#include "core/time_format.hpp"
#include "core/zone.hpp"

namespace {

struct bench_case {
  const char* label;  ///< typical or worst
  const char* expr;
  const char* zone;   ///< empty: UTC (no zone)
};

constexpr bench_case cases[] = {
    {"typical", "*/5 * * * *", ""},
    {"typical", "0 9 * * MON-FRI", ""},
    {"typical", "0 0 1 * *", ""},
    {"typical", "* * * * * *", ""},
    {"worst", "0 0 29 2 *", ""},
    {"worst", "0 0 29 2 */7", ""},
    {"worst", "59 23 31 12 *", ""},
    {"worst", "0 0 13 * 5", ""},
    {"typical", "*/5 * * * *", "Europe/Berlin"},
    {"typical", "0 9 * * MON-FRI", "Europe/Berlin"},
    {"typical", "0 0 1 * *", "Europe/Berlin"},
    {"typical", "* * * * * *", "Europe/Berlin"},
    {"worst", "0 0 29 2 *", "Europe/Berlin"},
    {"worst", "0 0 29 2 */7", "Europe/Berlin"},
    {"worst", "59 23 31 12 *", "Europe/Berlin"},
    {"worst", "0 0 13 * 5", "Europe/Berlin"},
};

struct result {
  double ops_per_second;
  std::uint64_t checksum;
};

result run(const taskhook::cron::schedule& s, const date::time_zone* zone, double seconds) {
  using clock = std::chrono::steady_clock;
  const taskhook::instant start = *taskhook::parse_iso8601("2026-01-01T00:00:00Z");
  // Restart before date/tz's table of transitions ends (2037) so zoned cases keep
  // meeting real transitions.
  const taskhook::instant restart_at = *taskhook::parse_iso8601("2036-01-01T00:00:00Z");
  taskhook::instant t = start;
  std::uint64_t checksum = 0;
  std::uint64_t ops = 0;
  const auto began = clock::now();
  const auto budget = std::chrono::duration<double>(seconds);
  while (clock::now() - began < budget) {
    for (int i = 0; i < 1024; ++i) {
      const std::optional<taskhook::instant> next = taskhook::cron::next_fire_after(s, t, zone);
      if (!next) std::abort();
      checksum = checksum * 31 + static_cast<std::uint64_t>(next->time_since_epoch().count());
      t = *next < restart_at ? *next : start;
    }
    ops += 1024;
  }
  const double elapsed = std::chrono::duration<double>(clock::now() - began).count();
  return {static_cast<double>(ops) / elapsed, checksum};
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
  std::uint64_t checksum = 0;
  std::vector<double> rates;
  std::printf("%-8s %-16s %-14s %14s %10s %8s\n", "kind", "expression", "zone", "ops/s",
              "ns/op", "vs #1");
  for (const bench_case& c : cases) {
    const auto s = taskhook::cron::parse(c.expr);
    if (!s) {
      std::fprintf(stderr, "%s: %s\n", c.expr, s.error_message().c_str());
      return 1;
    }
    const date::time_zone* zone = *c.zone ? taskhook::find_zone(c.zone) : nullptr;
    const result r = run(*s, zone, seconds);
    rates.push_back(r.ops_per_second);
    checksum ^= r.checksum;
    std::printf("%-8s %-16s %-14s %14.0f %10.1f %8.2f\n", c.label, c.expr,
                *c.zone ? c.zone : "UTC", r.ops_per_second, 1e9 / r.ops_per_second,
                r.ops_per_second / rates.front());
  }
  std::printf("checksum %016llx\n", static_cast<unsigned long long>(checksum));
  return 0;
}
