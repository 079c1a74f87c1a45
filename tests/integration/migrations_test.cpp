// Migrations against a real PostgreSQL: applied once, verified after, refused
// when an applied file changed, rolled back when one fails.
#include <catch2/catch.hpp>

#include "core/embedded_file.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "support/pg.hpp"
#include "support/process.hpp"

using namespace taskhook;
using namespace taskhook::test;

namespace {

db::connection connect(const std::string& url) {
  auto c = db::connection::open(url);
  REQUIRE(c.has_value());
  return std::move(*c);
}

std::string count(const std::string& url, const std::string& sql) { return query(url, sql)[0][0]; }

}  // namespace

TEST_CASE("the built-in migrations create the schema, and a second run changes nothing",
          "[migrations]") {
  scratch_database db;
  auto conn = connect(db.url());

  auto first = db::migrate(conn, db::builtin_migrations());
  REQUIRE(first.has_value());
  CHECK(first->applied == static_cast<int>(db::builtin_migrations().size()));
  CHECK(first->up_to_date == 0);

  for (const char* table : {"tenants", "api_keys", "tasks", "task_logs", "schema_migrations"})
    CHECK(count(db.url(), std::string("SELECT count(*) FROM information_schema.tables WHERE "
                                      "table_name = '") + table + "'") == "1");
  auto recorded = count(db.url(), "SELECT count(*) FROM schema_migrations");

  auto second = db::migrate(conn, db::builtin_migrations());
  REQUIRE(second.has_value());
  CHECK(second->applied == 0);
  CHECK(second->up_to_date == first->applied);
  CHECK(count(db.url(), "SELECT count(*) FROM schema_migrations") == recorded);
}

TEST_CASE("the schema enforces what the API promises", "[migrations]") {
  scratch_database db;
  auto conn = connect(db.url());
  REQUIRE(db::migrate(conn, db::builtin_migrations()).has_value());
  query(db.url(), "INSERT INTO tenants (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 't')");
  auto insert_task = [&](const std::string& status, int max_retry) {
    return conn.exec(
        "INSERT INTO tasks (tenant_id, name, schedule, webhook_url, payload, max_retry, status) "
        "VALUES ('00000000-0000-0000-0000-000000000001', 'n', '* * * * *', 'u', '{}', " +
        std::to_string(max_retry) + ", '" + status + "')");
  };
  CHECK(insert_task("ACTIVE", 3).has_value());
  CHECK_FALSE(insert_task("PAUSED", 3).has_value());
  CHECK_FALSE(insert_task("ACTIVE", 11).has_value());
  // A constraint error names the constraint, not the row: its DETAIL would quote
  // the webhook URL, token included, into the logs.
  auto leaked = conn.exec(
      "INSERT INTO tasks (tenant_id, name, schedule, webhook_url, payload, max_retry) VALUES "
      "('00000000-0000-0000-0000-000000000001', 'n', '* * * * *', "
      "'https://discord.com/api/webhooks/1/SECRET-TOKEN', '{}', 99)");
  REQUIRE_FALSE(leaked.has_value());
  CHECK(leaked.error_message().find("SECRET-TOKEN") == std::string::npos);
  CHECK(leaked.error_message().find("max_retry") != std::string::npos);
  // threadId goes into the send's URL: only a Discord id may be stored.
  auto with_thread = [&](const std::string& thread) {
    return conn.exec(
        "INSERT INTO tasks (tenant_id, name, schedule, webhook_url, payload, thread_id) "
        "VALUES ('00000000-0000-0000-0000-000000000001', 'n', '* * * * *', 'u', '{}', '" +
        thread + "')");
  };
  CHECK(with_thread("1234567890123456789").has_value());
  CHECK_FALSE(with_thread("12&wait=false").has_value());
  CHECK_FALSE(with_thread("0").has_value());
  CHECK_FALSE(with_thread("").has_value());
  auto log_status = conn.exec(
      "INSERT INTO task_logs (task_id, tenant_id, scheduled_for, execution_time, status) VALUES "
      "(gen_random_uuid(), gen_random_uuid(), now(), now(), 'SKIPPED')");
  CHECK(log_status.has_value());
  auto bad_trigger = conn.exec(
      "INSERT INTO task_logs (task_id, tenant_id, scheduled_for, execution_time, status, trigger) "
      "VALUES (gen_random_uuid(), gen_random_uuid(), now(), now(), 'SUCCESS', 'cron')");
  CHECK_FALSE(bad_trigger.has_value());
}

TEST_CASE("a changed migration that was already applied is an error", "[migrations]") {
  scratch_database db;
  auto conn = connect(db.url());
  REQUIRE(db::migrate(conn, db::builtin_migrations()).has_value());
  query(db.url(), "UPDATE schema_migrations SET checksum = 'abc' WHERE version = 1");

  auto again = db::migrate(conn, db::builtin_migrations());
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error_message().find("0001_initial_schema.sql: already applied with checksum abc") !=
        std::string::npos);
}

TEST_CASE("a failing migration is rolled back and not recorded", "[migrations]") {
  scratch_database db;
  auto conn = connect(db.url());
  const std::string good = "CREATE TABLE a (x int);";
  const std::string bad = "CREATE TABLE b (x int); SELECT no_such_function();";
  const embedded_file files[] = {
      {"0001_a.sql", good.data(), good.size(), "sum-a"},
      {"0002_b.sql", bad.data(), bad.size(), "sum-b"},
  };
  auto r = db::migrate(conn, files);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error_message().rfind("0002_b.sql: ", 0) == 0);
  CHECK(count(db.url(), "SELECT count(*) FROM schema_migrations") == "1");
  CHECK(count(db.url(), "SELECT count(*) FROM information_schema.tables WHERE table_name = 'b'") ==
        "0");

  // Misnumbered files are refused before anything runs.
  const embedded_file misnumbered[] = {{"0003_c.sql", good.data(), good.size(), "x"},
                                       {"0002_d.sql", good.data(), good.size(), "y"}};
  auto m = db::migrate(conn, misnumbered);
  REQUIRE_FALSE(m.has_value());
  CHECK(m.error_message().find("increasing numbers") != std::string::npos);
}

TEST_CASE("taskhook migrate run twice against the same database succeeds both times",
          "[migrations][cli]") {
  scratch_database db;
  std::map<std::string, std::string> env{{"DATABASE_URL", db.url()}};
  auto first = run_command({TASKHOOK_BINARY, "migrate"}, env);
  INFO(first.out);
  CHECK(first.exit_code == 0);
  const auto n = std::to_string(db::builtin_migrations().size());
  CHECK(first.out.find(n + " applied, 0 already up to date") != std::string::npos);
  auto second = run_command({TASKHOOK_BINARY, "migrate"}, env);
  INFO(second.out);
  CHECK(second.exit_code == 0);
  CHECK(second.out.find("0 applied, " + n + " already up to date") != std::string::npos);
}
