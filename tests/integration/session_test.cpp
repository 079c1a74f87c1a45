// db::session against a real PostgreSQL: its settings (UTC, the statement
// timeout the reader actors use) hold on every connection it makes, including the
// one after the server dropped the first; a statement over the timeout is
// cancelled by the server and the session goes on.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "db/session.hpp"
#include "support/pg.hpp"

using namespace std::chrono_literals;
using taskhook::db::session;
using taskhook::test::query;
using taskhook::test::scratch_database;

namespace {

std::string scalar(session& s, const std::string& sql) {
  auto r = s.exec(sql);
  INFO(sql << ": " << (r ? std::string() : r.error_message()));
  REQUIRE(r);
  return std::string(r->get(0, 0));
}

}  // namespace

TEST_CASE("a session's settings hold on each connection, also after the server dropped one",
          "[db][session]") {
  scratch_database db;
  session s(db.url(), 300ms);
  CHECK(scalar(s, "SHOW TIME ZONE") == "UTC");
  CHECK(scalar(s, "SHOW statement_timeout") == "300ms");

  SECTION("a statement over the timeout is cancelled, and the session goes on") {
    auto slow = s.exec("SELECT pg_sleep(30)");
    REQUIRE_FALSE(slow);
    CHECK(slow.error_message().find("statement timeout") != std::string::npos);
    CHECK(scalar(s, "SELECT 1") == "1");
  }
  SECTION("the connection after a dropped one has them too") {
    const std::string pid = scalar(s, "SELECT pg_backend_pid()");
    query(db.url(), "SELECT pg_terminate_backend(" + pid + ")");
    CHECK(scalar(s, "SHOW statement_timeout") == "300ms");  // reconnected on the way
    CHECK(scalar(s, "SHOW TIME ZONE") == "UTC");
    CHECK(scalar(s, "SELECT pg_backend_pid()") != pid);
  }
  SECTION("without a timeout, none is set") {
    session plain(db.url());
    CHECK(scalar(plain, "SHOW statement_timeout") == "0");
  }
}
