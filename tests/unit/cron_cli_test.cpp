// `taskhook cron next`: arguments, output format, exit codes and error lines.

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "core/cron_cli.hpp"
#include "core/time_format.hpp"

namespace {

struct run_result {
  int code;
  std::string out;
  std::string err;
};

const taskhook::instant fixed_now = *taskhook::parse_iso8601("2026-11-22T10:03:00.500Z");

run_result run(std::vector<std::string> args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = taskhook::run_cron_command(args, fixed_now, out, err);
  return {code, out.str(), err.str()};
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) result.push_back(line);
  return result;
}

using list = std::vector<std::string>;

}  // namespace

TEST_CASE("cron next prints five fire times after now by default", "[cron][cli]") {
  const auto r = run({"next", "*/15 * * * *"});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(lines(r.out) == list{"2026-11-22T10:15:00.000Z", "2026-11-22T10:30:00.000Z",
                             "2026-11-22T10:45:00.000Z", "2026-11-22T11:00:00.000Z",
                             "2026-11-22T11:15:00.000Z"});
}

TEST_CASE("cron next with --count, --from and --tz", "[cron][cli]") {
  const auto r = run({"next", "--count", "3", "--from", "2026-01-01T00:00:00Z", "--tz",
                      "Europe/Berlin", "0 9 * * MON-FRI"});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  // 2026-01-01 is a Thursday; 09:00 CET is 08:00Z.
  CHECK(lines(r.out) == list{"2026-01-01T08:00:00.000Z", "2026-01-02T08:00:00.000Z",
                             "2026-01-05T08:00:00.000Z"});
}

TEST_CASE("cron next accepts --name=value and the expression anywhere", "[cron][cli]") {
  const auto a = run({"next", "--count=2", "--from=2026-03-08T01:00:00-05:00",
                      "--tz=America/New_York", "30 2 * * *"});
  const auto b = run({"next", "30 2 * * *", "--tz", "America/New_York", "--count", "2",
                      "--from", "2026-03-08T11:00:00.000Z"});
  CHECK(a.code == 0);
  CHECK(b.code == 0);
  CHECK(lines(a.out) == list{"2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"});
  CHECK(lines(b.out) == list{"2026-03-09T06:30:00.000Z", "2026-03-10T06:30:00.000Z"});
  const auto c = run({"next", "--count", "1", "--from", "2026-01-01T00:00:00Z", "--", "@daily"});
  CHECK(c.code == 0);
  CHECK(lines(c.out) == list{"2026-01-02T00:00:00.000Z"});
}

TEST_CASE("cron next output is strictly increasing", "[cron][cli]") {
  const auto r = run({"next", "--count", "1000", "--from", "2026-03-01T00:00:00Z", "--tz",
                      "America/New_York", "*/17 1-3 * * *"});
  REQUIRE(r.code == 0);
  const auto out = lines(r.out);
  REQUIRE(out.size() == 1000);
  for (std::size_t i = 0; i < out.size(); ++i) {
    INFO("line " << i << ": " << out[i]);
    REQUIRE(out[i].size() == 24);
    const auto t = taskhook::parse_iso8601(out[i]);
    REQUIRE(t);
    CHECK(taskhook::format_iso_ms(*t) == out[i]);
    if (i > 0) CHECK(out[i - 1] < out[i]);
  }
}

TEST_CASE("cron next --count bounds", "[cron][cli]") {
  CHECK(lines(run({"next", "--count", "1", "* * * * *"}).out).size() == 1);
  CHECK(lines(run({"next", "--count", "1000", "* * * * * *"}).out).size() == 1000);
  CHECK(lines(run({"next", "--count", "007", "* * * * *"}).out).size() == 7);
  for (const char* bad : {"0", "1001", "-1", "+5", "abc", "", "5x", "1e3", "99999999999"}) {
    INFO("count: \"" << bad << "\"");
    const auto r = run({"next", "--count", bad, "* * * * *"});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "--count: expected an integer 1-1000, got \"" + std::string(bad) + "\"\n");
  }
}

TEST_CASE("cron next rejects a bad zone, instant or expression with exit 2", "[cron][cli]") {
  struct row {
    std::vector<std::string> args;
    std::string err;
  };
  const row rows[] = {
      {{"next", "--tz", "Mars/Base", "* * * * *"}, "--tz: unknown time zone \"Mars/Base\"\n"},
      {{"next", "--tz=", "* * * * *"}, "--tz: unknown time zone \"\"\n"},
      {{"next", "--from", "2026-11-22T10:00:00", "* * * * *"},
       "--from: expected ISO-8601 with Z or an offset, got \"2026-11-22T10:00:00\"\n"},
      {{"next", "--from", "2026-02-30T00:00:00Z", "* * * * *"},
       "--from: expected ISO-8601 with Z or an offset, got \"2026-02-30T00:00:00Z\"\n"},
      {{"next", "0 25 * * *"}, "schedule: field 2 (hour): 25 is out of range 0-23\n"},
      {{"next", "0 0 30 2 *"},
       "schedule: field 3 (day-of-month), field 4 (month): the schedule can never fire "
       "(no selected month has a day 30)\n"},
      {{"next", "-5 * * * *"},
       "schedule: field 1 (minute): expected a value at the start of \"-5\"\n"},
      {{"next"}, "missing EXPR (see --help)\n"},
      {{"next", "0", "9", "*", "*", "*"},
       "expected one EXPR argument, got 5 (quote the expression, e.g. '0 9 * * MON-FRI')\n"},
      {{"next", "--count"}, "--count: missing value\n"},
      {{"next", "* * * * *", "--tz"}, "--tz: missing value\n"},
      {{"next", "--count", "2", "--count", "3", "* * * * *"}, "--count: given more than once\n"},
      {{"next", "--zone", "UTC", "* * * * *"}, "unknown option \"--zone\" (see --help)\n"},
      {{"prev", "* * * * *"}, "unknown command \"prev\", expected \"next\" (see --help)\n"},
  };
  for (const row& r : rows) {
    std::string joined;
    for (const auto& a : r.args) joined += "[" + a + "] ";
    INFO("args: " << joined);
    const auto result = run(r.args);
    CHECK(result.code == 2);
    CHECK(result.out.empty());
    CHECK(result.err == r.err);
  }
}

TEST_CASE("cron with no arguments prints usage to stderr", "[cron][cli]") {
  const auto r = run({});
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("usage: taskhook cron next") != std::string::npos);
}

TEST_CASE("cron next --help prints usage and exits 0", "[cron][cli]") {
  for (const auto& args : {std::vector<std::string>{"next", "--help"},
                           std::vector<std::string>{"next", "-h"},
                           std::vector<std::string>{"--help"},
                           std::vector<std::string>{"next", "--count", "0", "--help"}}) {
    const auto r = run(args);
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("usage: taskhook cron next [--count N] [--from ISO] [--tz ZONE] EXPR") !=
          std::string::npos);
  }
}

TEST_CASE("cron next prints years past 9999 in expanded form", "[cron][cli]") {
  const auto r = run({"next", "--count", "3", "--from", "9999-12-31T23:59:59.999Z", "0 0 29 2 *"});
  CHECK(r.code == 0);
  CHECK(lines(r.out) == list{"+10000-02-29T00:00:00.000Z", "+10004-02-29T00:00:00.000Z",
                             "+10008-02-29T00:00:00.000Z"});
}
