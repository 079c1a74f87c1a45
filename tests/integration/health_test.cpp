// The running service: /health follows the database as it goes and comes back,
// and SIGTERM stops the process cleanly.
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "support/http_client.hpp"
#include "support/pg.hpp"
#include "support/process.hpp"

using namespace taskhook::test;
using namespace std::chrono_literals;

namespace {

std::map<std::string, std::string> service_env(const std::string& db_url, int port) {
  return {{"DATABASE_URL", db_url},
          {"API_KEY", "test-admin-key-0123456789"},
          {"HOST", "127.0.0.1"},
          {"PORT", std::to_string(port)},
          {"APP_ENV", "test"}};
}

/// Polls /health until it answers `status` (or 10 s pass); returns the last answer.
http_response health_until(const std::string& url, long status) {
  http_response r;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  do {
    r = http_get(url);
    if (r.status == status) break;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < deadline);
  return r;
}

}  // namespace

TEST_CASE("health answers 200 with a live database and 503 when it is stopped", "[health]") {
  private_cluster pg;
  int port = free_port();
  child svc({TASKHOOK_BINARY, "serve"}, service_env(pg.url(), port));
  REQUIRE(svc.wait_for_output("listening on", 20s));
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/health";

  auto up = http_get(url);
  CHECK(up.status == 200);
  CHECK(up.body.find(R"("status":"ok","database":"ok")") != std::string::npos);
  CHECK(up.headers["content-type"].find("application/json") != std::string::npos);

  pg.stop();
  auto down = health_until(url, 503);
  CHECK(down.status == 503);
  CHECK(down.body.find(R"("database":"unreachable")") != std::string::npos);

  pg.start();
  auto back = health_until(url, 200);
  CHECK(back.status == 200);
  CHECK(back.body.find(R"("database":"ok")") != std::string::npos);

  svc.signal(SIGTERM);
  auto code = svc.wait(15s);
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  INFO(svc.output());
  CHECK(svc.output().find("received SIGTERM, stopping") != std::string::npos);
}

TEST_CASE("unknown routes answer 404 with the error body", "[health]") {
  scratch_database db;
  int port = free_port();
  child svc({TASKHOOK_BINARY, "serve"}, service_env(db.url(), port));
  REQUIRE(svc.wait_for_output("listening on", 20s));
  auto r = http_get("http://127.0.0.1:" + std::to_string(port) + "/nope");
  CHECK(r.status == 404);
  CHECK(r.body.find(R"({"error":{"code":"not_found")") == 0);
  svc.signal(SIGINT);
  auto code = svc.wait(15s);
  REQUIRE(code.has_value());
  CHECK(*code == 0);
}

TEST_CASE("a port that is taken is a start-up failure, not a hang", "[health]") {
  scratch_database db;
  int port = free_port();
  child first({TASKHOOK_BINARY, "serve"}, service_env(db.url(), port));
  REQUIRE(first.wait_for_output("listening on", 20s));
  auto second = run_command({TASKHOOK_BINARY, "serve"}, service_env(db.url(), port), 20s);
  CHECK(second.exit_code == 1);
  CHECK(second.out.find("cannot listen on 127.0.0.1:" + std::to_string(port)) != std::string::npos);
}
