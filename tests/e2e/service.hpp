#pragma once
/// The real taskhook binary on a scratch database, with a fake Discord beside
/// it, for end-to-end tests of the REST API over loopback HTTP.

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "support/fake_discord.hpp"
#include "support/http_client.hpp"
#include "support/pg.hpp"
#include "support/process.hpp"

namespace taskhook::test {

inline const std::string admin_key = "e2e-admin-key-0123456789abcdef";
inline const std::string webhook_token = "sEcReT-ToKeN_e2e.123";
inline const std::string webhook_url = "https://discord.com/api/webhooks/998877665544/" + webhook_token;

class service {
 public:
  explicit service(std::map<std::string, std::string> extra_env = {}) : port_(free_port()) {
    std::map<std::string, std::string> env{{"DATABASE_URL", db_.url()},
                                           {"API_KEY", admin_key},
                                           {"HOST", "127.0.0.1"},
                                           {"PORT", std::to_string(port_)},
                                           {"APP_ENV", "test"},
                                           {"DISCORD_API_BASE", discord.base_url()},
                                           {"ALLOW_PRIVATE_TARGETS", "true"},
                                           {"RETRY_BASE_MS", "50"},
                                           {"CLUSTER_LEASE_S", "2"},
                                           {"LOG_LEVEL", "warn"}};
    for (auto& [k, v] : extra_env) env[k] = v;
    proc_ = std::make_unique<child>(std::vector<std::string>{TASKHOOK_BINARY, "serve"}, env);
    ready_ = wait_ready();
  }

  bool ready() const { return ready_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  const std::string& db_url() const { return db_.url(); }
  child& process() { return *proc_; }

  http_response call(const std::string& method, const std::string& path,
                     const std::string& body = "", const std::string& key = admin_key,
                     std::map<std::string, std::string> headers = {}) {
    if (!key.empty()) headers.emplace("X-API-Key", key);
    if (!body.empty()) headers.emplace("Content-Type", "application/json");
    auto r = http_request(method, url(path), headers, body);
    bodies_ += r.body;
    bodies_ += '\n';
    return r;
  }

  /// Every response body seen so far (for secret checks).
  const std::string& all_bodies() const { return bodies_; }

  fake_discord discord;

 private:
  bool wait_ready() {
    // The log level is warn: readiness is the health route answering.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (http_get(url("/health")).status == 200) return true;
      if (proc_->wait(std::chrono::milliseconds(50))) return false;  // exited
    }
    return false;
  }

  scratch_database db_;
  int port_;
  std::unique_ptr<child> proc_;
  bool ready_ = false;
  std::string bodies_;
};

/// A create body with the given schedule (and optional extra JSON members).
inline std::string task_body(const std::string& name, const std::string& schedule = "0 10 * * *",
                             const std::string& extra = "") {
  return R"({"name":")" + name + R"(","schedule":")" + schedule + R"(","webhookUrl":")" +
         webhook_url + R"(","payload":{"content":"Task executed successfully!"})" +
         (extra.empty() ? "" : "," + extra) + "}";
}

}  // namespace taskhook::test
