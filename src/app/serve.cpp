#include "app/serve.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <thread>

#include "actors/db_actor.hpp"
#include "actors/protocol.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/pg_store.hpp"
#include "http/server.hpp"

namespace taskhook::app {
namespace {

constexpr int connect_attempts = 8;
constexpr std::chrono::milliseconds first_retry{250};
constexpr std::chrono::seconds drain_timeout{30};

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

int serve(const config& cfg) {
  auto log = spdlog::get("app");
  auto signals = block_stop_signals();

  {
    auto conn = connect_with_retry(cfg);
    if (!conn) return 1;
    auto report = db::migrate(**conn, db::builtin_migrations());
    if (!report) {
      log->error("migration failed: {}", report.error_message());
      return 1;
    }
    if (report->applied > 0) log->info("applied {} migration(s)", report->applied);
  }

  caf::actor_system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  auto db = spawn_db_actor(sys, std::make_unique<db::pg_store>(cfg.database_url));

  http::server server(cfg, {sys, db});
  try {
    server.start();
  } catch (const std::exception& e) {
    log->error("cannot listen on {}:{}: {}", cfg.host, cfg.port, e.what());
    caf::anon_send_exit(db, caf::exit_reason::user_shutdown);
    return 1;
  }
  log->info("taskhook {} listening on {}:{} ({})", TASKHOOK_VERSION, cfg.host, server.port(),
            to_string(cfg.env));

  int sig = wait_for_stop(signals);
  log->info("received {}, stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");

  // Stop taking work first, then let the actors finish and write what they hold.
  server.stop();
  caf::scoped_actor self{sys};
  bool drained = false;
  self->request(db, drain_timeout, drain_atom::value)
      .receive([&](bool) { drained = true; },
               [&](caf::error& err) {
                 log->error("db_actor did not drain: {}", sys.render(err));
               });
  log->info("stopped{}", drained ? "" : " (with writes pending)");
  return drained ? 0 : 1;
}

}  // namespace taskhook::app
