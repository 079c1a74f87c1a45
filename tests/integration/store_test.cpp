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

TEST_CASE("an owed retry is written with its row, read back at start, and cleared by a change",
          "[store][owed]") {
  scratch_database db;
  {
    auto conn = db::connection::open(db.url());
    REQUIRE(conn.has_value());
    REQUIRE(db::migrate(*conn, db::builtin_migrations()).has_value());
  }
  const auto tenant = *uuid::parse("00000000-0000-0000-0000-000000000001");
  query(db.url(), "INSERT INTO tenants (id, name) VALUES ('" + tenant.str() + "', 't')");
  db::pg_store store(db.url());
  const instant now{std::chrono::milliseconds(1795258800000)};

  task_record t;
  t.id = *uuid::parse("00000000-0000-4000-8000-000000000042");
  t.tenant_id = tenant;
  t.name = "owes";
  t.schedule = "0 * * * *";
  t.webhook_url = "https://discord.com/api/webhooks/1/x";
  t.payload = std::make_shared<const std::string>(R"({"content":"x"})");
  auto created = store.create_task(t, now);
  REQUIRE(created.has_value());
  CHECK_FALSE(created->retry.has_value());

  auto write = [&](task_progress p) {
    std::string err;
    REQUIRE(store.write_batch({}, std::span<const task_progress>(&p, 1), err) == write_status::ok);
  };
  auto loaded = [&]() -> std::optional<task_record> {
    auto all = store.load_active(uuid{}, 10);
    REQUIRE(all.has_value());
    for (auto& r : *all)
      if (r.id == t.id) return r;
    return std::nullopt;
  };
  const owed_retry owed{now + std::chrono::milliseconds(2500), 2,
                        now - std::chrono::minutes(1), run_trigger::manual};

  task_progress set;
  set.task_id = t.id;
  set.revision = created->revision;
  set.set_retry = true;
  set.retry = owed;
  write(set);
  REQUIRE(loaded().has_value());
  CHECK(loaded()->retry == std::optional<owed_retry>(owed));

  // Progress without set_retry leaves it; an old revision's is ignored.
  task_progress other;
  other.task_id = t.id;
  other.revision = created->revision;
  other.last_run_at = now;
  write(other);
  CHECK(loaded()->retry == std::optional<owed_retry>(owed));

  task_progress clear;
  clear.task_id = t.id;
  clear.revision = created->revision;
  clear.set_retry = true;
  write(clear);
  CHECK_FALSE(loaded()->retry.has_value());

  // A change through the API retires the actor that owed it: cleared, and what
  // the retired actor writes afterwards (its revision) does not bring it back.
  write(set);
  task_input rename;
  rename.name = "renamed";
  auto patched = store.patch_task(tenant, t.id, rename, now);
  REQUIRE(patched.has_value());
  REQUIRE(patched->has_value());
  CHECK_FALSE((*patched)->retry.has_value());
  write(set);  // still at the old revision
  CHECK_FALSE(loaded()->retry.has_value());

  // The schema refuses half an owed retry.
  CHECK_THROWS(query(db.url(), "UPDATE tasks SET retry_at = now() WHERE id = '" + t.id.str() + "'"));
}
