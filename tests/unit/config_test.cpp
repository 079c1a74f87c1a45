// Configuration from the environment: defaults, every variable's validation and
// the one-line messages that name variable, value and expectation.
#include <catch2/catch.hpp>

#include <map>

#include "core/config.hpp"

using namespace taskhook;

namespace {

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string error_for(std::map<std::string, std::string> vars) {
  auto cfg = load_config(env_of(std::move(vars)));
  REQUIRE_FALSE(cfg.has_value());
  return cfg.error_message();
}

}  // namespace

TEST_CASE("defaults match ARCHITECTURE.md", "[config]") {
  auto cfg = load_config(env_of({}));
  REQUIRE(cfg.has_value());
  CHECK(cfg->port == 3005);
  CHECK(cfg->host == "0.0.0.0");
  CHECK(cfg->env == app_env::development);
  CHECK(cfg->log_level == "info");
  CHECK(cfg->log_fmt == log_format::text);
  CHECK(cfg->http_threads == 2);
  CHECK(cfg->max_body_bytes == 65536);
  CHECK(cfg->webhook_workers == 1);
  CHECK(cfg->webhook_timeout_ms == 10000);
  CHECK(cfg->retry_base_ms == 1000);
  CHECK(cfg->retry_max_ms == 300000);
  CHECK(cfg->misfire_grace_s == 3600);
  CHECK(cfg->log_retention_days == 30);
  CHECK(cfg->discord_api_base == "https://discord.com");
  CHECK_FALSE(cfg->allow_private_targets);
  CHECK(cfg->rate_limit_per_min == 600);
  CHECK_FALSE(cfg->metrics_public);
}

TEST_CASE("every variable is read", "[config]") {
  auto cfg = load_config(env_of({{"DATABASE_URL", "postgresql:///x"},
                                 {"API_KEY", "k"},
                                 {"PORT", "8080"},
                                 {"HOST", "127.0.0.1"},
                                 {"APP_ENV", "production"},
                                 {"LOG_LEVEL", "debug"},
                                 {"LOG_FORMAT", "json"},
                                 {"HTTP_THREADS", "4"},
                                 {"MAX_BODY_BYTES", "2048"},
                                 {"WEBHOOK_WORKERS", "3"},
                                 {"WEBHOOK_TIMEOUT_MS", "500"},
                                 {"RETRY_BASE_MS", "10"},
                                 {"RETRY_MAX_MS", "20"},
                                 {"MISFIRE_GRACE_S", "0"},
                                 {"LOG_RETENTION_DAYS", "7"},
                                 {"DISCORD_API_BASE", "http://127.0.0.1:9999/"},
                                 {"ALLOW_PRIVATE_TARGETS", "true"},
                                 {"RATE_LIMIT_PER_MIN", "5"},
                                 {"METRICS_PUBLIC", "1"}}));
  REQUIRE(cfg.has_value());
  CHECK(cfg->database_url == "postgresql:///x");
  CHECK(cfg->api_key == "k");
  CHECK(cfg->port == 8080);
  CHECK(cfg->host == "127.0.0.1");
  CHECK(cfg->env == app_env::production);
  CHECK(cfg->log_level == "debug");
  CHECK(cfg->log_fmt == log_format::json);
  CHECK(cfg->http_threads == 4);
  CHECK(cfg->max_body_bytes == 2048);
  CHECK(cfg->webhook_workers == 3);
  CHECK(cfg->webhook_timeout_ms == 500);
  CHECK(cfg->retry_base_ms == 10);
  CHECK(cfg->retry_max_ms == 20);
  CHECK(cfg->misfire_grace_s == 0);
  CHECK(cfg->log_retention_days == 7);
  CHECK(cfg->discord_api_base == "http://127.0.0.1:9999");  // trailing slash dropped
  CHECK(cfg->allow_private_targets);
  CHECK(cfg->rate_limit_per_min == 5);
  CHECK(cfg->metrics_public);
}

TEST_CASE("an empty value counts as unset", "[config]") {
  auto cfg = load_config(env_of({{"PORT", ""}, {"LOG_LEVEL", ""}}));
  REQUIRE(cfg.has_value());
  CHECK(cfg->port == 3005);
  CHECK(cfg->log_level == "info");
}

TEST_CASE("bad values name the variable, the value and what was expected", "[config]") {
  CHECK(error_for({{"PORT", "abc"}}) == "PORT=abc: expected an integer 1-65535");
  CHECK(error_for({{"PORT", "0"}}) == "PORT=0: expected an integer 1-65535");
  CHECK(error_for({{"PORT", "65536"}}) == "PORT=65536: expected an integer 1-65535");
  CHECK(error_for({{"PORT", "80 "}}) == "PORT=80 : expected an integer 1-65535");
  CHECK(error_for({{"PORT", "99999999999999999999999"}}) ==
        "PORT=99999999999999999999999: expected an integer 1-65535");
  CHECK(error_for({{"HOST", "my host"}}) == "HOST=my host: expected an IP address or host name");
  CHECK(error_for({{"APP_ENV", "staging"}}) ==
        "APP_ENV=staging: expected development, production or test");
  CHECK(error_for({{"LOG_LEVEL", "verbose"}}) ==
        "LOG_LEVEL=verbose: expected trace, debug, info, warn, error, critical or off");
  CHECK(error_for({{"LOG_FORMAT", "xml"}}) == "LOG_FORMAT=xml: expected text or json");
  CHECK(error_for({{"HTTP_THREADS", "0"}}) == "HTTP_THREADS=0: expected an integer 1-64");
  CHECK(error_for({{"MAX_BODY_BYTES", "-1"}}) ==
        "MAX_BODY_BYTES=-1: expected an integer 1024-67108864");
  CHECK(error_for({{"WEBHOOK_WORKERS", "x"}}) == "WEBHOOK_WORKERS=x: expected an integer 1-64");
  CHECK(error_for({{"WEBHOOK_TIMEOUT_MS", "50"}}) ==
        "WEBHOOK_TIMEOUT_MS=50: expected an integer 100-300000");
  CHECK(error_for({{"RETRY_BASE_MS", "5000"}, {"RETRY_MAX_MS", "1000"}}) ==
        "RETRY_BASE_MS=5000: expected at most RETRY_MAX_MS (1000)");
  CHECK(error_for({{"MISFIRE_GRACE_S", "-5"}}) ==
        "MISFIRE_GRACE_S=-5: expected an integer 0-31536000");
  CHECK(error_for({{"LOG_RETENTION_DAYS", "0"}}) ==
        "LOG_RETENTION_DAYS=0: expected an integer 1-3650");
  CHECK(error_for({{"DISCORD_API_BASE", "ftp://x"}}) ==
        "DISCORD_API_BASE=ftp://x: expected an http or https URL with a host, an optional port "
        "1-65535 and no path");
  for (const char* bad : {"https://discord.com/api", "http://localhost:99999", "http://host:abc",
                          "http://host:", "http://:8080", "http://[::1]:8080/x", "http://[]:80",
                          "http://[::1]x", "http://[zz]:80"}) {
    INFO(bad);
    CHECK(error_for({{"DISCORD_API_BASE", bad}}) ==
          std::string("DISCORD_API_BASE=") + bad +
              ": expected an http or https URL with a host, an optional port 1-65535 and no path");
  }
  for (const char* good : {"http://localhost:65535", "https://discord.com", "http://[::1]:8080",
                           "http://[::1]", "http://127.0.0.1:1/"}) {
    INFO(good);
    auto cfg = load_config(env_of({{"DISCORD_API_BASE", good}}));
    CHECK(cfg.has_value());
  }
  CHECK(error_for({{"ALLOW_PRIVATE_TARGETS", "maybe"}}) ==
        "ALLOW_PRIVATE_TARGETS=maybe: expected true or false");
  CHECK(error_for({{"RATE_LIMIT_PER_MIN", "0"}}) ==
        "RATE_LIMIT_PER_MIN=0: expected an integer 1-1000000");
  CHECK(error_for({{"METRICS_PUBLIC", "2"}}) == "METRICS_PUBLIC=2: expected true or false");
}

TEST_CASE("DATABASE_URL and API_KEY are required only where a command needs them", "[config]") {
  auto cfg = load_config(env_of({}));
  REQUIRE(cfg.has_value());
  REQUIRE(require_database_url(*cfg).has_value());
  CHECK(require_database_url(*cfg)->message.rfind("DATABASE_URL is not set", 0) == 0);
  REQUIRE(require_api_key(*cfg).has_value());
  CHECK(require_api_key(*cfg)->message.rfind("API_KEY is not set", 0) == 0);

  cfg->api_key = "short-secret";
  auto too_short = require_api_key(*cfg);
  REQUIRE(too_short.has_value());
  CHECK(too_short->message == "API_KEY=****: expected at least 16 characters, got 12");
  CHECK(too_short->message.find("short-secret") == std::string::npos);

  cfg->api_key = "a-long-enough-admin-key";
  CHECK_FALSE(require_api_key(*cfg).has_value());
}

TEST_CASE("connection strings are shown with their password hidden", "[config]") {
  CHECK(mask_conninfo("postgresql://user:hunter2@db:5432/app") ==
        "postgresql://user:****@db:5432/app");
  CHECK(mask_conninfo("postgres://user@db/app") == "postgres://user@db/app");
  CHECK(mask_conninfo("host=db user=u password=hunter2 dbname=app") ==
        "host=db user=u password=**** dbname=app");
  CHECK(mask_conninfo("postgresql:///app?host=/tmp&password=hunter2") ==
        "postgresql:///app?host=/tmp&password=****");
  CHECK(mask_conninfo("postgresql://postgres@/taskhook?host=/run/sock") ==
        "postgresql://postgres@/taskhook?host=/run/sock");
}
