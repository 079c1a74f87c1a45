#include "core/config.hpp"

#include <array>
#include <charconv>
#include <cstdlib>
#include <limits>

namespace taskhook {
namespace {

constexpr std::size_t min_api_key_length = 16;

std::string shown(std::string_view name, std::string_view value) {
  return std::string(name) + "=" + std::string(value);
}

/// Parses a whole decimal integer in [lo, hi].
expected<long long> parse_int(std::string_view name, std::string_view text,
                              long long lo, long long hi) {
  long long v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || v < lo || v > hi)
    return error{shown(name, text) + ": expected an integer " + std::to_string(lo) + "-" +
                 std::to_string(hi)};
  return v;
}

expected<bool> parse_bool(std::string_view name, std::string_view text) {
  static constexpr std::array<std::string_view, 4> yes{"true", "1", "yes", "on"};
  static constexpr std::array<std::string_view, 4> no{"false", "0", "no", "off"};
  for (auto y : yes)
    if (text == y) return true;
  for (auto n : no)
    if (text == n) return false;
  return error{shown(name, text) + ": expected true or false"};
}

bool valid_host(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  for (char c : h) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

/// A TCP port, 1-65535, in digits.
bool valid_port(std::string_view p) {
  if (p.empty() || p.size() > 5) return false;
  int n = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  return n >= 1 && n <= 65535;
}

/// http(s)://host[:port] with nothing after but an optional slash.
std::optional<std::string> normalize_base_url(std::string_view v) {
  std::string_view rest;
  if (v.starts_with("https://"))
    rest = v.substr(8);
  else if (v.starts_with("http://"))
    rest = v.substr(7);
  else
    return std::nullopt;
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty()) return std::nullopt;
  std::string_view port;
  if (rest.front() == '[') {  // [::1]:8080
    auto close = rest.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    if (rest.substr(1, close - 1).find_first_not_of("0123456789abcdefABCDEF:.") !=
        std::string_view::npos)
      return std::nullopt;
    auto after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
      if (!valid_port(port)) return std::nullopt;
    }
  } else {
    auto colon = rest.find(':');
    if (colon != std::string_view::npos) {
      port = rest.substr(colon + 1);
      if (!valid_port(port)) return std::nullopt;
    }
    if (!valid_host(rest.substr(0, colon))) return std::nullopt;
  }
  std::string out(v);
  if (out.ends_with('/')) out.pop_back();
  return out;
}

}  // namespace

env_lookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::string_view to_string(app_env e) {
  switch (e) {
    case app_env::development: return "development";
    case app_env::production: return "production";
    case app_env::test: return "test";
  }
  return "development";
}

std::string mask_conninfo(std::string_view conninfo) {
  std::string s(conninfo);
  // URI form: scheme://user:password@host
  if (auto scheme = s.find("://"); scheme != std::string::npos) {
    auto at = s.find('@', scheme + 3);
    auto slash = s.find('/', scheme + 3);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      auto colon = s.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at)
        s.replace(colon + 1, at - colon - 1, "****");
    }
  }
  // key=value form, and URI query parameters: password=...
  for (std::size_t pos = s.find("password="); pos != std::string::npos;
       pos = s.find("password=", pos + 1)) {
    auto start = pos + 9;
    auto end = s.find_first_of(" &", start);
    if (end == std::string::npos) end = s.size();
    s.replace(start, end - start, "****");
  }
  return s;
}

expected<config> load_config(const env_lookup& env) {
  config cfg;
  auto get = [&](std::string_view name) -> std::optional<std::string> {
    auto v = env(name);
    if (!v || v->empty()) return std::nullopt;
    return v;
  };
  auto int_var = [&](std::string_view name, auto& field, long long lo,
                     long long hi) -> std::optional<error> {
    if (auto v = get(name)) {
      auto parsed = parse_int(name, *v, lo, hi);
      if (!parsed) return parsed.get_error();
      field = static_cast<std::remove_reference_t<decltype(field)>>(*parsed);
    }
    return std::nullopt;
  };
  auto bool_var = [&](std::string_view name, bool& field) -> std::optional<error> {
    if (auto v = get(name)) {
      auto parsed = parse_bool(name, *v);
      if (!parsed) return parsed.get_error();
      field = *parsed;
    }
    return std::nullopt;
  };

  if (auto v = get("DATABASE_URL")) cfg.database_url = *v;
  if (auto v = get("API_KEY")) cfg.api_key = *v;
  if (auto v = get("HOST")) {
    if (!valid_host(*v))
      return error{shown("HOST", *v) + ": expected an IP address or host name"};
    cfg.host = *v;
  }
  if (auto e = int_var("PORT", cfg.port, 1, 65535)) return *e;
  if (auto v = get("APP_ENV")) {
    if (*v == "development") cfg.env = app_env::development;
    else if (*v == "production") cfg.env = app_env::production;
    else if (*v == "test") cfg.env = app_env::test;
    else return error{shown("APP_ENV", *v) + ": expected development, production or test"};
  }
  if (auto v = get("LOG_LEVEL")) {
    static constexpr std::array<std::string_view, 7> levels{
        "trace", "debug", "info", "warn", "error", "critical", "off"};
    bool ok = false;
    for (auto l : levels) ok = ok || *v == l;
    if (!ok)
      return error{shown("LOG_LEVEL", *v) +
                   ": expected trace, debug, info, warn, error, critical or off"};
    cfg.log_level = *v;
  }
  if (auto v = get("LOG_FORMAT")) {
    if (*v == "text") cfg.log_fmt = log_format::text;
    else if (*v == "json") cfg.log_fmt = log_format::json;
    else return error{shown("LOG_FORMAT", *v) + ": expected text or json"};
  }
  if (auto e = int_var("HTTP_THREADS", cfg.http_threads, 1, 64)) return *e;
  if (auto e = int_var("MAX_BODY_BYTES", cfg.max_body_bytes, 1024, 64LL * 1024 * 1024)) return *e;
  if (auto e = int_var("WEBHOOK_WORKERS", cfg.webhook_workers, 1, 64)) return *e;
  if (auto e = int_var("WEBHOOK_TIMEOUT_MS", cfg.webhook_timeout_ms, 100, 300000)) return *e;
  if (auto e = int_var("RETRY_BASE_MS", cfg.retry_base_ms, 1, 3600000)) return *e;
  if (auto e = int_var("RETRY_MAX_MS", cfg.retry_max_ms, 1, 86400000)) return *e;
  if (cfg.retry_base_ms > cfg.retry_max_ms)
    return error{shown("RETRY_BASE_MS", std::to_string(cfg.retry_base_ms)) +
                 ": expected at most RETRY_MAX_MS (" + std::to_string(cfg.retry_max_ms) + ")"};
  if (auto e = int_var("MISFIRE_GRACE_S", cfg.misfire_grace_s, 0, 31536000)) return *e;
  if (auto e = int_var("LOG_RETENTION_DAYS", cfg.log_retention_days, 1, 3650)) return *e;
  if (auto v = get("DISCORD_API_BASE")) {
    auto base = normalize_base_url(*v);
    if (!base)
      return error{shown("DISCORD_API_BASE", *v) +
                   ": expected an http or https URL with a host, an optional port 1-65535 and no path"};
    cfg.discord_api_base = *base;
  }
  if (auto e = bool_var("ALLOW_PRIVATE_TARGETS", cfg.allow_private_targets)) return *e;
  if (auto e = int_var("RATE_LIMIT_PER_MIN", cfg.rate_limit_per_min, 1, 1000000)) return *e;
  if (auto e = bool_var("METRICS_PUBLIC", cfg.metrics_public)) return *e;
  if (auto e = int_var("CLUSTER_LEASE_S", cfg.cluster_lease_s, 2, 300)) return *e;
  if (auto v = get("NODE_NAME")) {
    if (v->size() > 100 || v->find_first_of("\"\\\n\r\t") != std::string::npos)
      return error{shown("NODE_NAME", *v) +
                   ": expected at most 100 characters without quotes, backslashes or control "
                   "characters"};
    cfg.node_name = *v;
  }
  return cfg;
}

std::optional<error> require_database_url(const config& cfg) {
  if (cfg.database_url.empty())
    return error{"DATABASE_URL is not set: expected a PostgreSQL connection URI or conninfo "
                 "(scripts/run starts a private cluster and sets it)"};
  return std::nullopt;
}

std::optional<error> require_api_key(const config& cfg) {
  if (cfg.api_key.empty())
    return error{"API_KEY is not set: expected the admin API key, at least " +
                 std::to_string(min_api_key_length) + " characters"};
  if (cfg.api_key.size() < min_api_key_length)
    return error{"API_KEY=****: expected at least " + std::to_string(min_api_key_length) +
                 " characters, got " + std::to_string(cfg.api_key.size())};
  return std::nullopt;
}

}  // namespace taskhook
