// ISO-8601 instants as the API and CLI read and print them.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "core/time_format.hpp"

using taskhook::format_iso_ms;
using taskhook::instant;
using taskhook::parse_iso8601;
using std::chrono::milliseconds;

namespace {

instant from_ms(long long ms) { return instant{milliseconds{ms}}; }

}  // namespace

TEST_CASE("format_iso_ms", "[time_format]") {
  CHECK(format_iso_ms(from_ms(0)) == "1970-01-01T00:00:00.000Z");
  CHECK(format_iso_ms(from_ms(1'795'341'600'123)) == "2026-11-22T10:00:00.123Z");
  CHECK(format_iso_ms(from_ms(-1)) == "1969-12-31T23:59:59.999Z");
  CHECK(format_iso_ms(from_ms(951'782'400'000)) == "2000-02-29T00:00:00.000Z");
  CHECK(format_iso_ms(from_ms(253'402'300'799'999)) == "9999-12-31T23:59:59.999Z");
  CHECK(format_iso_ms(from_ms(253'402'300'800'000)) == "+10000-01-01T00:00:00.000Z");
  CHECK(format_iso_ms(from_ms(-62'167'219'200'000)) == "0000-01-01T00:00:00.000Z");
  CHECK(format_iso_ms(from_ms(-62'167'219'200'001)) == "-00001-12-31T23:59:59.999Z");
  // The extremes of the type format without overflow.
  CHECK_FALSE(format_iso_ms(instant::max()).empty());
  CHECK_FALSE(format_iso_ms(instant::min()).empty());
}

TEST_CASE("parse_iso8601 accepts Z and offsets", "[time_format]") {
  const instant ref = from_ms(1'795'341'600'000);  // 2026-11-22T10:00:00Z
  CHECK(parse_iso8601("2026-11-22T10:00:00Z") == ref);
  CHECK(parse_iso8601("2026-11-22t10:00:00z") == ref);
  CHECK(parse_iso8601("2026-11-22T11:00:00+01:00") == ref);
  CHECK(parse_iso8601("2026-11-22T11:00:00+0100") == ref);
  CHECK(parse_iso8601("2026-11-22T05:00:00-05:00") == ref);
  CHECK(parse_iso8601("2026-11-22T15:30:00+05:30") == ref);
  CHECK(parse_iso8601("2026-11-22T10:00:00+00:00") == ref);
  CHECK(parse_iso8601("2026-11-22T10:00:00-00:00") == ref);
  CHECK(parse_iso8601("2026-11-23T09:59:00+23:59") == ref);
  CHECK(parse_iso8601("2026-11-22T00:00:00+10:00") == from_ms(1'795'341'600'000 - 20 * 3'600'000));
}

TEST_CASE("parse_iso8601 fractions are truncated to milliseconds", "[time_format]") {
  const long long ref = 1'795'341'600'000;
  CHECK(parse_iso8601("2026-11-22T10:00:00.1Z") == from_ms(ref + 100));
  CHECK(parse_iso8601("2026-11-22T10:00:00.12Z") == from_ms(ref + 120));
  CHECK(parse_iso8601("2026-11-22T10:00:00.123Z") == from_ms(ref + 123));
  CHECK(parse_iso8601("2026-11-22T10:00:00.1239Z") == from_ms(ref + 123));
  CHECK(parse_iso8601("2026-11-22T10:00:00.999999999Z") == from_ms(ref + 999));
  CHECK(parse_iso8601("2026-11-22T10:00:00.000000001Z") == from_ms(ref));
  CHECK(parse_iso8601("2026-11-22T11:00:00.5+01:00") == from_ms(ref + 500));
}

TEST_CASE("parse_iso8601 round-trips format_iso_ms", "[time_format]") {
  for (long long ms : {0LL, 1LL, -1LL, 951'782'400'000LL, 1'795'341'600'123LL, 4'102'444'799'999LL,
                       -2'208'988'800'000LL, 253'402'300'799'999LL}) {
    INFO(ms);
    CHECK(parse_iso8601(format_iso_ms(from_ms(ms))) == from_ms(ms));
  }
}

TEST_CASE("parse_iso8601 rejects everything else", "[time_format]") {
  for (const char* bad : {
           "",
           "2026-11-22T10:00:00",        // the zone part is required
           "2026-11-22",                 // no time
           "2026-11-22 10:00:00Z",       // a space is not a T
           "2026-13-01T00:00:00Z",       // month 13
           "2026-00-01T00:00:00Z",       // month 0
           "2026-02-30T00:00:00Z",       // Feb 30
           "2026-02-29T00:00:00Z",       // not a leap year
           "2100-02-29T00:00:00Z",       // not a leap year either
           "2026-04-31T00:00:00Z",       // April has 30 days
           "2026-01-00T00:00:00Z",       // day 0
           "2026-01-01T24:00:00Z",       // hour 24
           "2026-01-01T00:60:00Z",       // minute 60
           "2026-01-01T00:00:60Z",       // no leap seconds
           "2026-01-01T00:00:00.Z",      // a dot without digits
           "2026-01-01T00:00:00.1234567890Z",  // more than 9 digits
           "2026-01-01T00:00:00+24:00",  // offset hour 24
           "2026-01-01T00:00:00+01:60",  // offset minute 60
           "2026-01-01T00:00:00+1",      // short offset
           "2026-01-01T00:00:00+01",     // hours only
           "2026-01-01T00:00:00+01:0",
           "2026-01-01T00:00:00ZZ",      // trailing garbage
           "2026-01-01T00:00:00Z ",
           " 2026-01-01T00:00:00Z",
           "26-01-01T00:00:00Z",         // two-digit year
           "2026-1-01T00:00:00Z",
           "2026-01-01T0:00:00Z",
           "2026-01-01T00:00Z",          // no seconds
           "2026/01/01T00:00:00Z",
           "2026-01-01T00:00:00UTC",
           "now",
       }) {
    INFO("text: \"" << bad << "\"");
    CHECK_FALSE(parse_iso8601(bad));
  }
}

TEST_CASE("parse_iso8601 accepts leap days that exist", "[time_format]") {
  CHECK(parse_iso8601("2028-02-29T00:00:00Z"));
  CHECK(parse_iso8601("2000-02-29T00:00:00Z"));
  CHECK(parse_iso8601("0004-02-29T00:00:00Z"));
}

TEST_CASE("parse_iso8601 takes the years 0001-9999 only, counted in UTC", "[time_format]") {
  CHECK(parse_iso8601("0001-01-01T00:00:00Z") == taskhook::earliest_time());
  CHECK(taskhook::earliest_time() == from_ms(-62'135'596'800'000));
  CHECK(parse_iso8601("9999-12-31T23:59:59.999Z") == from_ms(253'402'300'799'999));
  CHECK(taskhook::latest_time() == from_ms(253'402'300'799'999));
  // PostgreSQL has no year 0, and we write four-digit years only.
  CHECK_FALSE(parse_iso8601("0000-12-31T23:59:59.999Z"));
  CHECK_FALSE(parse_iso8601("0001-01-01T00:30:00+01:00"));  // 0000-12-31T23:30Z
  CHECK(parse_iso8601("0001-01-01T00:30:00-01:00"));
  CHECK_FALSE(parse_iso8601("9999-12-31T23:30:00-01:00"));  // 10000-01-01T00:30Z
  CHECK(parse_iso8601("9999-12-31T23:30:00+01:00"));
}

TEST_CASE("format_iso_ms round-trips through parse_iso8601 across years 1-9999",
          "[time_format]") {
  std::uint64_t x = 0x2545f4914f6cdd1dull;
  const std::int64_t lo = -62'135'596'800'000;  // 0001-01-01
  const std::int64_t hi = 253'402'300'799'999;  // 9999-12-31T23:59:59.999
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    auto ms = lo + static_cast<std::int64_t>(x % static_cast<std::uint64_t>(hi - lo + 1));
    auto text = format_iso_ms(from_ms(ms));
    REQUIRE(text.size() == 24);
    auto back = taskhook::parse_iso8601(text);
    REQUIRE(back);
    REQUIRE(back->time_since_epoch().count() == ms);
  }
}
