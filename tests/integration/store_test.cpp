// The db_actor's store against a real PostgreSQL: a batch written twice (a
// retry after a lost reply) is stored once, and rows without an id still go in.
#include <catch2/catch.hpp>

#include "core/uuid.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/pg_store.hpp"
#include "support/pg.hpp"

using namespace taskhook;
using namespace taskhook::test;

TEST_CASE("a retried batch is stored once; rows keep the ids they were given", "[store]") {
  scratch_database db;
  {
    auto conn = db::connection::open(db.url());
    REQUIRE(conn.has_value());
    REQUIRE(db::migrate(*conn, db::builtin_migrations()).has_value());
  }
  query(db.url(), "INSERT INTO tenants (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 't')");
  db::pg_store store(db.url());

  std::uint64_t n = 1;
  auto rng = [&n] { return n = n * 6364136223846793005ull + 1442695040888963407ull; };
  std::vector<attempt_row> rows(3);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& r = rows[i];
    r.id = make_uuid_v7(1795258800000, static_cast<std::uint16_t>(i), rng);
    r.task_id = *uuid::parse("00000000-0000-4000-8000-000000000009");
    r.tenant_id = *uuid::parse("00000000-0000-0000-0000-000000000001");
    r.scheduled_for = r.execution_time = instant(std::chrono::milliseconds(1795258800000));
    r.message = "204 No Content";
  }
  rows[2].id = uuid{};  // not from the db_actor: PostgreSQL makes one
  rows[1].message = R"(500 {"message": "say \"hi\"", "path": "C:\dir\"}, NULL)";

  std::string err;
  REQUIRE(store.write_batch(rows, {}, err) == write_status::ok);
  rows[2].id = *uuid::parse("00000000-0000-7000-8000-0000000000ff");  // a new row on the retry
  REQUIRE(store.write_batch(rows, {}, err) == write_status::ok);
  CHECK(query(db.url(), "SELECT count(*) FROM task_logs")[0][0] == "4");
  CHECK(query(db.url(), "SELECT count(*) FROM task_logs WHERE id = '" + rows[0].id.str() +
                            "'")[0][0] == "1");
  // Quotes, backslashes, braces and the word NULL survive the array literal.
  CHECK(query(db.url(), "SELECT message FROM task_logs WHERE id = '" + rows[1].id.str() +
                            "'")[0][0] == rows[1].message);
}
