#include "app/serve.hpp"

#include <spdlog/spdlog.h>

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <thread>

#include <array>
#include <random>

#include "actors/db_actor.hpp"
#include "actors/lease_actor.hpp"
#include "app/change_follower.hpp"
#include "core/cluster/lease_table.hpp"
#include "db/cluster_store.hpp"
#include "actors/task_changes.hpp"
#include "actors/protocol.hpp"
#include "actors/reader_actor.hpp"
#include "actors/retention_actor.hpp"
#include "actors/task_supervisor.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/pg_store.hpp"
#include "db/tenant_queries.hpp"
#include "http/auth.hpp"
#include "http/server.hpp"
#include "webhook/curl_pool.hpp"

namespace taskhook::app {
namespace {

constexpr int connect_attempts = 8;
constexpr std::chrono::milliseconds first_retry{250};
constexpr std::chrono::seconds db_drain_timeout{30};
/// Supervisor shards: task ids are spread over this many mailboxes.
constexpr std::size_t supervisor_shards = 4;
/// Reader actors, each with a connection of its own.
constexpr int reader_count = 2;
/// The server cancels a read that runs longer: just under the HTTP bridge's
/// 5-s wait (http/bridge.hpp, actor_timeout), after which nobody wants the
/// answer. Without it a slow read (a deep page of a huge log) kept running and
/// held its reader, and every request behind it, /health included, timed out.
constexpr std::chrono::milliseconds reader_statement_timeout{4500};
/// Scheduled fires are handed to the webhook pool this long before their
/// instant and sent at it: a second's burst of fires then leaves together
/// rather than as the actors get to it (docs/BENCHMARKS.md, "Fire lead").
constexpr std::chrono::milliseconds fire_lead{250};
/// Concurrent transfers (each an HTTP/1.1 connection) per webhook worker: a
/// second's burst of 1,000 fires goes out at once rather than in rounds.
constexpr std::size_t transfers_per_worker = 1024;
/// Connections per webhook worker to an https host (Discord speaks HTTP/2 there,
/// up to 100-odd transfers per connection): a cold burst then opens 16, not one
/// per transfer (docs/BENCHMARKS.md, "A cold burst over HTTP/2"). Lifted by the
/// pool if the host answers over HTTP/1.1.
constexpr std::size_t https_connections_per_worker = 16;

/// NODE_NAME, or this host's name and the port.
std::string node_name(const config& cfg) {
  if (!cfg.node_name.empty()) return cfg.node_name;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "taskhook");
  return std::string(host) + ":" + std::to_string(cfg.port);
}

/// Lifts the soft limit on open files towards the hard one: every transfer
/// in flight holds a socket, and the usual soft limit is 1024.
void raise_open_files_limit(std::size_t wanted) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < wanted) {
    lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? wanted : std::min<rlim_t>(wanted, lim.rlim_max);
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
      lim.rlim_cur < wanted)
    if (auto log = spdlog::get("app"))
      log->warn("open files limited to {} (want {}): large bursts of sends may fail to connect",
                lim.rlim_cur, wanted);
}

/// Blocks SIGTERM and SIGINT in this thread and every thread started after it,
/// so that only wait_for_stop() sees them.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

long resident_mib() {
  long pages = 0, resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * sysconf(_SC_PAGESIZE) / (1024 * 1024);
}

/// Stops the long-lived actors on every way out of serve(): the actor system's
/// destructor waits for all actors, and detached ones never stop by themselves.
class actor_reaper {
 public:
  template <class Handle>
  void add(const Handle& h) {
    actors_.push_back(caf::actor_cast<caf::actor>(h));
  }
  ~actor_reaper() {
    for (auto& a : actors_) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

 private:
  std::vector<caf::actor> actors_;
};

int wait_for_stop(const sigset_t& set) {
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace

std::optional<std::unique_ptr<db::connection>> connect_with_retry(const config& cfg) {
  auto log = spdlog::get("app");
  auto delay = first_retry;
  for (int attempt = 1;; ++attempt) {
    auto conn = db::connection::open(cfg.database_url);
    if (conn) return std::make_unique<db::connection>(std::move(*conn));
    if (attempt == connect_attempts) {
      log->error("cannot connect to {}: {}", mask_conninfo(cfg.database_url),
                 conn.error_message());
      return std::nullopt;
    }
    log->warn("database not reachable yet (attempt {}/{}): {}", attempt, connect_attempts,
              conn.error_message());
    std::this_thread::sleep_for(delay);
    delay *= 2;
  }
}

bool apply_migrations(const config& cfg) {
  auto log = spdlog::get("app");
  auto conn = connect_with_retry(cfg);
  if (!conn) return false;
  auto report = db::migrate(**conn, db::builtin_migrations());
  if (!report) {
    log->error("migration failed: {}", report.error_message());
    return false;
  }
  log->info("migrations: {} applied, {} already up to date", report->applied,
            report->up_to_date);
  return true;
}

int serve(const config& cfg) {
  auto log = spdlog::get("app");
  auto signals = block_stop_signals();

  if (!apply_migrations(cfg)) return 1;
  {
    // API_KEY is the admin key of the default tenant; a previous one stops working.
    db::session s(cfg.database_url);
    auto tenant = db::ensure_admin_key(s, http::hash_key(cfg.api_key));
    if (!tenant) {
      log->error("cannot register the admin key: {}", tenant.error_message());
      return 1;
    }
  }

  // What the actors use outlives them: declared before the actor system, whose
  // destructor is where the last of them end.
  runtime_metrics metrics;
  // Which partitions this node may arm and send for (ARCHITECTURE.md,
  // Cluster); the pool's workers read it until they stop.
  cluster::lease_table leases;
  webhook::curl_pool_options pool_opts;
  pool_opts.workers = cfg.webhook_workers;
  pool_opts.timeout = std::chrono::milliseconds(cfg.webhook_timeout_ms);
  pool_opts.allow_private_targets = cfg.allow_private_targets;
  pool_opts.max_connections_per_worker = transfers_per_worker;
  if (cfg.discord_api_base.starts_with("https:"))
    pool_opts.max_host_connections = https_connections_per_worker;
  raise_open_files_limit(cfg.webhook_workers * transfers_per_worker + 1024);
  webhook::curl_pool pool(pool_opts);
  fire_timer fires(system_wall_clock());

  caf::actor_system_config sys_cfg;
  // CAF's default is at least four scheduler threads; on a small machine they
  // only compete with the webhook workers, PostgreSQL and each other.
  sys_cfg.set("scheduler.max-threads",
              static_cast<std::size_t>(std::max(2u, std::thread::hardware_concurrency())));
  // Work sharing: idle scheduler threads block on a condition variable. The
  // default work stealing polls with 50-us sleeps after every burst of work,
  // which with a burst each second cost as much CPU as the deliveries (1,000
  // per-second tasks: taskhook 10 % -> 6 % of a core; docs/BENCHMARKS.md).
  sys_cfg.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system sys{sys_cfg};
  fires.start();
  // On every way out, before the system goes: no more fires or sends into it.
  struct stop_threads {
    fire_timer& fires;
    webhook::curl_pool& pool;
    ~stop_threads() {
      fires.stop();
      pool.shutdown(std::chrono::milliseconds(0));
    }
  } stop_threads_first{fires, pool};
  actor_reaper reaper;
  std::random_device entropy;
  db_actor_options db_opts;
  db_opts.id_seed = (std::uint64_t{entropy()} << 32) | entropy();
  auto db = spawn_db_actor(sys, std::make_shared<db::pg_store>(cfg.database_url), &metrics, db_opts);
  reaper.add(db);

  auto rt = std::make_shared<task_runtime>();
  rt->db = db;
  rt->sink = &pool;
  rt->timer = &fires;
  rt->clock = &system_wall_clock();
  rt->metrics = &metrics;
  rt->leases = &leases;
  rt->fire_lead = fire_lead;
  rt->discord_api_base = cfg.discord_api_base;
  rt->retry_base = std::chrono::milliseconds(cfg.retry_base_ms);
  rt->retry_max = std::chrono::milliseconds(cfg.retry_max_ms);
  rt->misfire_grace = std::chrono::seconds(cfg.misfire_grace_s);
  rt->seed = (std::uint64_t{entropy()} << 32) | entropy();
  task_router router(sys, rt, supervisor_shards);
  for (const auto& shard : router.shards()) reaper.add(shard);

  auto started = std::chrono::steady_clock::now();
  lease_options lease_opts;
  {
    std::array<std::uint32_t, 8> seed{};
    for (auto& w : seed) w = entropy();
    std::seed_seq seq(seed.begin(), seed.end());
    std::mt19937_64 gen(seq);
    lease_opts.node = make_uuid_v4(gen);
  }
  lease_opts.node_name = node_name(cfg);
  lease_opts.timing.lease = std::chrono::seconds(cfg.cluster_lease_s);
  auto lease_store = std::make_shared<db::cluster_store>(cfg.database_url);
  // Changes made on other nodes from here on are followed; what came before
  // is in the rows the first claim loads.
  auto after_seq = lease_store->last_change_seq();
  if (!after_seq) {
    log->error("cannot read the change sequence: {}", after_seq.error_message());
    return 1;
  }
  auto lease_actor = spawn_lease_actor(sys, lease_store, &leases, router, db,
                                       system_wall_clock(), &metrics, lease_opts);
  reaper.add(lease_actor);
  app::change_follower follower(cfg.database_url, router, lease_actor, leases,
                                system_wall_clock(), &metrics, *after_seq);
  // The first tick claims this node's share and loads its tasks; the answer
  // to the request behind it comes once that is done.
  node_status first{};
  std::uint64_t spawned = 0;  // task actors the shards hold after the first claim
  {
    caf::scoped_actor self{sys};
    caf::anon_send(lease_actor, tick_atom::value);
    std::optional<std::string> failure;
    self->request(lease_actor, std::chrono::minutes(5), leases_atom::value)
        .receive([&](node_status& st) { first = std::move(st); },
                 [&](caf::error& err) { failure = sys.render(err); });
    if (failure) {
      log->error("cannot claim partitions: {}", *failure);
      return 1;
    }
    // Mailboxes are ordered: once every shard answers, every upsert before was handled.
    for (const auto& shard : router.shards())
      self->request(shard, caf::infinite, stats_atom::value)
          .receive([&](supervisor_stats& st) { spawned += st.actors; }, [](caf::error&) {});
  }
  follower.start();
  // Every actor spawned runs its start-up (computes and arms its next fire)
  // when it first gets a thread: wait for that (bounded), so "armed" means
  // armed and the memory given back below is what loading left behind.
  if (!metrics.tasks.initialized.wait_for_at_least(spawned, std::chrono::seconds(60)))
    log->warn("not every task actor started within 60 s");
  // Loading passes every task through mailboxes and pages: give that transient
  // memory back before settling in.
  malloc_trim(0);
  log->info("node {} ({}) holds {} partition(s), {} task actor(s) in {} ms (RSS {} MiB)",
            lease_opts.node.str(), lease_opts.node_name, first.partitions.count(), spawned,
            std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - started)
                .count(),
            resident_mib());

  std::vector<reader_actor_type> reader_actors;
  for (int i = 0; i < reader_count; ++i)
    reader_actors.push_back(spawn_reader(
        sys, std::make_shared<db::pg_catalog>(cfg.database_url, reader_statement_timeout)));
  for (const auto& r : reader_actors) reaper.add(r);
  reader_pool readers(reader_actors);
  retention_options keep;
  keep.keep = std::chrono::hours(24 * cfg.log_retention_days);
  auto retention = spawn_retention(sys, std::make_shared<db::pg_pruner>(cfg.database_url),
                                   system_wall_clock(), &metrics, keep);
  reaper.add(retention);

  task_changes_options change_opts;
  for (auto& word : change_opts.id_seed) word = entropy();
  change_opts.clock = &system_wall_clock();
  auto changes = spawn_task_changes(sys, db, router, readers, change_opts);
  http::node_info node{lease_opts.node, lease_opts.node_name, &leases, lease_actor,
                       lease_opts.timing.lease};
  http::server server(cfg, {sys, db, changes, router, readers, metrics, pool, node});
  {
    caf::scoped_actor self{sys};
    std::optional<std::string> failure;
    self->request(readers.next(), std::chrono::seconds(30), keys_atom::value)
        .receive([&](std::vector<api_key_entry>& keys) { server.keys().replace_all(keys); },
                 [&](caf::error& err) { failure = sys.render(err); });
    if (failure) {
      log->error("cannot load API keys: {}", *failure);
      return 1;
    }
  }
  try {
    server.start();
  } catch (const std::exception& e) {
    log->error("cannot listen on {}:{}: {}", cfg.host, cfg.port, e.what());
    return 1;
  }
  log->info("taskhook {} listening on {}:{} ({})", TASKHOOK_VERSION, cfg.host, server.port(),
            to_string(cfg.env));

  int sig = wait_for_stop(signals);
  log->info("received {}, stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");

  // Stop taking work, stop firing and let attempts in flight finish (each is
  // bounded by the webhook timeout) so their rows exist, then write everything.
  server.stop();
  // Hand every partition over first: its actors finish their attempts in
  // flight, their rows are written, and the partitions are released at once,
  // so other nodes take them without waiting for the leases to run out.
  {
    caf::scoped_actor self{sys};
    auto bound = std::chrono::milliseconds(cfg.webhook_timeout_ms) + std::chrono::seconds(10);
    self->request(lease_actor, bound, drain_atom::value)
        .receive([&](bool released) {
                   if (!released) log->warn("partitions not released: rows were not written");
                 },
                 [&](caf::error& err) {
                   log->warn("partitions not released in time: {}", sys.render(err));
                 });
  }
  follower.stop();
  auto in_flight_bound = std::chrono::milliseconds(cfg.webhook_timeout_ms) + std::chrono::seconds(5);
  if (!drain_router(sys, router, &metrics, in_flight_bound))
    log->warn("some task actors did not finish in time");
  fires.stop();
  pool.shutdown(std::chrono::milliseconds(0));
  // Past the bound the pool ends what is left, and its last outcomes (some of
  // them real answers) are still on their way to their actors: let those rows
  // reach the db_actor before it drains, or a delivered attempt would be sent
  // again at the next start.
  if (!wait_for_attempts(&metrics, std::chrono::seconds(2)))
    log->warn("some attempts ended by the stop were not recorded in time");
  caf::scoped_actor self{sys};
  bool drained = false;
  self->request(db, db_drain_timeout, drain_atom::value)
      .receive([&](bool) { drained = true; },
               [&](caf::error& err) {
                 log->error("db_actor did not drain: {}", sys.render(err));
               });
  log->info("stopped{}", drained ? "" : " (with writes pending)");
  return drained ? 0 : 1;
}

}  // namespace taskhook::app
