// Dashboard stats read per-minute counts, not every log row of the day. Against
// a real PostgreSQL, whatever the batches, retries, deletions and pruning, they
// must equal the definition: every log row of the tenant's tasks that are not
// deleted, with executionTime in [now - 24 h, now], also while rows stamped
// after now are already stored. Log list totals, read from the same counts,
// must equal a count of the rows in their window.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/read_models.hpp"
#include "core/task_input.hpp"
#include "core/time_format.hpp"
#include "core/uuid.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/pg_store.hpp"
#include "support/pg.hpp"

using namespace taskhook;
using namespace taskhook::test;
using std::chrono::milliseconds;

namespace {

const uuid tenant_a = *uuid::parse("00000000-0000-0000-0000-00000000000a");
const uuid tenant_b = *uuid::parse("00000000-0000-0000-0000-00000000000b");

uuid task_id(int i) {
  return *uuid::parse("00000000-0000-4000-8000-00000000010" + std::to_string(i));
}

/// The definition, straight from task_logs.
std::vector<std::string> counted(const std::string& url, const uuid& tenant, instant now) {
  std::string at = "'";  // (built in steps: GCC 12 warns wrongly on "'" + a + b)
  at.append(format_iso_ms(now)).append("'::timestamptz");
  return query(url, R"sql(
SELECT count(*), count(*) FILTER (WHERE status = 'SUCCESS'), count(*) FILTER (WHERE status = 'FAILED'),
       count(*) FILTER (WHERE status = 'RETRYING'), count(*) FILTER (WHERE status = 'SKIPPED')
FROM task_logs l WHERE tenant_id = ')sql" + tenant.str() + "' AND execution_time >= " + at +
                            " - interval '24 hours' AND execution_time <= " + at +
                            " AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = l.task_id "
                            "AND t.deleted_at IS NOT NULL)")[0];
}

std::vector<std::string> from_stats(db::pg_catalog& cat, const uuid& tenant, instant now) {
  auto st = cat.stats(tenant, now);
  REQUIRE(st.has_value());
  return {std::to_string(st->executions), std::to_string(st->success), std::to_string(st->failed),
          std::to_string(st->retrying), std::to_string(st->skipped)};
}

/// Every migration applied, and tenants a and b.
void migrate_with_two_tenants(const scratch_database& db) {
  auto conn = db::connection::open(db.url());
  REQUIRE(conn.has_value());
  REQUIRE(db::migrate(*conn, db::builtin_migrations()).has_value());
  query(db.url(), "INSERT INTO tenants (id, name) VALUES ('" + tenant_a.str() + "', 'a'), ('" +
                      tenant_b.str() + "', 'b')");
}

}  // namespace

TEST_CASE("stats from per-minute counts equal a count of the log rows", "[store][stats]") {
  scratch_database db;
  migrate_with_two_tenants(db);
  for (int i = 0; i < 5; ++i)
    query(db.url(), "INSERT INTO tasks (id, tenant_id, name, schedule, webhook_url, payload) VALUES ('" +
                        task_id(i).str() + "', '" + (i < 4 ? tenant_a : tenant_b).str() +
                        "', 't', '* * * * * *', 'u', '{}')");
  db::pg_store store(db.url());
  db::pg_catalog catalog(db.url());

  // Now, to the millisecond: deleting and pruning go by the server's clock.
  const auto t = std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
  const instant edge = t - std::chrono::hours(24);
  std::uint64_t seed = 7;
  auto rng = [&seed] { return seed = seed * 6364136223846793005ull + 1442695040888963407ull; };
  auto rows_at = [&](std::vector<instant> times, int only_task) {
    std::vector<attempt_row> rows;
    for (auto at : times) {
      attempt_row r;
      r.id = make_uuid_v7(static_cast<std::uint64_t>(at.time_since_epoch().count()),
                          static_cast<std::uint16_t>(rng() >> 52), rng);
      int task = only_task >= 0 ? only_task : static_cast<int>(rng() >> 33) % 5;
      r.task_id = task_id(task);
      r.tenant_id = task < 4 ? tenant_a : tenant_b;
      r.scheduled_for = r.execution_time = at;
      r.status = static_cast<attempt_status>((rng() >> 40) % 4);
      rows.push_back(r);
    }
    return rows;
  };
  auto write = [&](const std::vector<attempt_row>& rows) {
    std::string err;
    for (std::size_t at = 0, batch = 0; at < rows.size(); ++batch) {
      std::size_t n = std::min<std::size_t>(rows.size() - at, 1 + (rng() >> 40) % 300);
      std::span<const attempt_row> part(rows.data() + at, n);
      REQUIRE(store.write_batch(part, {}, err) == write_status::ok);
      if (batch % 5 == 0) REQUIRE(store.write_batch(part, {}, err) == write_status::ok);  // a retry
      at += n;
    }
  };
  // Spread over the last 25 hours, dense around the 24-hour edge (which the
  // queries below move across by up to 3 minutes), and on its exact boundaries.
  std::vector<instant> times;
  for (int i = 0; i < 1500; ++i)
    times.push_back(t - milliseconds(rng() % (25ull * 3600 * 1000)));
  for (int i = 0; i < 2500; ++i)
    times.push_back(edge - std::chrono::minutes(2) + milliseconds(rng() % (6ull * 60 * 1000)));
  const auto minute = std::chrono::floor<std::chrono::minutes>(edge);
  for (auto at : {edge, edge - milliseconds(1), instant(minute), instant(minute + std::chrono::minutes(1)),
                  instant(minute + std::chrono::minutes(1)) - milliseconds(1), t})
    for (int k = 0; k < 5; ++k) times.push_back(at);
  // Rows stamped after some of the nows below (written while a request was on
  // its way), in the same minutes.
  for (int i = 0; i < 200; ++i) times.push_back(t + milliseconds(1 + rng() % 150'000));
  write(rows_at(times, -1));

  const std::vector<instant> nows = {
      t, t + milliseconds(17'345), instant(minute + std::chrono::minutes(24 * 60 + 1)),
      instant(minute + std::chrono::minutes(24 * 60 + 2)) - milliseconds(1),
      t + std::chrono::minutes(2) + milliseconds(500)};
  // GET /api/logs totals over windows of the last 24 hours (deleted tasks'
  // attempts included there), and one older window that is counted row by row.
  auto window_totals_agree = [&](const char* when) {
    for (int i = 0; i < 40; ++i) {
      log_query q;
      q.tenant = i % 2 ? tenant_a : tenant_b;
      q.page = 2;  // with one row a page, the total is always computed
      q.limit = 1;
      const auto back = i == 0 ? std::chrono::hours(30) : milliseconds(rng() % (23ull * 3600 * 1000));
      q.from = i % 5 == 1 ? instant(std::chrono::floor<std::chrono::minutes>(t - back)) : t - back;
      if (i % 3 != 0) {
        auto span = milliseconds(rng() % (i % 4 == 0 ? 90'000ull : 3ull * 3600 * 1000));
        q.to = i % 7 == 2 ? instant(std::chrono::floor<std::chrono::minutes>(*q.from + span)) : *q.from + span;
      }
      if (i % 4 == 3) q.status = static_cast<attempt_status>(rng() % 4);
      std::string where = "tenant_id = '" + q.tenant.str() + "' AND execution_time >= '" +
                          format_iso_ms(*q.from) + "'";
      if (q.to) where += " AND execution_time < '" + format_iso_ms(*q.to) + "'";
      if (q.status) where += " AND status = '" + std::string(to_string(*q.status)) + "'";
      auto page = catalog.list_logs(q);
      REQUIRE(page.has_value());
      INFO(when << ", window " << where);
      CHECK(std::to_string(page->total) == query(db.url(), "SELECT count(*) FROM task_logs WHERE " + where)[0][0]);
    }
  };
  auto all_agree = [&](const char* when) {
    for (auto now : nows)
      for (const auto& tenant : {tenant_a, tenant_b}) {
        INFO(when << ", now " << now.time_since_epoch().count() << " ms, tenant " << tenant.str());
        CHECK(from_stats(catalog, tenant, now) == counted(db.url(), tenant, now));
      }
    window_totals_agree(when);
  };
  all_agree("after the batches");
  CHECK(std::stoll(counted(db.url(), tenant_a, t)[0]) > 1000);  // the test counts something

  // A deleted task leaves with its rows; attempts still in flight when it was
  // deleted arrive after and are not counted either.
  auto deleted = store.delete_task(tenant_a, task_id(2));
  REQUIRE(deleted.has_value());
  CHECK(*deleted > 1);  // the revision that deleted it
  write(rows_at({t - std::chrono::hours(3), edge + milliseconds(30'000), t}, 2));
  write(rows_at({t - std::chrono::hours(2), edge + milliseconds(40'000), t}, -1));
  all_agree("after deleting a task");
  auto again = store.delete_task(tenant_a, task_id(2));
  REQUIRE(again.has_value());
  CHECK(*again == 0);  // a second delete takes nothing out twice
  all_agree("after deleting it again");

  // Retention drops minutes older than 25 hours; the 24-hour window keeps its counts.
  const auto before = query(db.url(), "SELECT now()::text")[0][0];  // pruning goes by a later now()
  db::pg_pruner pruner(db.url());
  REQUIRE(pruner.prune(t - std::chrono::hours(48), 1000).has_value());
  CHECK(query(db.url(), "SELECT count(*) FROM task_log_minutes WHERE minute < '" + before +
                            "'::timestamptz - interval '25 hours'")[0][0] == "0");
  CHECK(query(db.url(), "SELECT count(*) FROM task_log_minutes")[0][0] != "0");
  all_agree("after pruning");

  // Rows imported or removed by hand, around the minutes the queries split.
  const std::string edge_iso = format_iso_ms(edge);
  query(db.url(), "INSERT INTO task_logs (task_id, tenant_id, scheduled_for, execution_time, status) "
                  "SELECT CASE WHEN g % 3 = 0 THEN '" + task_id(2).str() + "'::uuid ELSE '" +
                      task_id(1).str() + "'::uuid END, '" + tenant_a.str() + "', now(), '" + edge_iso +
                      "'::timestamptz + g * interval '997 ms', "
                      "(ARRAY['SUCCESS', 'FAILED', 'RETRYING', 'SKIPPED'])[1 + g % 4] "
                      "FROM generate_series(1, 400) g");
  query(db.url(), "DELETE FROM task_logs WHERE id IN (SELECT id FROM task_logs WHERE execution_time > '" +
                      edge_iso + "'::timestamptz + interval '30 seconds' ORDER BY id LIMIT 300)");
  all_agree("after rows added and removed by hand");
}

TEST_CASE("the migration counts the rows already logged", "[store][stats][migrations]") {
  scratch_database db;
  auto conn = db::connection::open(db.url());
  REQUIRE(conn.has_value());
  auto all = db::builtin_migrations();
  REQUIRE(all.size() >= 3);
  REQUIRE(db::migrate(*conn, all.first(2)).has_value());
  query(db.url(), "INSERT INTO tenants (id, name) VALUES ('" + tenant_a.str() + "', 'a')");
  for (int i = 0; i < 2; ++i)
    query(db.url(), "INSERT INTO tasks (id, tenant_id, name, schedule, webhook_url, payload) VALUES ('" +
                        task_id(i).str() + "', '" + tenant_a.str() + "', 't', '* * * * *', 'u', '{}')");
  query(db.url(), "UPDATE tasks SET deleted_at = now() WHERE id = '" + task_id(1).str() + "'");
  query(db.url(),
        "INSERT INTO task_logs (task_id, tenant_id, scheduled_for, execution_time, status) "
        "SELECT CASE WHEN g % 3 = 0 THEN '" + task_id(1).str() + "'::uuid ELSE '" + task_id(0).str() +
            "'::uuid END, '" + tenant_a.str() + "', now(), now() - g * interval '1 minute', "
            "(ARRAY['SUCCESS', 'FAILED', 'RETRYING', 'SKIPPED'])[1 + g % 4] "
            "FROM generate_series(1, 2000) g");
  REQUIRE(db::migrate(*conn, all).has_value());
  db::pg_catalog catalog(db.url());
  const auto now = std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
  CHECK(from_stats(catalog, tenant_a, now) == counted(db.url(), tenant_a, now));
  CHECK(std::stoll(counted(db.url(), tenant_a, now)[0]) > 500);
  // The log listing keeps the deleted task's attempts in its totals.
  log_query q;
  q.tenant = tenant_a;
  q.from = now - std::chrono::hours(23) - milliseconds(500);
  q.page = 2;
  q.limit = 1;
  auto page = catalog.list_logs(q);
  REQUIRE(page.has_value());
  CHECK(std::to_string(page->total) ==
        query(db.url(), "SELECT count(*) FROM task_logs WHERE execution_time >= '" +
                            format_iso_ms(*q.from) + "'")[0][0]);
}

TEST_CASE("task counts kept by triggers equal a count of the tasks", "[store][stats]") {
  scratch_database db;
  migrate_with_two_tenants(db);
  db::pg_store store(db.url());
  db::pg_catalog catalog(db.url());
  const auto now = std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
  std::uint64_t seed = 11;
  auto rng = [&seed] { return (seed = seed * 6364136223846793005ull + 1442695040888963407ull) >> 33; };

  auto agree = [&](const char* when) {
    for (const auto& tenant : {tenant_a, tenant_b}) {
      INFO(when << ", tenant " << tenant.str());
      auto direct = query(db.url(), R"sql(
SELECT count(*), count(*) FILTER (WHERE status = 'ACTIVE'), count(*) FILTER (WHERE status = 'INACTIVE'),
       count(*) FILTER (WHERE status = 'FAILED'), count(*) FILTER (WHERE name LIKE '%7%'),
       count(*) FILTER (WHERE name LIKE '%7%' AND status = 'FAILED')
FROM tasks WHERE deleted_at IS NULL AND tenant_id = ')sql" + tenant.str() + "'")[0];
      auto st = catalog.stats(tenant, now);
      REQUIRE(st.has_value());
      CHECK(std::vector<std::string>{std::to_string(st->total_tasks), std::to_string(st->active_tasks),
                                     std::to_string(st->inactive_tasks), std::to_string(st->failed_tasks)} ==
            std::vector<std::string>(direct.begin(), direct.begin() + 4));
      // List totals: page 2 of 1-row pages needs the count, as a client paging does.
      auto total = [&](std::optional<task_status> status, std::optional<std::string> search) {
        task_query q;
        q.tenant = tenant;
        q.page = 2;
        q.limit = 1;
        q.status = status;
        q.search = std::move(search);
        auto page = catalog.list_tasks(q);
        REQUIRE(page.has_value());
        return std::to_string(page->total);
      };
      CHECK(total(std::nullopt, std::nullopt) == direct[0]);
      CHECK(total(task_status::active, std::nullopt) == direct[1]);
      CHECK(total(task_status::inactive, std::nullopt) == direct[2]);
      CHECK(total(task_status::failed, std::nullopt) == direct[3]);
      CHECK(total(std::nullopt, "7") == direct[4]);
      CHECK(total(task_status::failed, "7") == direct[5]);
    }
  };

  // Through the store, as the API and the actors write.
  std::vector<task_record> made;
  for (int i = 0; i < 60; ++i) {
    task_record t;
    t.id = make_uuid_v7(static_cast<std::uint64_t>(now.time_since_epoch().count()),
                        static_cast<std::uint16_t>(i), rng);
    t.tenant_id = i % 3 == 0 ? tenant_b : tenant_a;
    t.name = "task " + std::to_string(i);
    t.schedule = "0 * * * *";
    t.webhook_url = "https://discord.com/api/webhooks/1/x";
    t.payload = std::make_shared<const std::string>("{}");
    t.status = i % 4 == 0 ? task_status::inactive : task_status::active;
    auto created = store.create_task(t, now);
    REQUIRE(created.has_value());
    made.push_back(*created);
  }
  agree("after creating");
  for (int i = 0; i < 200; ++i) {
    const auto& t = made[rng() % made.size()];
    switch (rng() % 4) {
      case 0: REQUIRE(store.toggle_task(t.tenant_id, t.id, now).has_value()); break;
      case 1: {
        task_input in;
        in.status = static_cast<task_status>(rng() % 3);
        in.name = "renamed " + std::to_string(i);
        REQUIRE(store.patch_task(t.tenant_id, t.id, in, now).has_value());
        break;
      }
      case 2: {  // a task actor giving up: FAILED through write_batch, at the task's revision
        auto rev = query(db.url(), "SELECT revision FROM tasks WHERE id = '" + t.id.str() + "'");
        if (rev.empty()) break;
        task_progress p;
        p.task_id = t.id;
        p.revision = std::stoll(rev[0][0]);
        p.status = task_status::failed;
        p.status_reason = "gave up";
        std::string err;
        REQUIRE(store.write_batch({}, std::span<const task_progress>(&p, 1), err) == write_status::ok);
        break;
      }
      default:
        if (rng() % 4 == 0) REQUIRE(store.delete_task(t.tenant_id, t.id).has_value());
    }
  }
  agree("after changes through the store");
  CHECK(query(db.url(), "SELECT count(*) FROM tasks WHERE status = 'FAILED' AND deleted_at IS NULL")[0][0] != "0");

  // Plain SQL too: a bulk load, a bulk status change, a hard delete, a truncate.
  query(db.url(), "INSERT INTO tasks (tenant_id, name, schedule, webhook_url, payload, status) "
                  "SELECT CASE WHEN g % 2 = 0 THEN '" + tenant_a.str() + "'::uuid ELSE '" +
                      tenant_b.str() + "'::uuid END, 'bulk ' || g, '* * * * *', 'u', '{}', "
                      "(ARRAY['ACTIVE', 'INACTIVE', 'FAILED'])[1 + g % 3] FROM generate_series(1, 5000) g");
  agree("after a bulk load");
  query(db.url(), "UPDATE tasks SET status = 'INACTIVE' WHERE name LIKE 'bulk %7'");
  query(db.url(), "UPDATE tasks SET deleted_at = now() WHERE name LIKE 'bulk %3'");
  query(db.url(), "DELETE FROM tasks WHERE name LIKE 'bulk %1'");
  agree("after SQL changes");
  query(db.url(), "TRUNCATE tasks");
  agree("after a truncate");
}
