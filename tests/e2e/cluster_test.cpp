// Several real taskhook processes on one PostgreSQL (ARCHITECTURE.md,
// Cluster): a local fake Discord records every send with its identity
// headers, and each test counts deliveries per (task, scheduled second).
// Leases are 2 s so failover happens within a few seconds; the long runs
// (many more tasks, longer outages) are `bench/run cluster`.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/fake_discord.hpp"
#include "support/http_client.hpp"
#include "support/pg.hpp"
#include "support/process.hpp"

using namespace taskhook::test;
using namespace std::chrono_literals;
using sys_seconds = std::chrono::sys_seconds;

namespace {

const std::string cluster_key = "cluster-admin-key-0123456789abcdef";
constexpr int lease_s = 2;

long long epoch_s(sys_seconds t) { return t.time_since_epoch().count(); }

sys_seconds now_s() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

/// `2026-12-07T10:00:05.000Z` → seconds since the epoch.
long long parse_iso_s(const std::string& iso) {
  std::tm tm{};
  if (iso.size() < 19 || !strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return -1;
  return static_cast<long long>(timegm(&tm));
}

/// Three (or more) nodes on one scratch database, and the fake Discord.
class cluster {
 public:
  struct node {
    int port = 0;
    std::string name;
    std::unique_ptr<child> proc;
  };

  node& start(const std::string& name) {
    auto n = std::make_unique<node>();
    n->port = free_port();
    n->name = name;
    std::map<std::string, std::string> env{{"DATABASE_URL", db.url()},
                                           {"API_KEY", cluster_key},
                                           {"HOST", "127.0.0.1"},
                                           {"PORT", std::to_string(n->port)},
                                           {"APP_ENV", "test"},
                                           {"DISCORD_API_BASE", discord.base_url()},
                                           {"ALLOW_PRIVATE_TARGETS", "true"},
                                           {"CLUSTER_LEASE_S", std::to_string(lease_s)},
                                           {"NODE_NAME", name},
                                           {"LOG_LEVEL", "info"}};
    n->proc = std::make_unique<child>(std::vector<std::string>{TASKHOOK_BINARY, "serve"}, env);
    nodes.push_back(std::move(n));
    return *nodes.back();
  }

  bool wait_ready(node& n) {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (http_get(url(n, "/health")).status == 200) return true;
      if (n.proc->wait(50ms)) return false;
    }
    return false;
  }

  std::string url(const node& n, const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(n.port) + path;
  }

  http_response call(const node& n, const std::string& method, const std::string& path,
                     const std::string& body = "") {
    std::map<std::string, std::string> h{{"X-API-Key", cluster_key}};
    if (!body.empty()) h.emplace("Content-Type", "application/json");
    return http_request(method, url(n, path), h, body);
  }

  /// The partitions a node says it holds (-1: no answer).
  int partitions(const node& n) {
    auto r = http_get(url(n, "/health"));
    std::smatch m;
    static const std::regex re(R"re("node":\{[^}]*"partitions":(\d+))re");
    if (r.status != 200 || !std::regex_search(r.body, m, re)) return -1;
    return std::stoi(m[1]);
  }

  /// Waits until the live nodes `live` hold all 256 partitions, each at most
  /// ⌈256/n⌉ + 1. False after `timeout`.
  bool wait_balanced(const std::vector<node*>& live, std::chrono::seconds timeout) {
    const int share = (256 + static_cast<int>(live.size()) - 1) / static_cast<int>(live.size());
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int sum = 0;
      bool fair = true;
      for (auto* n : live) {
        int p = partitions(*n);
        sum += std::max(p, 0);
        fair = fair && p >= 0 && p <= share + 1;
      }
      if (sum == 256 && fair) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  /// Creates `n` per-second tasks, each on a webhook of its own, through node 0.
  std::vector<std::string> create_tasks(int n) {
    std::vector<std::string> ids;
    static const std::regex id_re(R"re("id":"([0-9a-f-]{36})")re");
    for (int i = 0; i < n; ++i) {
      std::string body = R"({"name":"t)" + std::to_string(i) +
                         R"(","schedule":"* * * * * *","webhookUrl":"https://discord.com/api/webhooks/)" +
                         std::to_string(700000 + i * 7919) +
                         R"(/tok","payload":{"content":"tick"},"maxRetry":0})";
      auto r = call(*nodes[0], "POST", "/api/tasks", body);
      std::smatch m;
      if (r.status != 201 || !std::regex_search(r.body, m, id_re)) return {};
      ids.push_back(m[1]);
    }
    return ids;
  }

  /// Deliveries per task per scheduled second (from the identity headers),
  /// scheduled runs and misfire runs alike.
  std::map<std::string, std::map<long long, int>> deliveries() const {
    std::map<std::string, std::map<long long, int>> out;
    for (const auto& r : discord.requests()) {
      auto task = r.header("X-Taskhook-Task-Id");
      auto at = parse_iso_s(r.header("X-Taskhook-Scheduled-For"));
      if (task.empty() || at < 0) continue;
      ++out[task][at];
    }
    return out;
  }

  /// Seconds accounted for by SKIPPED rows ("… from A to B …"), per task.
  std::map<std::string, std::vector<std::pair<long long, long long>>> skipped_ranges() const {
    std::map<std::string, std::vector<std::pair<long long, long long>>> out;
    static const std::regex range(R"re(from (\S+) to (\S+))re");
    for (const auto& row :
         query(db.url(), "SELECT task_id, message, extract(epoch FROM scheduled_for)::bigint "
                         "FROM task_logs WHERE status = 'SKIPPED'")) {
      std::smatch m;
      if (std::regex_search(row[1], m, range))
        out[row[0]].push_back({parse_iso_s(m[1]), parse_iso_s(m[2])});
      else
        out[row[0]].push_back({std::stoll(row[2]), std::stoll(row[2])});
    }
    return out;
  }

  struct tally {
    int duplicates = 0;  ///< (task, second) pairs delivered more than once
    int lost = 0;        ///< delivered never and not in a SKIPPED row
    int skipped = 0;     ///< not delivered, accounted for by a SKIPPED row
  };

  /// Every (task, second) in [from, to].
  tally count(const std::vector<std::string>& tasks, sys_seconds from, sys_seconds to) const {
    auto got = deliveries();
    auto skips = skipped_ranges();
    tally t;
    for (const auto& id : tasks) {
      for (long long s = epoch_s(from); s <= epoch_s(to); ++s) {
        int n = got.count(id) && got[id].count(s) ? got[id][s] : 0;
        if (n > 1) ++t.duplicates;
        if (n > 0) continue;
        bool accounted = false;
        for (auto [a, b] : skips[id]) accounted = accounted || (s >= a && s <= b);
        accounted ? ++t.skipped : ++t.lost;
      }
    }
    return t;
  }

  /// Duplicates over the whole run.
  int duplicates() const {
    int d = 0;
    for (const auto& [task, secs] : deliveries())
      for (const auto& [s, n] : secs) d += n > 1 ? 1 : 0;
    return d;
  }

  scratch_database db;
  fake_discord discord;
  std::vector<std::unique_ptr<node>> nodes;
};

/// Starts three nodes one after the other (each joins the one before) and
/// waits until they share the partitions.
void start_three(cluster& c) {
  for (int i = 0; i < 3; ++i) {
    auto& n = c.start("node-" + std::to_string(i + 1));
    REQUIRE(c.wait_ready(n));
  }
  REQUIRE(c.wait_balanced({c.nodes[0].get(), c.nodes[1].get(), c.nodes[2].get()}, 20s));
}

}  // namespace

TEST_CASE("three nodes share the partitions and deliver every second exactly once",
          "[cluster]") {
  cluster c;
  start_three(c);
  auto tasks = c.create_tasks(24);
  REQUIRE(tasks.size() == 24);
  // Tasks are armed on their owners, wherever they were created.
  std::this_thread::sleep_for(2s);
  auto from = now_s() + 1s;
  std::this_thread::sleep_for(5s);
  auto to = now_s() - 2s;
  auto t = c.count(tasks, from, to);
  CHECK(t.duplicates == 0);
  CHECK(t.lost == 0);
  CHECK(t.skipped == 0);
  // Every delivery has its SUCCESS row.
  auto rows = query(c.db.url(), "SELECT count(*) FROM task_logs WHERE status = 'SUCCESS'");
  CHECK(std::stoul(rows[0][0]) == c.discord.request_count());

  auto view = c.call(*c.nodes[1], "GET", "/api/admin/cluster");
  CHECK(view.status == 200);
  CHECK(view.body.find(R"("unowned":[])") != std::string::npos);
  CHECK(view.body.find(R"("name":"node-3")") != std::string::npos);
}

TEST_CASE("a killed node's tasks fire again within the lease, every gap accounted for",
          "[cluster]") {
  cluster c;
  start_three(c);
  auto tasks = c.create_tasks(24);
  REQUIRE(tasks.size() == 24);
  std::this_thread::sleep_for(2s);
  auto from = now_s() + 1s;
  std::this_thread::sleep_for(2s);
  const auto sent_before_kill = c.discord.request_count();
  c.nodes[0]->proc->signal(SIGKILL);
  auto killed_at = std::chrono::steady_clock::now();
  // The survivors take its partitions once its leases run out.
  REQUIRE(c.wait_balanced({c.nodes[1].get(), c.nodes[2].get()}, 10s));
  auto failover = std::chrono::steady_clock::now() - killed_at;
  CHECK(failover < std::chrono::seconds(lease_s) + 3s);
  std::this_thread::sleep_for(3s);
  auto to = now_s() - 2s;
  auto t = c.count(tasks, from, to);
  CHECK(t.lost == 0);
  // Only a send in flight at the kill can be repeated: at most one per task.
  CHECK(t.duplicates <= static_cast<int>(tasks.size()));
  CHECK(c.discord.request_count() > sent_before_kill);
  INFO("failover ms " << std::chrono::duration_cast<std::chrono::milliseconds>(failover).count()
                      << ", skipped " << t.skipped << ", duplicates " << t.duplicates);
}

TEST_CASE("a node stopped past its lease sends nothing stale and rejoins", "[cluster]") {
  cluster c;
  start_three(c);
  auto tasks = c.create_tasks(24);
  REQUIRE(tasks.size() == 24);
  std::this_thread::sleep_for(2s);
  auto from = now_s() + 1s;
  c.nodes[1]->proc->signal(SIGSTOP);
  std::this_thread::sleep_for(std::chrono::seconds(2 * lease_s));
  c.nodes[1]->proc->signal(SIGCONT);
  // It finds its leases gone, drops them, and takes its share again.
  REQUIRE(c.wait_balanced({c.nodes[0].get(), c.nodes[1].get(), c.nodes[2].get()}, 20s));
  std::this_thread::sleep_for(2s);
  auto to = now_s() - 2s;
  auto t = c.count(tasks, from, to);
  CHECK(c.duplicates() == 0);
  CHECK(t.lost == 0);
  // The stale node woke with fires long due: they were the new owners', so
  // it records none of them (no false "behind" rows).
  auto behind = query(c.db.url(),
                      "SELECT count(*) FROM task_logs WHERE message LIKE '%scheduler was behind%'");
  CHECK(behind[0][0] == "0");
  INFO("skipped " << t.skipped);
}

TEST_CASE("patch, toggle, run-now and delete through a node that does not own the task apply within a second",
          "[cluster]") {
  cluster c;
  start_three(c);
  auto tasks = c.create_tasks(6);
  REQUIRE(tasks.size() == 6);
  std::this_thread::sleep_for(2s);
  // Patch the message through each node in turn: the owner sends the new one.
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    auto r = c.call(*c.nodes[(i + 2) % 3], "PATCH", "/api/tasks/" + tasks[i],
                    R"({"payload":{"content":"patched"}})");
    REQUIRE(r.status == 200);
  }
  std::this_thread::sleep_for(1s);
  const auto patched_from = c.discord.request_count();
  std::this_thread::sleep_for(2s);
  {
    auto reqs = c.discord.requests();
    std::set<std::string> sent_patched;
    int old_after = 0;
    for (std::size_t k = patched_from; k < reqs.size(); ++k) {
      if (reqs[k].body.find("patched") != std::string::npos)
        sent_patched.insert(reqs[k].header("X-Taskhook-Task-Id"));
      else
        ++old_after;
    }
    CHECK(sent_patched.size() == tasks.size());
    CHECK(old_after == 0);
  }
  for (const auto& id : tasks) {
    // Pause through each node in turn: whichever owns it stops sending.
    auto& via = *c.nodes[std::hash<std::string>{}(id) % 3];
    REQUIRE(c.call(via, "POST", "/api/tasks/" + id + "/toggle").status == 200);
  }
  std::this_thread::sleep_for(1500ms);
  const auto paused_at = c.discord.request_count();
  std::this_thread::sleep_for(2s);
  CHECK(c.discord.request_count() == paused_at);

  // Run now through every node: the owner runs it.
  for (const auto& id : tasks) REQUIRE(c.call(*c.nodes[0], "POST", "/api/tasks/" + id + "/toggle").status == 200);
  std::this_thread::sleep_for(1500ms);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    auto& via = *c.nodes[i % 3];
    auto r = c.call(via, "POST", "/api/tasks/" + tasks[i] + "/run");
    CHECK(r.status == 202);
  }
  std::this_thread::sleep_for(1s);
  std::set<std::string> manual;
  for (const auto& r : c.discord.requests())
    if (r.header("X-Taskhook-Trigger") == "manual") manual.insert(r.header("X-Taskhook-Task-Id"));
  CHECK(manual.size() == tasks.size());

  // Delete through a node: the owner stops within a second.
  for (std::size_t i = 0; i < tasks.size(); ++i)
    REQUIRE(c.call(*c.nodes[(i + 1) % 3], "DELETE", "/api/tasks/" + tasks[i]).status == 204);
  std::this_thread::sleep_for(1500ms);
  const auto deleted_at = c.discord.request_count();
  std::this_thread::sleep_for(2s);
  CHECK(c.discord.request_count() == deleted_at);
}

TEST_CASE("a node whose listening connection dropped still applies changes made elsewhere",
          "[cluster]") {
  cluster c;
  start_three(c);
  auto tasks = c.create_tasks(6);
  REQUIRE(tasks.size() == 6);
  std::this_thread::sleep_for(2s);
  // Every node's LISTEN connection is cut: notifications sent until each
  // reconnects are lost, and the nodes must re-read what changed meanwhile.
  auto cut = query(c.db.url(),
                   "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                   "WHERE query LIKE 'LISTEN%' AND datname = current_database()");
  REQUIRE(std::stoi(cut[0][0]) == 3);
  for (const auto& id : tasks)
    REQUIRE(c.call(*c.nodes[0], "POST", "/api/tasks/" + id + "/toggle").status == 200);
  std::this_thread::sleep_for(1500ms);
  const auto paused_at = c.discord.request_count();
  std::this_thread::sleep_for(2s);
  CHECK(c.discord.request_count() == paused_at);
}

TEST_CASE("a join and a rolling restart lose no second and send none twice", "[cluster]") {
  cluster c;
  for (int i = 0; i < 2; ++i) REQUIRE(c.wait_ready(c.start("node-" + std::to_string(i + 1))));
  REQUIRE(c.wait_balanced({c.nodes[0].get(), c.nodes[1].get()}, 20s));
  auto tasks = c.create_tasks(24);
  REQUIRE(tasks.size() == 24);
  std::this_thread::sleep_for(2s);
  auto from = now_s() + 1s;
  // A third node joins: partitions move to it by graceful handover.
  REQUIRE(c.wait_ready(c.start("node-3")));
  REQUIRE(c.wait_balanced({c.nodes[0].get(), c.nodes[1].get(), c.nodes[2].get()}, 20s));
  // Each node in turn stops with SIGTERM and comes back.
  for (int i = 0; i < 3; ++i) {
    c.nodes[i]->proc->signal(SIGTERM);
    REQUIRE(c.nodes[i]->proc->wait(20s) == std::optional<int>(0));
    std::vector<cluster::node*> rest;
    for (int j = 0; j < 3; ++j)
      if (j != i) rest.push_back(c.nodes[j].get());
    REQUIRE(c.wait_balanced(rest, 10s));
    auto& again = c.start("node-" + std::to_string(i + 1) + "b");
    REQUIRE(c.wait_ready(again));
    std::swap(c.nodes[i], c.nodes.back());
    c.nodes.pop_back();  // the stopped one
    REQUIRE(c.wait_balanced({c.nodes[0].get(), c.nodes[1].get(), c.nodes[2].get()}, 20s));
  }
  std::this_thread::sleep_for(2s);
  auto to = now_s() - 2s;
  auto t = c.count(tasks, from, to);
  CHECK(c.duplicates() == 0);
  CHECK(t.lost == 0);
  CHECK(t.skipped == 0);
}
