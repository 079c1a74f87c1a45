// next_fire_after: UTC calendar edges (month and year ends, leap days, the day rule,
// seconds) and the daylight-saving rules of ARCHITECTURE.md "Time zones" in New York,
// Berlin and Lord Howe (a 30-minute shift), for real-time and fixed-time schedules.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/cron.hpp"
#include "core/time_format.hpp"
#include "core/zone.hpp"

using taskhook::format_iso_ms;
using taskhook::instant;
using taskhook::cron::next_fire_after;

namespace {

instant at(const std::string& iso) {
  const auto t = taskhook::parse_iso8601(iso);
  INFO("instant: " << iso);
  REQUIRE(t);
  return *t;
}

const date::time_zone* zone(const std::string& name) {
  const auto* z = taskhook::find_zone(name);
  INFO("zone: " << name);
  REQUIRE(z != nullptr);
  return z;
}

/// The next `n` fire times after `from`, each fed back as the next `after`.
std::vector<std::string> fires(const std::string& expr, const std::string& from, int n,
                               const std::string& zone_name = "") {
  const auto s = taskhook::cron::parse(expr);
  INFO("expression: " << expr);
  REQUIRE(s);
  const date::time_zone* z = zone_name.empty() ? nullptr : zone(zone_name);
  std::vector<std::string> out;
  instant t = at(from);
  for (int i = 0; i < n; ++i) {
    const auto next = next_fire_after(*s, t, z);
    if (!next) break;
    REQUIRE(*next > t);
    out.push_back(format_iso_ms(*next));
    t = *next;
  }
  return out;
}

using list = std::vector<std::string>;

}  // namespace

TEST_CASE("next fire is strictly after, at a whole second", "[cron][next]") {
  CHECK(fires("*/5 * * * *", "2026-11-22T10:03:17.250Z", 3) ==
        list{"2026-11-22T10:05:00.000Z", "2026-11-22T10:10:00.000Z", "2026-11-22T10:15:00.000Z"});
  CHECK(fires("*/5 * * * *", "2026-11-22T10:05:00.000Z", 1) == list{"2026-11-22T10:10:00.000Z"});
  CHECK(fires("*/5 * * * *", "2026-11-22T10:04:59.999Z", 1) == list{"2026-11-22T10:05:00.000Z"});
  CHECK(fires("*/5 * * * *", "2026-11-22T10:05:00.001Z", 1) == list{"2026-11-22T10:10:00.000Z"});
  CHECK(fires("* * * * * *", "2026-11-22T10:05:00.999Z", 2) ==
        list{"2026-11-22T10:05:01.000Z", "2026-11-22T10:05:02.000Z"});
  CHECK(fires("* * * * *", "1969-12-31T23:59:59.500Z", 2) ==
        list{"1970-01-01T00:00:00.000Z", "1970-01-01T00:01:00.000Z"});
}

TEST_CASE("weekdays, month starts and ends", "[cron][next]") {
  // 2026-11-20 is a Friday.
  CHECK(fires("0 9 * * MON-FRI", "2026-11-20T09:00:00Z", 3) ==
        list{"2026-11-23T09:00:00.000Z", "2026-11-24T09:00:00.000Z", "2026-11-25T09:00:00.000Z"});
  CHECK(fires("0 0 1 * *", "2026-12-15T00:00:00Z", 2) ==
        list{"2027-01-01T00:00:00.000Z", "2027-02-01T00:00:00.000Z"});
  CHECK(fires("0 12 31 * *", "2026-01-31T12:00:00Z", 6) ==
        list{"2026-03-31T12:00:00.000Z", "2026-05-31T12:00:00.000Z", "2026-07-31T12:00:00.000Z",
             "2026-08-31T12:00:00.000Z", "2026-10-31T12:00:00.000Z", "2026-12-31T12:00:00.000Z"});
  CHECK(fires("0 0 30 * *", "2026-01-30T00:00:00Z", 2) ==
        list{"2026-03-30T00:00:00.000Z", "2026-04-30T00:00:00.000Z"});
  CHECK(fires("0 0 28-31 2 *", "2027-02-27T00:00:00Z", 2) ==
        list{"2027-02-28T00:00:00.000Z", "2028-02-28T00:00:00.000Z"});
}

TEST_CASE("year ends", "[cron][next]") {
  CHECK(fires("59 23 31 12 *", "2026-12-31T23:59:00Z", 2) ==
        list{"2027-12-31T23:59:00.000Z", "2028-12-31T23:59:00.000Z"});
  CHECK(fires("* * * * * *", "2026-12-31T23:59:59.500Z", 1) == list{"2027-01-01T00:00:00.000Z"});
  CHECK(fires("0 0 * 1 *", "2026-02-01T00:00:00Z", 1) == list{"2027-01-01T00:00:00.000Z"});
  CHECK(fires("@yearly", "2026-01-01T00:00:00Z", 2) ==
        list{"2027-01-01T00:00:00.000Z", "2028-01-01T00:00:00.000Z"});
}

TEST_CASE("leap days", "[cron][next]") {
  CHECK(fires("0 0 29 2 *", "2025-01-01T00:00:00Z", 3) ==
        list{"2028-02-29T00:00:00.000Z", "2032-02-29T00:00:00.000Z", "2036-02-29T00:00:00.000Z"});
  // 2100 is not a leap year; 2000 was.
  CHECK(fires("0 0 29 2 *", "2096-03-01T00:00:00Z", 1) == list{"2104-02-29T00:00:00.000Z"});
  CHECK(fires("0 0 29 2 *", "1997-01-01T00:00:00Z", 1) == list{"2000-02-29T00:00:00.000Z"});
  // Feb 29 that is also a Sunday (day-of-week starts with *, so both must match).
  CHECK(fires("0 0 29 2 */7", "2026-01-01T00:00:00Z", 1) == list{"2032-02-29T00:00:00.000Z"});
  CHECK(fires("0 0 29 2 */7", "2088-03-01T00:00:00Z", 1) == list{"2128-02-29T00:00:00.000Z"});
  CHECK(fires("0 0 29 2 *", "9999-01-01T00:00:00Z", 1) == list{"+10000-02-29T00:00:00.000Z"});
}

TEST_CASE("Vixie day rule", "[cron][next]") {
  // Both restricted: the 1st of the month or any Monday. 2026-11-01 is a Sunday.
  CHECK(fires("0 0 1 * MON", "2026-10-31T00:00:00Z", 4) ==
        list{"2026-11-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z", "2026-11-09T00:00:00.000Z",
             "2026-11-16T00:00:00.000Z"});
  // Friday the 13th is not "13 AND Friday" here: it is the 13th or any Friday.
  CHECK(fires("0 0 13 * 5", "2026-11-01T00:00:00Z", 3) ==
        list{"2026-11-06T00:00:00.000Z", "2026-11-13T00:00:00.000Z", "2026-11-20T00:00:00.000Z"});
  // Day-of-month starts with *: both must match, so odd days that are Mondays.
  CHECK(fires("0 0 */2 * MON", "2026-11-01T00:00:00Z", 3) ==
        list{"2026-11-09T00:00:00.000Z", "2026-11-23T00:00:00.000Z", "2026-12-07T00:00:00.000Z"});
  // Day-of-week starts with *: the 31st, only on Sunday/Tuesday/Thursday/Saturday.
  CHECK(fires("0 0 31 * */2", "2026-01-01T00:00:00Z", 2) ==
        list{"2026-01-31T00:00:00.000Z", "2026-03-31T00:00:00.000Z"});
  // Both unrestricted.
  CHECK(fires("0 0 * * *", "2026-11-22T12:00:00Z", 1) == list{"2026-11-23T00:00:00.000Z"});
  // An impossible day-of-month with a restricted day-of-week still fires on that weekday.
  CHECK(fires("0 0 30 2 MON", "2026-11-22T00:00:00Z", 1) == list{"2027-02-01T00:00:00.000Z"});
}

TEST_CASE("six fields: seconds", "[cron][next]") {
  CHECK(fires("*/20 * * * * *", "2026-11-22T10:00:00Z", 3) ==
        list{"2026-11-22T10:00:20.000Z", "2026-11-22T10:00:40.000Z", "2026-11-22T10:01:00.000Z"});
  CHECK(fires("30 15 10 * * *", "2026-11-22T10:15:30Z", 1) == list{"2026-11-23T10:15:30.000Z"});
  CHECK(fires("59 59 23 31 12 *", "2026-06-01T00:00:00Z", 1) == list{"2026-12-31T23:59:59.000Z"});
  CHECK(fires("0,30 * * * * *", "2026-11-22T10:00:29.999Z", 2) ==
        list{"2026-11-22T10:00:30.000Z", "2026-11-22T10:01:00.000Z"});
}

TEST_CASE("limits of the representable future", "[cron][next]") {
  const auto s = taskhook::cron::parse("* * * * *");
  REQUIRE(s);
  CHECK_FALSE(next_fire_after(*s, instant::max()));
  CHECK_FALSE(next_fire_after(*s, instant::max(), zone("Europe/Berlin")));
  const auto early = next_fire_after(*s, instant::min());
  REQUIRE(early);
  CHECK(*early > instant::min());
  // A schedule with no values at all (not produced by parse) never fires.
  CHECK_FALSE(next_fire_after(taskhook::cron::schedule{}, at("2026-01-01T00:00:00Z")));
}

TEST_CASE("UTC as a zone matches no zone", "[cron][next][tz]") {
  for (const char* expr : {"*/7 * * * *", "30 2 * * *", "0 0 29 2 *", "15 */3 * * * *"}) {
    INFO(expr);
    CHECK(fires(expr, "2026-03-01T00:00:00Z", 5, "UTC") == fires(expr, "2026-03-01T00:00:00Z", 5));
  }
}

TEST_CASE("a zone without daylight saving is a fixed shift", "[cron][next][tz]") {
  CHECK(fires("30 9 * * *", "2026-11-22T00:00:00Z", 2, "Asia/Kolkata") ==
        list{"2026-11-22T04:00:00.000Z", "2026-11-23T04:00:00.000Z"});
  CHECK(fires("0 0 1 * *", "2026-11-22T00:00:00Z", 1, "Asia/Kolkata") ==
        list{"2026-11-30T18:30:00.000Z"});
}

// New York 2026: EST -> EDT at 07:00Z on Mar 8 (02:00 -> 03:00 local),
// EDT -> EST at 06:00Z on Nov 1 (02:00 -> 01:00 local).
TEST_CASE("New York, real-time schedules", "[cron][next][tz]") {
  const std::string ny = "America/New_York";
  SECTION("every 15 minutes runs on through both changes") {
    CHECK(fires("*/15 * * * *", "2026-03-08T06:30:00Z", 4, ny) ==
          list{"2026-03-08T06:45:00.000Z", "2026-03-08T07:00:00.000Z", "2026-03-08T07:15:00.000Z",
               "2026-03-08T07:30:00.000Z"});
    CHECK(fires("*/15 * * * *", "2026-11-01T05:30:00Z", 6, ny) ==
          list{"2026-11-01T05:45:00.000Z", "2026-11-01T06:00:00.000Z", "2026-11-01T06:15:00.000Z",
               "2026-11-01T06:30:00.000Z", "2026-11-01T06:45:00.000Z", "2026-11-01T07:00:00.000Z"});
  }
  SECTION("hourly: the skipped hour has no fire, the repeated one fires twice") {
    CHECK(fires("0 * * * *", "2026-03-08T05:30:00Z", 3, ny) ==
          list{"2026-03-08T06:00:00.000Z", "2026-03-08T07:00:00.000Z", "2026-03-08T08:00:00.000Z"});
    CHECK(fires("0 * * * *", "2026-11-01T04:30:00Z", 3, ny) ==
          list{"2026-11-01T05:00:00.000Z", "2026-11-01T06:00:00.000Z", "2026-11-01T07:00:00.000Z"});
  }
  SECTION("minutes inside the skipped hour do not exist") {
    CHECK(fires("*/30 2 * * *", "2026-03-08T00:00:00Z", 2, ny) ==
          list{"2026-03-09T06:00:00.000Z", "2026-03-09T06:30:00.000Z"});
  }
  SECTION("minutes inside the repeated hour fire in both occurrences") {
    CHECK(fires("*/30 1 * * *", "2026-11-01T00:00:00Z", 5, ny) ==
          list{"2026-11-01T05:00:00.000Z", "2026-11-01T05:30:00.000Z", "2026-11-01T06:00:00.000Z",
               "2026-11-01T06:30:00.000Z", "2026-11-02T06:00:00.000Z"});
  }
}

TEST_CASE("New York, fixed-time schedules", "[cron][next][tz]") {
  const std::string ny = "America/New_York";
  SECTION("a skipped time fires at the first instant after the gap") {
    CHECK(fires("30 2 * * *", "2026-03-07T00:00:00Z", 3, ny) ==
          list{"2026-03-07T07:30:00.000Z", "2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"});
    CHECK(fires("0 30 2 * * *", "2026-03-08T00:00:00Z", 1, ny) ==
          list{"2026-03-08T07:00:00.000Z"});
  }
  SECTION("right before and at the end of the gap") {
    CHECK(fires("30 2 * * *", "2026-03-08T06:59:59.500Z", 1, ny) ==
          list{"2026-03-08T07:00:00.000Z"});
    CHECK(fires("30 2 * * *", "2026-03-08T07:00:00.000Z", 1, ny) ==
          list{"2026-03-09T06:30:00.000Z"});
  }
  SECTION("several skipped times map to one instant and fire once") {
    CHECK(fires("0,15,30,45 2 * * *", "2026-03-08T06:00:00Z", 3, ny) ==
          list{"2026-03-08T07:00:00.000Z", "2026-03-09T06:00:00.000Z", "2026-03-09T06:15:00.000Z"});
    CHECK(fires("0,30 2,3 * * *", "2026-03-08T06:00:00Z", 3, ny) ==
          list{"2026-03-08T07:00:00.000Z", "2026-03-08T07:30:00.000Z", "2026-03-09T06:00:00.000Z"});
  }
  SECTION("a repeated time fires at its first occurrence only") {
    CHECK(fires("30 1 * * *", "2026-10-31T12:00:00Z", 2, ny) ==
          list{"2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"});
    CHECK(fires("0-59/20 1 * * *", "2026-11-01T04:00:00Z", 4, ny) ==
          list{"2026-11-01T05:00:00.000Z", "2026-11-01T05:20:00.000Z", "2026-11-01T05:40:00.000Z",
               "2026-11-02T06:00:00.000Z"});
  }
  SECTION("after falling between the two occurrences does not fire at the second") {
    CHECK(fires("30 1 * * *", "2026-11-01T05:30:00Z", 1, ny) == list{"2026-11-02T06:30:00.000Z"});
    CHECK(fires("30 1 * * *", "2026-11-01T06:00:00Z", 1, ny) == list{"2026-11-02T06:30:00.000Z"});
    CHECK(fires("30 1 * * *", "2026-11-01T06:29:59Z", 1, ny) == list{"2026-11-02T06:30:00.000Z"});
    CHECK(fires("45 1 * * *", "2026-11-01T05:50:00Z", 1, ny) == list{"2026-11-02T06:45:00.000Z"});
  }
  SECTION("times next to the changes are ordinary") {
    CHECK(fires("59 1 * * *", "2026-03-08T00:00:00Z", 1, ny) == list{"2026-03-08T06:59:00.000Z"});
    CHECK(fires("0 3 * * *", "2026-03-08T00:00:00Z", 1, ny) == list{"2026-03-08T07:00:00.000Z"});
    CHECK(fires("0 2 * * *", "2026-11-01T00:00:00Z", 1, ny) == list{"2026-11-01T07:00:00.000Z"});
    CHECK(fires("59 0 * * *", "2026-11-01T00:00:00Z", 1, ny) == list{"2026-11-01T04:59:00.000Z"});
  }
}

// Berlin 2026: CET -> CEST at 01:00Z on Mar 29 (02:00 -> 03:00 local),
// CEST -> CET at 01:00Z on Oct 25 (03:00 -> 02:00 local).
TEST_CASE("Berlin", "[cron][next][tz]") {
  const std::string berlin = "Europe/Berlin";
  SECTION("real time") {
    CHECK(fires("*/15 * * * *", "2026-03-29T00:30:00Z", 3, berlin) ==
          list{"2026-03-29T00:45:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-29T01:15:00.000Z"});
    CHECK(fires("0 * * * *", "2026-10-24T23:30:00Z", 3, berlin) ==
          list{"2026-10-25T00:00:00.000Z", "2026-10-25T01:00:00.000Z", "2026-10-25T02:00:00.000Z"});
    CHECK(fires("0 * * * *", "2026-03-29T00:30:00Z", 2, berlin) ==
          list{"2026-03-29T01:00:00.000Z", "2026-03-29T02:00:00.000Z"});
  }
  SECTION("fixed time") {
    CHECK(fires("30 2 * * *", "2026-03-28T12:00:00Z", 2, berlin) ==
          list{"2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"});
    CHECK(fires("30 2 * * *", "2026-10-24T12:00:00Z", 2, berlin) ==
          list{"2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"});
    CHECK(fires("30 2 * * *", "2026-10-25T00:30:00Z", 1, berlin) ==
          list{"2026-10-26T01:30:00.000Z"});
  }
  SECTION("weekday mornings keep their local time across the change") {
    // 2026-03-27 is a Friday.
    CHECK(fires("0 9 * * MON-FRI", "2026-03-27T00:00:00Z", 2, berlin) ==
          list{"2026-03-27T08:00:00.000Z", "2026-03-30T07:00:00.000Z"});
  }
  SECTION("leap day far ahead in local time") {
    CHECK(fires("0 0 29 2 *", "2025-01-01T00:00:00Z", 1, berlin) ==
          list{"2028-02-28T23:00:00.000Z"});
  }
}

// Lord Howe 2026: +11 -> +10:30 at 15:00Z on Apr 4 (local 02:00 -> 01:30 on Apr 5),
// +10:30 -> +11 at 15:30Z on Oct 3 (local 02:00 -> 02:30 on Oct 4).
TEST_CASE("Lord Howe, a 30-minute shift", "[cron][next][tz]") {
  const std::string lh = "Australia/Lord_Howe";
  SECTION("real time through the repeated half hour") {
    CHECK(fires("*/15 * * * *", "2026-04-04T14:20:00Z", 5, lh) ==
          list{"2026-04-04T14:30:00.000Z", "2026-04-04T14:45:00.000Z", "2026-04-04T15:00:00.000Z",
               "2026-04-04T15:15:00.000Z", "2026-04-04T15:30:00.000Z"});
    // Local 01:00 (+11), then 02:00 (+10:30): an hour and a half apart.
    CHECK(fires("0 * * * *", "2026-04-04T13:30:00Z", 3, lh) ==
          list{"2026-04-04T14:00:00.000Z", "2026-04-04T15:30:00.000Z", "2026-04-04T16:30:00.000Z"});
    CHECK(fires("*/10 1 * * *", "2026-04-04T14:35:00Z", 4, lh) ==
          list{"2026-04-04T14:40:00.000Z", "2026-04-04T14:50:00.000Z", "2026-04-04T15:00:00.000Z",
               "2026-04-04T15:10:00.000Z"});
  }
  SECTION("real time through the skipped half hour") {
    CHECK(fires("*/15 * * * *", "2026-10-03T15:00:00Z", 3, lh) ==
          list{"2026-10-03T15:15:00.000Z", "2026-10-03T15:30:00.000Z", "2026-10-03T15:45:00.000Z"});
    // Local 01:00 (+10:30), then 03:00 (+11): half an hour apart.
    CHECK(fires("0 * * * *", "2026-10-03T14:00:00Z", 3, lh) ==
          list{"2026-10-03T14:30:00.000Z", "2026-10-03T16:00:00.000Z", "2026-10-03T17:00:00.000Z"});
    CHECK(fires("*/20 2 * * *", "2026-10-03T00:00:00Z", 2, lh) ==
          list{"2026-10-03T15:40:00.000Z", "2026-10-04T15:00:00.000Z"});
  }
  SECTION("fixed time: repeated 01:45 fires at its first occurrence") {
    CHECK(fires("45 1 * * *", "2026-04-04T12:00:00Z", 2, lh) ==
          list{"2026-04-04T14:45:00.000Z", "2026-04-05T15:15:00.000Z"});
    CHECK(fires("45 1 * * *", "2026-04-04T15:00:00Z", 1, lh) == list{"2026-04-05T15:15:00.000Z"});
  }
  SECTION("fixed time: skipped 02:15 fires when the gap ends") {
    CHECK(fires("15 2 * * *", "2026-10-03T00:00:00Z", 2, lh) ==
          list{"2026-10-03T15:30:00.000Z", "2026-10-04T15:15:00.000Z"});
    CHECK(fires("0,15 2 * * *", "2026-10-03T15:29:59.999Z", 2, lh) ==
          list{"2026-10-03T15:30:00.000Z", "2026-10-04T15:00:00.000Z"});
  }
}

// Santiago 2026: local midnight of Sep 6 does not exist (00:00 -04 -> 01:00 -03 at
// 04:00Z); the hour before midnight of Apr 4 repeats (24:00 -03 -> 23:00 -04 at 03:00Z).
TEST_CASE("a change at midnight", "[cron][next][tz]") {
  const std::string santiago = "America/Santiago";
  CHECK(fires("@daily", "2026-09-05T12:00:00Z", 2, santiago) ==
        list{"2026-09-06T04:00:00.000Z", "2026-09-07T03:00:00.000Z"});
  CHECK(fires("0 0 6 9 *", "2026-01-01T00:00:00Z", 1, santiago) ==
        list{"2026-09-06T04:00:00.000Z"});
  CHECK(fires("30 23 * * *", "2026-04-04T12:00:00Z", 2, santiago) ==
        list{"2026-04-05T02:30:00.000Z", "2026-04-06T03:30:00.000Z"});
  CHECK(fires("@hourly", "2026-04-05T01:30:00Z", 3, santiago) ==
        list{"2026-04-05T02:00:00.000Z", "2026-04-05T03:00:00.000Z", "2026-04-05T04:00:00.000Z"});
}

// Debian's tzdata lists transitions up to 2037; later years come from each zone's
// POSIX rule (core/zone_info.hpp). Without it every summer after 2037 kept
// standard time.
TEST_CASE("after 2037 the zones' own rules still apply", "[cron][next][tz]") {
  const std::string ny = "America/New_York";
  SECTION("summer time") {
    CHECK(fires("0 12 1 7 *", "2038-06-01T00:00:00Z", 1, ny) == list{"2038-07-01T16:00:00.000Z"});
    CHECK(fires("0 12 1 1,7 *", "2040-01-01T00:00:00Z", 2, "Europe/Berlin") ==
          list{"2040-01-01T11:00:00.000Z", "2040-07-01T10:00:00.000Z"});
  }
  SECTION("New York 2040: the skipped 02:30 fires when the gap ends, March 11") {
    CHECK(fires("30 2 * * *", "2040-03-10T00:00:00Z", 3, ny) ==
          list{"2040-03-10T07:30:00.000Z", "2040-03-11T07:00:00.000Z", "2040-03-12T06:30:00.000Z"});
  }
  SECTION("New York 2040: real time fires in both 01:30s of November 4") {
    CHECK(fires("30 * * * *", "2040-11-04T04:00:00Z", 4, ny) ==
          list{"2040-11-04T04:30:00.000Z", "2040-11-04T05:30:00.000Z", "2040-11-04T06:30:00.000Z",
               "2040-11-04T07:30:00.000Z"});
  }
  SECTION("Santiago 2045: a change at midnight, both ways") {
    const std::string santiago = "America/Santiago";
    CHECK(fires("@daily", "2045-09-02T12:00:00Z", 2, santiago) ==
          list{"2045-09-03T04:00:00.000Z", "2045-09-04T03:00:00.000Z"});
    CHECK(fires("30 23 * * *", "2045-04-01T12:00:00Z", 2, santiago) ==
          list{"2045-04-02T02:30:00.000Z", "2045-04-03T03:30:00.000Z"});
  }
  SECTION("Lord Howe 2045: the skipped half hour") {
    CHECK(fires("0 * * * *", "2045-09-30T14:00:00Z", 3, "Australia/Lord_Howe") ==
          list{"2045-09-30T14:30:00.000Z", "2045-09-30T16:00:00.000Z", "2045-09-30T17:00:00.000Z"});
  }
}
