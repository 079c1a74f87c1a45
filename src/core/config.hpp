#pragma once
/// Service configuration, read from the environment and validated once at start.
/// ARCHITECTURE.md, section Configuration, lists every variable; so does
/// config/taskhook.env.example.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace taskhook {

enum class app_env { development, production, test };
enum class log_format { text, json };

/// Everything the service can be told from outside. Defaults live here, once.
struct config {
  std::string database_url;          ///< DATABASE_URL (checked by the db layer too)
  std::string api_key;               ///< API_KEY, the bootstrap admin key
  std::string host = "0.0.0.0";      ///< HOST
  std::uint16_t port = 3005;         ///< PORT
  app_env env = app_env::development;
  std::string log_level = "info";    ///< spdlog level name
  log_format log_fmt = log_format::text;
  int http_threads = 2;
  std::size_t max_body_bytes = 65536;
  int webhook_workers = 1;
  int webhook_timeout_ms = 10000;
  int retry_base_ms = 1000;
  int retry_max_ms = 300000;
  int misfire_grace_s = 3600;
  int log_retention_days = 30;
  std::string discord_api_base = "https://discord.com";  ///< no trailing slash
  bool allow_private_targets = false;
  int rate_limit_per_min = 600;
  bool metrics_public = false;
  /// Lease on a node's partitions, seconds (2-300): failover time after a crash.
  int cluster_lease_s = 15;
  /// How this node is shown; empty: host name + ":" + PORT (serve fills it in).
  std::string node_name;
};

/// Looks up one environment variable; nullopt when it is not set.
using env_lookup = std::function<std::optional<std::string>(std::string_view)>;

/// The process environment.
env_lookup process_env();

/// Reads and validates every variable. An empty value counts as unset. The error
/// is one line naming the variable, its value (secrets masked) and what was
/// expected: `PORT=abc: expected an integer 1-65535`. Whether DATABASE_URL and
/// API_KEY must be present depends on the command: see require_database_url and
/// require_api_key.
expected<config> load_config(const env_lookup& env);

/// Error unless DATABASE_URL was given.
std::optional<error> require_database_url(const config& cfg);

/// Error unless API_KEY was given and is long enough to be a real secret.
std::optional<error> require_api_key(const config& cfg);

/// `postgresql://user:****@host/db`: a connection string with its password hidden,
/// for messages and logs.
std::string mask_conninfo(std::string_view conninfo);

std::string_view to_string(app_env e);

}  // namespace taskhook
