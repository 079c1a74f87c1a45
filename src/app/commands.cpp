#include "app/commands.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "app/logging.hpp"
#include "app/serve.hpp"
#include "core/config.hpp"
#include "core/cron_cli.hpp"
#include "db/connection.hpp"

namespace taskhook::app {
namespace {

constexpr const char* usage_text = R"(taskhook — a webhook task scheduler

Usage:
  taskhook [serve]        run the service (the default)
  taskhook migrate        apply database migrations and exit
  taskhook cron next [--count N] [--from ISO] [--tz ZONE] EXPR
                          print the next fire times of a cron expression
  taskhook --help         this text
  taskhook --version      the version

Configuration comes from the environment (see config/taskhook.env.example):
DATABASE_URL and API_KEY are required for serve; migrate needs DATABASE_URL.
)";

/// The configuration a database command needs, or exit code 2 with one line.
int load(config& out, bool need_api_key) {
  auto cfg = load_config(process_env());
  if (!cfg) {
    std::cerr << cfg.error_message() << "\n";
    return 2;
  }
  if (auto e = require_database_url(*cfg)) {
    std::cerr << e->message << "\n";
    return 2;
  }
  if (auto bad = db::check_conninfo(cfg->database_url)) {
    std::cerr << "DATABASE_URL=" << mask_conninfo(cfg->database_url)
              << ": expected a PostgreSQL URI or key=value conninfo (" << *bad << ")\n";
    return 2;
  }
  if (need_api_key) {
    if (auto e = require_api_key(*cfg)) {
      std::cerr << e->message << "\n";
      return 2;
    }
  }
  out = std::move(*cfg);
  return 0;
}

int migrate_command() {
  config cfg;
  if (int rc = load(cfg, false); rc != 0) return rc;
  setup_logging(cfg);
  return apply_migrations(cfg) ? 0 : 1;
}

int serve_command() {
  config cfg;
  if (int rc = load(cfg, true); rc != 0) return rc;
  setup_logging(cfg);
  return serve(cfg);
}

}  // namespace

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "serve") {
    if (args.size() > 1) {
      std::cerr << "serve takes no arguments (configuration comes from the environment)\n";
      return 2;
    }
    return serve_command();
  }
  const auto& cmd = args[0];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << usage_text;
    return 0;
  }
  if (cmd == "--version" || cmd == "-V") {
    std::cout << "taskhook " << TASKHOOK_VERSION << "\n";
    return 0;
  }
  if (cmd == "migrate") {
    if (args.size() > 1) {
      std::cerr << "migrate takes no arguments\n";
      return 2;
    }
    return migrate_command();
  }
  if (cmd == "cron") {
    auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
    return run_cron_command({args.begin() + 1, args.end()}, now, std::cout, std::cerr);
  }
  std::cerr << "unknown command \"" << cmd << "\"; see taskhook --help\n";
  return 2;
}

}  // namespace taskhook::app
