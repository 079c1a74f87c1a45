// libFuzzer target for the cron engine. The input is an expression text. Every input
// must parse or fail with a one-line message, without crashing; a valid schedule must
// then fire strictly after any start, in order, at instants its fields allow, in UTC
// and in a zone picked from the input (ARCHITECTURE.md, section Cron).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <date/date.h>
#include <date/tz.h>

#include "core/cron.hpp"
#include "support/cron_oracle.hpp"
#include "core/time_format.hpp"
#include "core/zone.hpp"
#include "core/zone_info.hpp"

namespace {

using taskhook::instant;
using taskhook::cron::schedule;
using std::chrono::seconds;

[[noreturn]] void fail(std::string_view what, std::string_view expr, instant after,
                       instant got) {
  std::fprintf(stderr, "cron_fuzz: %.*s\n  expression: \"%.*s\"\n  after: %s\n  got: %s\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(expr.size()),
               expr.data(), taskhook::format_iso_ms(after).c_str(),
               taskhook::format_iso_ms(got).c_str());
  std::abort();
}

bool matches(const schedule& s, date::sys_seconds t) { return taskhook::test::cron_matches(s, t); }

/// A fire is allowed at `t` in `zone` when the wall clock there matches, or, for a
/// fixed-time schedule, when `t` ends a gap (a skipped time fires right after it).
bool allowed(const schedule& s, instant fire, const date::time_zone* zone) {
  const auto t = std::chrono::floor<seconds>(fire);
  if (t != fire) return false;  // always a whole second
  if (zone == nullptr) return matches(s, t);
  const auto info = taskhook::zone_info(*zone, t);
  if (matches(s, t + info.offset)) return true;
  if (s.follows_real_time || info.begin != t) return false;
  return taskhook::zone_info(*zone, t - seconds{1}).offset < info.offset;
}

std::uint64_t fnv1a(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ULL;
  return h;
}

constexpr const char* zone_names[] = {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
                                      "America/Santiago", "Asia/Kolkata", "UTC"};

/// No fire after `after` is right only for a real-time schedule in a zone whose
/// daylight-saving gaps hold every wall time it matches (a Santiago schedule of
/// 00:09 on Sunday, September 8: under Chile's rule that hour never exists on
/// such a day). Checks the next 64 matching wall times.
void check_never_fires(const schedule& s, std::string_view expr, instant after,
                       const date::time_zone* zone) {
  if (zone == nullptr || !s.follows_real_time)
    fail("no fire for a valid schedule", expr, after, after);
  const auto t = std::chrono::floor<seconds>(after);
  instant wall = instant{t.time_since_epoch() + taskhook::zone_info(*zone, t).offset};
  for (int i = 0; i < 64; ++i) {
    const auto match = taskhook::cron::next_fire_after(s, wall, nullptr);
    if (!match || *match > instant{seconds{253'402'300'799}}) return;  // past 9999
    const date::local_seconds local{
        std::chrono::floor<seconds>(*match).time_since_epoch()};
    if (taskhook::zone_info(*zone, local).result != date::local_info::nonexistent)
      fail("no fire, but a matching wall time exists", expr, after, *match);
    wall = *match;
  }
}

void check_schedule(const schedule& s, std::string_view expr, std::uint64_t h) {
  // Starts: near the 2026 transitions of the zones above (March 8, October 24 to
  // November 1, April 4), and anywhere in 1900-2200.
  const instant starts[] = {
      instant{seconds{1'772'949'600}} + std::chrono::milliseconds{h % 7'200'000},
      instant{seconds{1'792'800'000}} + std::chrono::milliseconds{(h >> 8) % 691'200'000},
      instant{seconds{1'775'310'000}} + std::chrono::milliseconds{(h >> 16) % 3'600'000},
      instant{seconds{-2'208'988'800}} +
          std::chrono::milliseconds{static_cast<std::int64_t>((h >> 4) % 9'467'280'000'000ULL)},
  };
  const date::time_zone* zones[] = {
      nullptr, taskhook::find_zone(zone_names[(h >> 32) % std::size(zone_names)])};
  for (const date::time_zone* zone : zones) {
    for (const instant start : starts) {
      instant after = start;
      for (int i = 0; i < 6; ++i) {
        const auto next = taskhook::cron::next_fire_after(s, after, zone);
        // A valid schedule fires within 400 years of any start before 2200, unless
        // it follows real time and the wall times it names all fall in a gap.
        if (!next) {
          check_never_fires(s, expr, after, zone);
          break;
        }
        if (*next <= after) fail("fire not strictly after the start", expr, after, *next);
        if (!allowed(s, *next, zone)) fail("fire does not match the fields", expr, after, *next);
        after = *next;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256) return -1;  // longer texts add nothing the grammar can reach
  const std::string_view expr(reinterpret_cast<const char*>(data), size);
  const auto parsed = taskhook::cron::parse(expr);
  if (!parsed) {
    const std::string& message = parsed.error_message();
    if (message.empty() || message.find('\n') != std::string::npos)
      fail("error message is empty or not one line", expr, instant{}, instant{});
    return 0;
  }
  if (parsed->seconds.none() || parsed->minutes.none() || parsed->hours.none() ||
      parsed->months.none() || parsed->days_of_month.none() || parsed->days_of_week.none())
    fail("a field selects nothing", expr, instant{}, instant{});
  check_schedule(*parsed, expr, fnv1a(data, size));
  return 0;
}
