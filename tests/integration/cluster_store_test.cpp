// The cluster's rows on a real PostgreSQL (0008_cluster.sql, db/cluster_store):
// partitions by webhook, claims and epochs, renewal of exactly what a node
// trusts, release, and task-state writes fenced by the epoch.
#include <catch2/catch.hpp>

#include <chrono>

#include "core/uuid.hpp"
#include "db/cluster_store.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/pg_store.hpp"
#include "support/pg.hpp"

using namespace taskhook;
using namespace taskhook::test;
using namespace std::chrono_literals;

namespace {

void migrate_db(const std::string& url) {
  auto conn = db::connection::open(url);
  REQUIRE(conn.has_value());
  REQUIRE(db::migrate(*conn, db::builtin_migrations()).has_value());
}

const uuid node_a = *uuid::parse("00000000-0000-4000-8000-00000000000a");
const uuid node_b = *uuid::parse("00000000-0000-4000-8000-00000000000b");

cluster::partition_set none() { return {}; }

}  // namespace

TEST_CASE("a task's partition is FNV-1a of its webhook id, modulo 256, kept on changes",
          "[cluster]") {
  scratch_database db;
  migrate_db(db.url());
  // Literal values worked out by hand outside this code (32-bit FNV-1a of the
  // digits, modulo 256).
  auto p = query(db.url(),
                 "SELECT taskhook_partition('https://discord.com/api/webhooks/123456789/tok'), "
                 "taskhook_partition('https://discord.com/api/webhooks/1000/x'), "
                 "taskhook_partition('https://discord.com/api/webhooks/1001/other-token')");
  CHECK(p[0][0] == "28");
  CHECK(p[0][1] == "196");
  CHECK(p[0][2] == "87");
  query(db.url(), "INSERT INTO tenants (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 't')");
  query(db.url(),
        "INSERT INTO tasks (id, tenant_id, name, schedule, webhook_url, payload) VALUES "
        "('00000000-0000-4000-8000-000000000009', '00000000-0000-0000-0000-000000000001', 'n', "
        "'* * * * *', 'https://discord.com/api/webhooks/1000/x', '{}')");
  CHECK(query(db.url(), "SELECT partition FROM tasks")[0][0] == "196");
  query(db.url(), "UPDATE tasks SET webhook_url = 'https://discord.com/api/webhooks/1001/y', "
                  "revision = revision + 1");
  CHECK(query(db.url(), "SELECT partition FROM tasks")[0][0] == "87");
}

TEST_CASE("claims split the partitions, raise epochs, and renewals keep only what is trusted",
          "[cluster]") {
  scratch_database db;
  migrate_db(db.url());
  db::cluster_store a(db.url()), b(db.url());
  REQUIRE(a.register_node(node_a, "a").has_value());
  REQUIRE(b.register_node(node_b, "b").has_value());

  auto first = a.claim(node_a, 200, none(), 3000ms);
  REQUIRE(first.has_value());
  CHECK(first->size() == 200);
  CHECK(first->front().partition == 0);
  CHECK(first->front().epoch == 1);
  CHECK_FALSE(first->front().previous_owner.has_value());
  auto rest = b.claim(node_b, 200, none(), 3000ms);
  REQUIRE(rest.has_value());
  CHECK(rest->size() == 56);  // only the free ones
  CHECK(rest->front().partition == 200);

  // a trusts only partitions 0 and 1 now: the renewal keeps those alive.
  auto renewed = a.renew(node_a, {{0, 1}, {1, 1}}, 3000ms);
  REQUIRE(renewed.has_value());
  CHECK(renewed->live_nodes == 2);
  CHECK(renewed->renewed.size() == 2);

  // Released partitions are free at once, and the next claim raises their epoch.
  REQUIRE(a.release(node_a, {0, 1}).has_value());
  auto again = b.claim(node_b, 2, none(), 3000ms);
  REQUIRE(again.has_value());
  REQUIRE(again->size() == 2);
  CHECK(again->at(0).partition == 0);
  CHECK(again->at(0).epoch == 2);

  // An expired lease is taken over, and says whose it was. (b passes what it
  // holds: its own partitions are not claimed again.)
  cluster::partition_set b_holds;
  for (const auto& c : *rest) b_holds.set(c.partition);
  for (const auto& c : *again) b_holds.set(c.partition);
  query(db.url(), "UPDATE partition_leases SET expires_at = now() - interval '1 second' "
                  "WHERE partition = 5");
  auto taken = b.claim(node_b, 1, b_holds, 3000ms);
  REQUIRE(taken.has_value());
  REQUIRE(taken->size() == 1);
  CHECK(taken->at(0).partition == 5);
  CHECK(taken->at(0).epoch == 2);
  CHECK(taken->at(0).previous_owner == node_a);

  auto view = a.nodes(3000ms);
  REQUIRE(view.has_value());
  REQUIRE(view->size() == 2);
}

TEST_CASE("task-state writes land only under the partition's current epoch", "[cluster]") {
  scratch_database db;
  migrate_db(db.url());
  query(db.url(), "INSERT INTO tenants (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 't')");
  query(db.url(),
        "INSERT INTO tasks (id, tenant_id, name, schedule, webhook_url, payload) VALUES "
        "('00000000-0000-4000-8000-000000000009', '00000000-0000-0000-0000-000000000001', 'n', "
        "'* * * * *', 'https://discord.com/api/webhooks/1000/x', '{}')");
  db::cluster_store leases(db.url());
  auto claimed = leases.claim(node_a, 256, none(), 3000ms);
  REQUIRE(claimed.has_value());
  db::pg_store store(db.url());

  task_progress p;
  p.task_id = *uuid::parse("00000000-0000-4000-8000-000000000009");
  p.revision = 1;
  p.set_next_run = true;
  p.next_run_at = instant(std::chrono::milliseconds(1795258800000));
  p.partition = 196;
  p.epoch = 1;
  std::string err;
  REQUIRE(store.write_batch({}, std::span<const task_progress>(&p, 1), err) == write_status::ok);
  CHECK(store.take_fenced_writes() == 0);
  CHECK(query(db.url(), "SELECT extract(epoch FROM next_run_at)::bigint FROM tasks")[0][0] ==
        "1795258800");

  // Another node takes partition 196 (epoch 2): the old holder's write is refused.
  REQUIRE(leases.release(node_a, {196}).has_value());
  REQUIRE(leases.claim(node_b, 1, none(), 3000ms).has_value());
  p.next_run_at = instant(std::chrono::milliseconds(1795258860000));
  REQUIRE(store.write_batch({}, std::span<const task_progress>(&p, 1), err) == write_status::ok);
  CHECK(store.take_fenced_writes() == 1);
  CHECK(query(db.url(), "SELECT extract(epoch FROM next_run_at)::bigint FROM tasks")[0][0] ==
        "1795258800");
  // The new holder's write lands.
  p.epoch = 2;
  REQUIRE(store.write_batch({}, std::span<const task_progress>(&p, 1), err) == write_status::ok);
  CHECK(store.take_fenced_writes() == 0);
  CHECK(query(db.url(), "SELECT extract(epoch FROM next_run_at)::bigint FROM tasks")[0][0] ==
        "1795258860");
}
