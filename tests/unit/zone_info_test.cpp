// zone_info: the listed transitions of the OS tzdata, then each zone's POSIX rule.
// The rule is checked against the listed transitions of the years before they run
// out, for every zone that has one: where both exist they must agree.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include <date/tz.h>

#include "core/zone.hpp"
#include "core/zone_info.hpp"

using date::sys_days;
using date::sys_seconds;
using std::chrono::seconds;

namespace {

sys_seconds year_start(int y) { return sys_seconds{sys_days{date::year{y} / 1 / 1}}; }

}  // namespace

TEST_CASE("every zone's rule agrees with its listed transitions of 2034-2037", "[tz]") {
  // zic lists a zone's transitions up to 2037 when a rule generates them; a zone
  // listed beyond that has irregular ones (Gaza and Hebron: Ramadan), which its
  // rule cannot express, and is listed for decades instead.
  int with_rule = 0;
  std::vector<std::string> irregular, disagree;
  for (const auto& zone : date::get_tzdb().zones) {
    const sys_seconds last = zone.get_info(year_start(2500)).begin;
    if (last < year_start(2037) || !taskhook::rule_info(zone, last)) continue;
    if (last >= year_start(2038)) {
      irregular.push_back(zone.name());
      continue;
    }
    ++with_rule;
    // Each listed interval of the last years: its offset at its start, middle and end.
    for (sys_seconds t = year_start(2034); t < last;) {
      const date::sys_info listed = zone.get_info(t);
      for (sys_seconds probe : {std::max(listed.begin, year_start(2034)),
                                listed.begin + (listed.end - listed.begin) / 2,
                                listed.end - seconds{1}}) {
        if (probe < year_start(2034) || taskhook::rule_info(zone, probe)->offset == listed.offset)
          continue;
        disagree.push_back(zone.name() + " at " + date::format("%F %T", probe));
        break;
      }
      t = listed.end;
    }
  }
  CAPTURE(disagree, irregular);
  CHECK(disagree.empty());
  CHECK(irregular.size() <= 4);
  // Most of the world's daylight-saving zones (Europe, North America, ...).
  CHECK(with_rule > 100);
}

TEST_CASE("past the listed transitions the rule answers; before them the list", "[tz]") {
  const auto* ny = taskhook::find_zone("America/New_York");
  REQUIRE(ny != nullptr);
  // Summer 2040: EDT, from March 11 07:00Z to November 4 06:00Z.
  const auto summer = taskhook::zone_info(*ny, sys_seconds{sys_days{date::year{2040} / 7 / 1}});
  CHECK(summer.offset == std::chrono::hours{-4});
  CHECK(summer.begin == sys_seconds{sys_days{date::year{2040} / 3 / 11}} + std::chrono::hours{7});
  CHECK(summer.end == sys_seconds{sys_days{date::year{2040} / 11 / 4}} + std::chrono::hours{6});
  // Winter 2037-38 starts at the last listed transition and ends by the rule.
  const auto winter = taskhook::zone_info(*ny, sys_seconds{sys_days{date::year{2038} / 1 / 1}});
  CHECK(winter.offset == std::chrono::hours{-5});
  CHECK(winter.begin == sys_seconds{sys_days{date::year{2037} / 11 / 1}} + std::chrono::hours{6});
  CHECK(winter.end == sys_seconds{sys_days{date::year{2038} / 3 / 14}} + std::chrono::hours{7});
  // 2026 comes from the list, as before.
  const auto listed = taskhook::zone_info(*ny, sys_seconds{sys_days{date::year{2026} / 7 / 1}});
  CHECK(listed.begin == ny->get_info(sys_seconds{sys_days{date::year{2026} / 7 / 1}}).begin);

  // Wall-clock times: 02:30 on 2040-03-11 does not exist, 01:30 on 2040-11-04 twice.
  using date::local_days;
  using date::local_seconds;
  const auto gap = taskhook::zone_info(
      *ny, local_seconds{local_days{date::year{2040} / 3 / 11}} + std::chrono::minutes{150});
  CHECK(gap.result == date::local_info::nonexistent);
  const auto twice = taskhook::zone_info(
      *ny, local_seconds{local_days{date::year{2040} / 11 / 4}} + std::chrono::minutes{90});
  CHECK(twice.result == date::local_info::ambiguous);
  CHECK(twice.first.offset == std::chrono::hours{-4});
  CHECK(twice.second.offset == std::chrono::hours{-5});
}

TEST_CASE("zones without daylight saving keep their offset, with no rule", "[tz]") {
  for (const char* name : {"UTC", "Asia/Kolkata", "Asia/Tokyo"}) {
    const auto* z = taskhook::find_zone(name);
    REQUIRE(z != nullptr);
    CHECK_FALSE(taskhook::rule_info(*z, year_start(2040)));
    const auto info = taskhook::zone_info(*z, year_start(2040));
    CHECK(info.offset == z->get_info(year_start(2040)).offset);
  }
}
