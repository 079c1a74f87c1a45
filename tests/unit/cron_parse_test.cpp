// Cron grammar (ARCHITECTURE.md, section Cron): every form a field accepts, the day
// rule and real-time flags, and the exact message of every rejection.

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>

#include "core/cron.hpp"

using taskhook::cron::parse;
using taskhook::cron::schedule;

namespace {

template <std::size_t N>
std::bitset<N> bits(std::initializer_list<int> values) {
  std::bitset<N> b;
  for (int v : values) b.set(static_cast<std::size_t>(v));
  return b;
}

template <std::size_t N>
std::bitset<N> span(int first, int last, int step = 1) {
  std::bitset<N> b;
  for (int v = first; v <= last; v += step) b.set(static_cast<std::size_t>(v));
  return b;
}

schedule parsed(const std::string& expr) {
  auto s = parse(expr);
  INFO("expression: \"" << expr << "\"");
  if (!s) FAIL("parse failed: " << s.error_message());
  return *s;
}

std::string error_of(const std::string& expr) {
  auto s = parse(expr);
  INFO("expression: \"" << expr << "\"");
  if (s) FAIL("parse unexpectedly succeeded");
  return s.error_message();
}

}  // namespace

TEST_CASE("every field star selects the whole range", "[cron][parse]") {
  const schedule s = parsed("* * * * *");
  CHECK(s.seconds == bits<60>({0}));
  CHECK(s.minutes.all());
  CHECK(s.hours.all());
  CHECK(s.days_of_month == span<32>(1, 31));
  CHECK(s.months == span<13>(1, 12));
  CHECK(s.days_of_week.all());
  CHECK_FALSE(s.dom_restricted);
  CHECK_FALSE(s.dow_restricted);
  CHECK(s.follows_real_time);
}

TEST_CASE("single values, ranges and lists", "[cron][parse]") {
  const schedule s = parsed("5 9-17 1,15 6 1-5");
  CHECK(s.minutes == bits<60>({5}));
  CHECK(s.hours == span<24>(9, 17));
  CHECK(s.days_of_month == bits<32>({1, 15}));
  CHECK(s.months == bits<13>({6}));
  CHECK(s.days_of_week == span<7>(1, 5));
  CHECK(s.dom_restricted);
  CHECK(s.dow_restricted);
  CHECK_FALSE(s.follows_real_time);
}

TEST_CASE("field limits are accepted at both ends", "[cron][parse]") {
  const schedule s = parsed("0,59 0,23 1,31 1,12 0,7");
  CHECK(s.minutes == bits<60>({0, 59}));
  CHECK(s.hours == bits<24>({0, 23}));
  CHECK(s.days_of_month == bits<32>({1, 31}));
  CHECK(s.months == bits<13>({1, 12}));
  CHECK(s.days_of_week == bits<7>({0}));
  CHECK(parsed("0,59 * * * * *").seconds == bits<60>({0, 59}));
}

TEST_CASE("steps", "[cron][parse]") {
  SECTION("*/n starts at the field's minimum") {
    CHECK(parsed("*/15 * * * *").minutes == bits<60>({0, 15, 30, 45}));
    CHECK(parsed("* */6 * * *").hours == bits<24>({0, 6, 12, 18}));
    CHECK(parsed("* * */10 * *").days_of_month == bits<32>({1, 11, 21, 31}));
    CHECK(parsed("* * * */5 *").months == bits<13>({1, 6, 11}));
    CHECK(parsed("* * * * */2").days_of_week == bits<7>({0, 2, 4, 6}));
    CHECK(parsed("* * * * */3").days_of_week == bits<7>({0, 3, 6}));
  }
  SECTION("a-b/n") {
    CHECK(parsed("10-30/7 * * * *").minutes == bits<60>({10, 17, 24}));
    CHECK(parsed("* 1-23/11 * * *").hours == bits<24>({1, 12, 23}));
  }
  SECTION("a/n runs to the field's maximum") {
    CHECK(parsed("50/3 * * * *").minutes == bits<60>({50, 53, 56, 59}));
    CHECK(parsed("* * 25/3 * *").days_of_month == bits<32>({25, 28, 31}));
    CHECK(parsed("* * * 10/1 *").months == bits<13>({10, 11, 12}));
  }
  SECTION("a/n on day-of-week stops at 6, an explicit range may end at 7") {
    CHECK(parsed("* * * * 1/2").days_of_week == bits<7>({1, 3, 5}));
    CHECK(parsed("* * * * 0/3").days_of_week == bits<7>({0, 3, 6}));
    CHECK(parsed("* * * * 5-7/2").days_of_week == bits<7>({5, 0}));  // Friday and Sunday
    CHECK(parsed("* * * * 6/1").days_of_week == bits<7>({6}));
  }
  SECTION("a step wider than the range gives just its start") {
    CHECK(parsed("*/60 * * * *").minutes == bits<60>({0}));
    CHECK(parsed("7/100 * * * *").minutes == bits<60>({7}));
    CHECK(parsed("3-5/9 * * * *").minutes == bits<60>({3}));
    CHECK(parsed("*/99999999999999999999 * * * *").minutes == bits<60>({0}));
  }
  SECTION("seconds") {
    CHECK(parsed("*/20 * * * * *").seconds == bits<60>({0, 20, 40}));
    CHECK(parsed("5-9/2 * * * * *").seconds == bits<60>({5, 7, 9}));
  }
}

TEST_CASE("duplicates and overlaps are fine", "[cron][parse]") {
  CHECK(parsed("5,5,1-10,3-4 * * * *").minutes == span<60>(1, 10));
  CHECK(parsed("*/2,*/3 * * * *").minutes == ([] {
          std::bitset<60> b;
          for (int v = 0; v < 60; ++v)
            if (v % 2 == 0 || v % 3 == 0) b.set(static_cast<std::size_t>(v));
          return b;
        }()));
  CHECK(parsed("* * * * 0,7,SUN").days_of_week == bits<7>({0}));
}

TEST_CASE("leading zeros", "[cron][parse]") {
  const schedule s = parsed("05 007 01-09/02 0012 00");
  CHECK(s.minutes == bits<60>({5}));
  CHECK(s.hours == bits<24>({7}));
  CHECK(s.days_of_month == bits<32>({1, 3, 5, 7, 9}));
  CHECK(s.months == bits<13>({12}));
  CHECK(s.days_of_week == bits<7>({0}));
  CHECK(parsed("*/05 * * * *").minutes == span<60>(0, 55, 5));
}

TEST_CASE("month and day-of-week names in any case", "[cron][parse]") {
  CHECK(parsed("0 0 1 JAN *").months == bits<13>({1}));
  CHECK(parsed("0 0 1 jan,Feb,mAR,apr,MAY,jun,JUL,aug,SEP,oct,NOV,dec *").months ==
        span<13>(1, 12));
  CHECK(parsed("0 0 1 JAN-MAR/2 *").months == bits<13>({1, 3}));
  CHECK(parsed("0 0 1 OCT/1 *").months == bits<13>({10, 11, 12}));
  CHECK(parsed("0 0 * * sun,MON,Tue,wEd,THU,fri,SAT").days_of_week.all());
  CHECK(parsed("0 9 * * MON-FRI").days_of_week == span<7>(1, 5));
  CHECK(parsed("0 9 * * mon-5").days_of_week == span<7>(1, 5));
  CHECK(parsed("0 9 * * FRI-7").days_of_week == bits<7>({5, 6, 0}));
  CHECK(parsed("0 9 * * SUN").days_of_week == bits<7>({0}));
}

TEST_CASE("7 is Sunday", "[cron][parse]") {
  CHECK(parsed("0 0 * * 7").days_of_week == bits<7>({0}));
  CHECK(parsed("0 0 * * 0-7").days_of_week.all());
  CHECK(parsed("0 0 * * 6-7").days_of_week == bits<7>({6, 0}));
  CHECK(parsed("0 0 * * 7-7").days_of_week == bits<7>({0}));
  CHECK(parsed("0 0 * * 0") == parsed("0 0 * * 7"));
}

TEST_CASE("whitespace", "[cron][parse]") {
  const schedule reference = parsed("1 2 3 4 5");
  CHECK(parsed("1\t2\t3\t4\t5") == reference);
  CHECK(parsed("  1   2 \t 3\t\t4  5  ") == reference);
  CHECK(parsed("\t1 2 3 4 5\t") == reference);
  CHECK(parsed("1 2 3 4 5\n") == reference);  // a trailing newline from a file or shell
  CHECK(parsed("\r\n 1 2 3 4 5 \r\n") == reference);
}

TEST_CASE("macros", "[cron][parse]") {
  CHECK(parsed("@yearly") == parsed("0 0 1 1 *"));
  CHECK(parsed("@annually") == parsed("0 0 1 1 *"));
  CHECK(parsed("@monthly") == parsed("0 0 1 * *"));
  CHECK(parsed("@weekly") == parsed("0 0 * * 0"));
  CHECK(parsed("@daily") == parsed("0 0 * * *"));
  CHECK(parsed("@midnight") == parsed("0 0 * * *"));
  CHECK(parsed("@hourly") == parsed("0 * * * *"));
  CHECK(parsed("@DAILY") == parsed("@daily"));
  CHECK(parsed("@Hourly") == parsed("@hourly"));
  CHECK(parsed("  @weekly\t") == parsed("@weekly"));
  CHECK(parsed("@hourly").follows_real_time);
  CHECK_FALSE(parsed("@daily").follows_real_time);
}

TEST_CASE("a day field is restricted unless its text starts with *", "[cron][parse]") {
  CHECK_FALSE(parsed("0 0 * * *").dom_restricted);
  CHECK_FALSE(parsed("0 0 */2 * *").dom_restricted);
  CHECK_FALSE(parsed("0 0 *,15 * *").dom_restricted);
  CHECK(parsed("0 0 1-31 * *").dom_restricted);
  CHECK(parsed("0 0 1 * *").dom_restricted);
  CHECK_FALSE(parsed("0 0 * * */2").dow_restricted);
  CHECK(parsed("0 0 * * 0-7").dow_restricted);
  CHECK(parsed("0 0 * * MON").dow_restricted);
  CHECK(parsed("0 0 * * 1/2").dow_restricted);
}

TEST_CASE("which schedules follow real time", "[cron][parse]") {
  CHECK(parsed("*/15 * * * *").follows_real_time);
  CHECK(parsed("0 * * * *").follows_real_time);
  CHECK(parsed("30 */2 * * *").follows_real_time);
  CHECK(parsed("*,5 3 * * *").follows_real_time);
  CHECK(parsed("* 0 0 2 * *").follows_real_time);  // 6 fields, seconds starts with *
  CHECK(parsed("*/10 30 2 * * *").follows_real_time);
  CHECK(parsed("0 * 2 * * *").follows_real_time);
  CHECK_FALSE(parsed("30 2 * * *").follows_real_time);
  CHECK_FALSE(parsed("0-59 0-23 * * *").follows_real_time);  // literal rule: no leading *
  CHECK_FALSE(parsed("0,30 2 * * *").follows_real_time);
  CHECK_FALSE(parsed("0 30 2 * * *").follows_real_time);
  CHECK_FALSE(parsed("0 0 * * * ").follows_real_time);
  CHECK_FALSE(parsed("0 0 1 * * *").follows_real_time);  // day fields do not count
}

TEST_CASE("expressions that can fire only sometimes are accepted", "[cron][parse]") {
  CHECK(parse("0 0 29 2 *"));                 // leap years
  CHECK(parse("0 0 31 1-2 *"));               // January has a 31st
  CHECK(parse("0 0 30,31 2,4 *"));            // April 30th
  CHECK(parse("0 0 31 2 MON"));               // both restricted: Mondays in February
  CHECK(parse("0 0 30 2 1-5"));
  CHECK(parse("0 0 * 2 *"));
  CHECK(parse("0 0 */31 2 *"));               // starts with *: day 1 only, but unrestricted
}

TEST_CASE("error messages name the field and the reason", "[cron][parse]") {
  struct row {
    const char* expr;
    const char* message;
  };
  const row rows[] = {
      // the three forms the architecture spells out
      {"0 25 * * *", "field 2 (hour): 25 is out of range 0-23"},
      {"0 0 */0 * *", "field 3 (day-of-month): step must be ≥ 1"},
      {"1 2 3 4 5 6 7", "expected 5 or 6 fields, got 7"},
      // structure
      {"", "empty expression"},
      {" \t ", "empty expression"},
      {"* * * *", "expected 5 or 6 fields, got 4"},
      {"*", "expected 5 or 6 fields, got 1"},
      {"0 0 * * *\n0 1 * * *", "expected 5 or 6 fields, got 9"},
      {"0\n0 * * * *", "field 1 (minute): unexpected character \"\\x0a\" in \"0\\x0a0\""},
      {"@every 5m", "unknown macro \"@every\""},
      {"@reboot", "unknown macro \"@reboot\""},
      {"@", "unknown macro \"@\""},
      {"@daily 0", "macro \"@daily\" must be the whole expression, got \"@daily 0\""},
      // values
      {"60 * * * *", "field 1 (minute): 60 is out of range 0-59"},
      {"0 0 0 * *", "field 3 (day-of-month): 0 is out of range 1-31"},
      {"0 0 32 * *", "field 3 (day-of-month): 32 is out of range 1-31"},
      {"0 0 * 0 *", "field 4 (month): 0 is out of range 1-12"},
      {"0 0 * 13 *", "field 4 (month): 13 is out of range 1-12"},
      {"0 0 * * 8", "field 5 (day-of-week): 8 is out of range 0-7"},
      {"60 * * * * *", "field 1 (second): 60 is out of range 0-59"},
      {"0 60 * * * *", "field 2 (minute): 60 is out of range 0-59"},
      {"0 0 24 * * *", "field 3 (hour): 24 is out of range 0-23"},
      {"0 0 0 * * 9", "field 6 (day-of-week): 9 is out of range 0-7"},
      {"0 0 1-40 * *", "field 3 (day-of-month): 40 is out of range 1-31"},
      {"99999999999999999999 * * * *",
       "field 1 (minute): 99999999999999999999 is out of range 0-59"},
      {"a * * * *", "field 1 (minute): \"a\" is not a number"},
      {"0 0 * JAN MON-FOO", "field 5 (day-of-week): unknown name \"FOO\""},
      {"0 0 * FOO *", "field 4 (month): unknown name \"FOO\""},
      {"0 0 * JANUARY *", "field 4 (month): unknown name \"JANUARY\""},
      {"0 0 * * MONDAY", "field 5 (day-of-week): unknown name \"MONDAY\""},
      {"0 0 * 13x *", "field 4 (month): \"13x\" is not a number or a name"},
      {"JAN 0 * * *", "field 1 (minute): \"JAN\" is not a number"},
      {"0 0 MON * *", "field 3 (day-of-month): \"MON\" is not a number"},
      {"0 0 * MON *", "field 4 (month): unknown name \"MON\""},
      {"0 0 * * JAN", "field 5 (day-of-week): unknown name \"JAN\""},
      // ranges
      {"30-10 * * * *", "field 1 (minute): range 30-10 has start after end"},
      {"0 0 * * FRI-MON", "field 5 (day-of-week): range FRI-MON has start after end"},
      {"0 0 * * SAT-SUN", "field 5 (day-of-week): range SAT-SUN has start after end"},
      {"0 0 * DEC-JAN *", "field 4 (month): range DEC-JAN has start after end"},
      {"5- * * * *", "field 1 (minute): range \"5-\" is missing its end"},
      {"5-/2 * * * *", "field 1 (minute): range \"5-/2\" is missing its end"},
      {"-5 * * * *", "field 1 (minute): expected a value at the start of \"-5\""},
      {"/5 * * * *", "field 1 (minute): expected a value at the start of \"/5\""},
      {"1-2-3 * * * *", "field 1 (minute): unexpected \"-\" after \"1-2\""},
      {"*-5 * * * *", "field 1 (minute): unexpected \"-\" after \"*\""},
      {"** * * * *", "field 1 (minute): unexpected \"*\" after \"*\""},
      {"5* * * * *", "field 1 (minute): unexpected \"*\" after \"5\""},
      // steps
      {"*/0 * * * *", "field 1 (minute): step must be ≥ 1"},
      {"0 0 1-10/00 * *", "field 3 (day-of-month): step must be ≥ 1"},
      {"*/ * * * *", "field 1 (minute): missing step after \"/\" in \"*/\""},
      {"*/JAN * * * *", "field 1 (minute): step must be a number, got \"JAN\""},
      {"0 0 * */FEB *", "field 4 (month): step must be a number, got \"FEB\""},
      {"0 0 * * */MON", "field 5 (day-of-week): step must be a number, got \"MON\""},
      {"*/-1 * * * *", "field 1 (minute): missing step after \"/\" in \"*/-1\""},
      {"*/5/2 * * * *", "field 1 (minute): unexpected \"/\" after \"*/5\""},
      {"*/5-10 * * * *", "field 1 (minute): unexpected \"-\" after \"*/5\""},
      {"0 0 * * 7/2", "field 5 (day-of-week): 7/2 is empty (a/n runs from a to 6)"},
      // lists
      {"5,,6 * * * *", "field 1 (minute): empty item in list \"5,,6\""},
      {",5 * * * *", "field 1 (minute): empty item in list \",5\""},
      {"0 0 * * 1,", "field 5 (day-of-week): empty item in list \"1,\""},
      // other crons' extensions
      {"0 0 ? * *", "field 3 (day-of-month): \"?\" is not supported"},
      {"0 0 * * ?", "field 5 (day-of-week): \"?\" is not supported"},
      {"0 0 L * *", "field 3 (day-of-month): \"L\" is not supported"},
      {"0 0 l * *", "field 3 (day-of-month): \"l\" is not supported"},
      {"0 0 LW * *", "field 3 (day-of-month): \"LW\" is not supported"},
      {"0 0 15W * *", "field 3 (day-of-month): \"15W\" is not supported"},
      {"0 0 W * *", "field 3 (day-of-month): \"W\" is not supported"},
      {"0 0 * * L", "field 5 (day-of-week): \"L\" is not supported"},
      {"0 0 * * 5L", "field 5 (day-of-week): \"5L\" is not supported"},
      {"0 0 * * 5#3", "field 5 (day-of-week): \"#\" is not supported"},
      {"H * * * *", "field 1 (minute): \"H\" is not supported"},
      {"H/15 * * * *", "field 1 (minute): \"H\" is not supported"},
      {"0 H(0-5) * * *", "field 2 (hour): unexpected character \"(\" in \"H(0-5)\""},
      {"0 0 L-3 * *", "field 3 (day-of-month): \"L\" is not supported"},
      {"0 0 * * * 2026", "field 6 (day-of-week): 2026 is out of range 0-7"},
      {"1 2 3 4 5 6 2026", "expected 5 or 6 fields, got 7"},
      // never fires
      {"0 0 30 2 *",
       "field 3 (day-of-month), field 4 (month): the schedule can never fire "
       "(no selected month has a day 30)"},
      {"0 0 31 4,6,9,11 *",
       "field 3 (day-of-month), field 4 (month): the schedule can never fire "
       "(no selected month has a day 31)"},
      {"0 0 30,31 FEB *",
       "field 3 (day-of-month), field 4 (month): the schedule can never fire "
       "(no selected month has a day 30)"},
      {"0 0 31 2 */2",  // day-of-week starts with *: both must match
       "field 3 (day-of-month), field 4 (month): the schedule can never fire "
       "(no selected month has a day 31)"},
      {"0 0 0 30 2 *",
       "field 4 (day-of-month), field 5 (month): the schedule can never fire "
       "(no selected month has a day 30)"},
  };
  for (const row& r : rows) {
    INFO("expression: \"" << r.expr << "\"");
    CHECK(error_of(r.expr) == r.message);
  }
}

TEST_CASE("seconds shift the field numbering in messages", "[cron][parse]") {
  CHECK(error_of("0 0 25 * * *") == "field 3 (hour): 25 is out of range 0-23");
  CHECK(error_of("0 0 0 0 * *") == "field 4 (day-of-month): 0 is out of range 1-31");
  CHECK(error_of("0 0 0 1 13 *") == "field 5 (month): 13 is out of range 1-12");
  CHECK(error_of("*/0 0 0 1 1 *") == "field 1 (second): step must be ≥ 1");
}

TEST_CASE("the first bad field is the one reported", "[cron][parse]") {
  CHECK(error_of("99 99 99 99 99") == "field 1 (minute): 99 is out of range 0-59");
  CHECK(error_of("0 0 30 2 9") == "field 5 (day-of-week): 9 is out of range 0-7");
}
