// What operators use: /metrics (checked by promtool during deliveries), the
// admin actor snapshot, retention, and the pages served from the binary.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <thread>

#include "e2e/json.hpp"
#include "e2e/service.hpp"

using namespace taskhook::test;
using namespace std::chrono_literals;

namespace {

double metric(const std::string& text, const std::string& series) {
  auto pos = text.find("\n" + series + " ");
  if (pos == std::string::npos) return -1;
  return std::stod(text.substr(pos + series.size() + 2));
}

}  // namespace

TEST_CASE("/metrics during deliveries passes promtool and counts what happened", "[operator][metrics]") {
  service svc;
  REQUIRE(svc.ready());
  REQUIRE(svc.call("POST", "/api/tasks", task_body("per second", "* * * * * *")).status == 201);
  REQUIRE(svc.discord.wait_for_requests(3, 10s));

  CHECK(svc.call("GET", "/metrics", "", "").status == 401);  // a key unless METRICS_PUBLIC
  // A fire handed to the pool ahead of its instant counts once its result is
  // in, a moment after the receiver saw it: read until the third shows.
  auto r = svc.call("GET", "/metrics");
  for (auto until = std::chrono::steady_clock::now() + 5s;
       r.status == 200 && metric(r.body, "taskhook_fires_total{trigger=\"schedule\"}") < 3 &&
       std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(50ms);  // a poll, bounded above; not a wait for luck
    r = svc.call("GET", "/metrics");
  }
  REQUIRE(r.status == 200);
  CHECK(r.headers["content-type"].rfind("text/plain; version=0.0.4", 0) == 0);

  char path[] = "/tmp/taskhook-metrics-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  { std::ofstream(path) << r.body; }
  auto check = run_command({"/bin/sh", "-c", std::string("promtool check metrics < ") + path}, {});
  std::remove(path);
  INFO(check.out);
  CHECK(check.exit_code == 0);

  CHECK(metric(r.body, "taskhook_actors{kind=\"task\"}") == 1);
  CHECK(metric(r.body, "taskhook_fires_total{trigger=\"schedule\"}") >= 3);
  CHECK(metric(r.body, "taskhook_attempts_total{outcome=\"success\"}") >= 2);
  CHECK(metric(r.body, "taskhook_fire_lateness_seconds_count") >= 2);
  CHECK(metric(r.body, "taskhook_db_batch_rows_count") >= 1);
  CHECK(metric(r.body, "process_resident_memory_bytes") > 1e6);
  CHECK(r.body.find("taskhook_http_requests_total{route=\"POST /api/tasks\",status=\"201\"} 1") !=
        std::string::npos);
}

TEST_CASE("METRICS_PUBLIC serves /metrics without a key", "[operator][metrics]") {
  service svc(std::map<std::string, std::string>{{"METRICS_PUBLIC", "true"}});
  REQUIRE(svc.ready());
  CHECK(svc.call("GET", "/metrics", "", "").status == 200);
}

TEST_CASE("the admin snapshot shows the actors; other keys get 403", "[operator][admin]") {
  service svc;
  REQUIRE(svc.ready());
  REQUIRE(svc.call("POST", "/api/tasks", task_body("a", "* * * * * *")).status == 201);
  REQUIRE(svc.call("POST", "/api/tasks", task_body("b", "0 0 1 1 *")).status == 201);
  REQUIRE(svc.discord.wait_for_requests(1, 10s));
  auto snap = svc.call("GET", "/api/admin/actors");
  REQUIRE(snap.status == 200);
  json j(snap.body);
  auto task_actors = j.num("/actors/task/idle") + j.num("/actors/task/inFlight") +
                     j.num("/actors/task/retrying");
  CHECK(task_actors == 2);
  CHECK(j.num("/actors/supervisor/running") >= 1);
  CHECK(j.num("/actors/webhookWorker/running") >= 1);  // field names in camelCase (API.md)
  REQUIRE(j.size("/mailboxes") >= 3);
  for (std::size_t i = 1; i < j.size("/mailboxes"); ++i)  // largest backlog first
    CHECK(j.num("/mailboxes/" + std::to_string(i - 1) + "/backlog") >=
          j.num("/mailboxes/" + std::to_string(i) + "/backlog"));
  CHECK(j.num("/restarts/total") == 0);
  CHECK(j.has("/slowestTasks"));
  CHECK(j.has("/mostRetryingTasks"));

  auto tenant = json(svc.call("POST", "/api/tenants", R"({"name":"t"})").body).str("/apiKey");
  CHECK(svc.call("GET", "/api/admin/actors", "", tenant).status == 403);
}

TEST_CASE("retention prunes task_logs older than LOG_RETENTION_DAYS", "[operator][retention]") {
  scratch_database db;
  // Migrate first so the rows can be planted before the service starts.
  REQUIRE(run_command({TASKHOOK_BINARY, "migrate"}, {{"DATABASE_URL", db.url()}}).exit_code == 0);
  query(db.url(),
        "INSERT INTO task_logs (task_id, tenant_id, scheduled_for, execution_time, status) "
        "SELECT gen_random_uuid(), gen_random_uuid(), now() - interval '3 days', "
        "now() - interval '3 days', 'SUCCESS' FROM generate_series(1, 2500)");
  query(db.url(),
        "INSERT INTO task_logs (task_id, tenant_id, scheduled_for, execution_time, status) "
        "SELECT gen_random_uuid(), gen_random_uuid(), now(), now(), 'SUCCESS' FROM generate_series(1, 10)");
  int port = free_port();
  child svc({TASKHOOK_BINARY, "serve"}, {{"DATABASE_URL", db.url()},
                                        {"API_KEY", admin_key},
                                        {"HOST", "127.0.0.1"},
                                        {"PORT", std::to_string(port)},
                                        {"LOG_RETENTION_DAYS", "1"}});
  std::string left;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  do {
    left = query(db.url(), "SELECT count(*) FROM task_logs")[0][0];
    if (left == "10") break;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < deadline);
  CHECK(left == "10");  // the old rows went, in batches; the new ones stay
  auto metrics = http_get("http://127.0.0.1:" + std::to_string(port) + "/metrics",
                          {{"X-API-Key", admin_key}});
  CHECK(metric(metrics.body, "taskhook_log_rows_pruned_total") == 2500);
}

TEST_CASE("Swagger UI and the OpenAPI document are served without a key", "[operator][docs]") {
  service svc;
  REQUIRE(svc.ready());
  auto page = http_get(svc.url("/api/docs"));
  CHECK(page.status == 200);
  CHECK(page.headers["content-type"].rfind("text/html", 0) == 0);
  CHECK(page.body.find("swagger-ui") != std::string::npos);
  auto spec = http_get(svc.url("/api/docs/openapi.yaml"));
  CHECK(spec.status == 200);
  CHECK(spec.body.rfind("openapi: 3.0", 0) == 0);
  auto bundle = http_get(svc.url("/api/docs/swagger-ui-bundle.js"));
  CHECK(bundle.status == 200);
  CHECK(bundle.body.size() > 100000);
  REQUIRE(bundle.headers.count("etag") == 1);
  auto again = http_get(svc.url("/api/docs/swagger-ui-bundle.js"),
                        {{"If-None-Match", bundle.headers["etag"]}});
  CHECK(again.status == 304);
  CHECK(http_get(svc.url("/api/docs/nope.js")).status == 404);
}
