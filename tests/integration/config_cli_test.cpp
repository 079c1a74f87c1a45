// The binary's start-up contract: a bad configuration is one line on stderr and
// exit code 2, before any connection is attempted.
#include <catch2/catch.hpp>

#include <algorithm>

#include "support/process.hpp"

using namespace taskhook::test;

namespace {

const std::string unreachable_db = "postgresql://nobody@/nodb?host=/nonexistent&port=1";
const std::string good_key = "0123456789abcdef0123";

run_result serve_with(std::map<std::string, std::string> env) {
  return run_command({TASKHOOK_BINARY, "serve"}, env, std::chrono::seconds(20));
}

std::size_t line_count(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

TEST_CASE("serve with PORT=abc exits 2 with one line naming the variable", "[config]") {
  auto r = serve_with({{"PORT", "abc"}, {"DATABASE_URL", unreachable_db}, {"API_KEY", good_key}});
  CHECK(r.exit_code == 2);
  CHECK(r.out == "PORT=abc: expected an integer 1-65535\n");
}

TEST_CASE("serve with an unparsable DATABASE_URL exits 2 and hides the password", "[config]") {
  auto bad_port = serve_with({{"DATABASE_URL", "postgresql://user:hunter2@host:notaport/db"},
                              {"API_KEY", good_key}});
  CHECK(bad_port.exit_code == 2);
  CHECK(line_count(bad_port.out) == 1);
  CHECK(bad_port.out ==
        "DATABASE_URL=postgresql://user:****@host:notaport/db: expected a PostgreSQL URI or "
        "key=value conninfo (invalid port \"notaport\")\n");

  auto bad_param = serve_with({{"DATABASE_URL", "postgresql://user:hunter2@host/db?colour=red"},
                               {"API_KEY", good_key}});
  CHECK(bad_param.exit_code == 2);
  CHECK(line_count(bad_param.out) == 1);
  CHECK(bad_param.out.rfind("DATABASE_URL=postgresql://user:****@host/db?colour=red: expected", 0) == 0);
  CHECK(bad_param.out.find("hunter2") == std::string::npos);

  auto bad_kv = serve_with({{"DATABASE_URL", "host=db password=hunter2 nonsense"},
                            {"API_KEY", good_key}});
  CHECK(bad_kv.exit_code == 2);
  CHECK(bad_kv.out.find("hunter2") == std::string::npos);
}

TEST_CASE("serve without DATABASE_URL or API_KEY exits 2", "[config]") {
  auto no_db = serve_with({{"API_KEY", good_key}});
  CHECK(no_db.exit_code == 2);
  CHECK(no_db.out.rfind("DATABASE_URL is not set", 0) == 0);

  auto no_key = serve_with({{"DATABASE_URL", unreachable_db}});
  CHECK(no_key.exit_code == 2);
  CHECK(no_key.out.rfind("API_KEY is not set", 0) == 0);
  CHECK(line_count(no_key.out) == 1);

  auto short_key = serve_with({{"DATABASE_URL", unreachable_db}, {"API_KEY", "short"}});
  CHECK(short_key.exit_code == 2);
  CHECK(short_key.out.find("short") == std::string::npos);  // a secret is never echoed
}

TEST_CASE("migrate needs no API_KEY but checks the rest", "[config]") {
  auto r = run_command({TASKHOOK_BINARY, "migrate"},
                       {{"DATABASE_URL", unreachable_db}, {"LOG_FORMAT", "xml"}});
  CHECK(r.exit_code == 2);
  CHECK(r.out == "LOG_FORMAT=xml: expected text or json\n");
}

TEST_CASE("the command line answers --help, --version and rejects unknown commands", "[cli]") {
  auto help = run_command({TASKHOOK_BINARY, "--help"}, {});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("taskhook migrate") != std::string::npos);

  auto version = run_command({TASKHOOK_BINARY, "--version"}, {});
  CHECK(version.exit_code == 0);
  CHECK(version.out == "taskhook " TASKHOOK_VERSION_STRING "\n");

  auto unknown = run_command({TASKHOOK_BINARY, "frobnicate"}, {});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.out.find("unknown command \"frobnicate\"") != std::string::npos);
}

TEST_CASE("cron next prints fire times without a database or key", "[cli][cron]") {
  auto r = run_command({TASKHOOK_BINARY, "cron", "next", "--count", "3", "--from",
                        "2026-11-22T10:00:00Z", "0 */6 * * *"},
                       {});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "2026-11-22T12:00:00.000Z\n2026-11-22T18:00:00.000Z\n2026-11-23T00:00:00.000Z\n");

  auto bad = run_command({TASKHOOK_BINARY, "cron", "next", "0 25 * * *"}, {});
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.find("field 2 (hour): 25 is out of range 0-23") != std::string::npos);
}
