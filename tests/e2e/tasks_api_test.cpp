// The task routes of API.md against the real binary: shapes, status codes,
// durability, actors following changes, masking.
#include <catch2/catch.hpp>

#include "e2e/json.hpp"
#include "e2e/service.hpp"

using namespace taskhook::test;
using namespace std::chrono_literals;

namespace {
const std::string time_re_hint = "YYYY-MM-DDTHH:MM:SS.mmmZ";
bool is_api_time(const std::string& s) {
  return s.size() == 24 && s[4] == '-' && s[10] == 'T' && s[19] == '.' && s[23] == 'Z';
}
}  // namespace

TEST_CASE("a task goes through create, read, list, patch, toggle, run and delete", "[api]") {
  service svc;
  REQUIRE(svc.ready());

  auto created = svc.call("POST", "/api/tasks", task_body("Daily Report"));
  REQUIRE(created.status == 201);
  json t(created.body);
  const auto id = t.str("/id");
  CHECK(t.str("/name") == "Daily Report");
  CHECK(t.str("/schedule") == "0 10 * * *");
  CHECK(t.str("/timezone") == "UTC");
  CHECK(t.str("/webhookUrl") == "https://discord.com/api/webhooks/998877665544/****");
  CHECK(t.str("/payload/content") == "Task executed successfully!");
  CHECK(t.num("/maxRetry") == 3);
  CHECK(t.str("/status") == "ACTIVE");
  INFO("times look like " << time_re_hint);
  CHECK(is_api_time(t.str("/nextRunAt")));
  CHECK(t.str("/nextRunAt").substr(10) == "T10:00:00.000Z");
  CHECK(t.is_null("/lastRunAt"));
  CHECK(is_api_time(t.str("/createdAt")));
  CHECK(is_api_time(t.str("/updatedAt")));

  auto got = svc.call("GET", "/api/tasks/" + id);
  REQUIRE(got.status == 200);
  json g(got.body);
  CHECK(g.str("/id") == id);
  CHECK(g.size("/logs") == 0);

  auto list = svc.call("GET", "/api/tasks");
  REQUIRE(list.status == 200);
  json l(list.body);
  CHECK(l.size("/data") == 1);
  CHECK(l.str("/data/0/id") == id);
  CHECK(l.num("/meta/total") == 1);
  CHECK(l.num("/meta/page") == 1);
  CHECK(l.num("/meta/limit") == 20);
  CHECK(l.num("/meta/totalPages") == 1);

  auto patched = svc.call("PATCH", "/api/tasks/" + id,
                          R"({"schedule":"30 9 * * MON-FRI","timezone":"Europe/Berlin","maxRetry":5})");
  REQUIRE(patched.status == 200);
  json p(patched.body);
  CHECK(p.str("/schedule") == "30 9 * * MON-FRI");
  CHECK(p.str("/timezone") == "Europe/Berlin");
  CHECK(p.num("/maxRetry") == 5);
  CHECK(p.str("/name") == "Daily Report");  // untouched fields stay
  // The earlier GET may be cached; a change through the API is read back at once.
  CHECK(json(svc.call("GET", "/api/tasks/" + id).body).str("/schedule") == "30 9 * * MON-FRI");
  auto next = p.str("/nextRunAt");
  CHECK((next.substr(10) == "T08:30:00.000Z" || next.substr(10) == "T07:30:00.000Z"));

  auto off = svc.call("POST", "/api/tasks/" + id + "/toggle");
  REQUIRE(off.status == 200);
  CHECK(json(off.body).str("/status") == "INACTIVE");
  CHECK(json(svc.call("GET", "/api/tasks/" + id).body).str("/status") == "INACTIVE");
  CHECK(json(off.body).is_null("/nextRunAt"));
  auto run_inactive = svc.call("POST", "/api/tasks/" + id + "/run");
  CHECK(run_inactive.status == 409);
  CHECK(json(run_inactive.body).str("/error/code") == "conflict");

  auto on = svc.call("POST", "/api/tasks/" + id + "/toggle");
  REQUIRE(on.status == 200);
  CHECK(json(on.body).str("/status") == "ACTIVE");
  CHECK_FALSE(json(on.body).is_null("/nextRunAt"));

  auto run = svc.call("POST", "/api/tasks/" + id + "/run");
  REQUIRE(run.status == 202);
  json r(run.body);
  CHECK(r.str("/taskId") == id);
  CHECK(is_api_time(r.str("/scheduledFor")));
  REQUIRE(svc.discord.wait_for_requests(1, 10s));
  CHECK(svc.discord.requests()[0].target == "/api/webhooks/998877665544/" + webhook_token + "?wait=true");

  auto del = svc.call("DELETE", "/api/tasks/" + id);
  CHECK(del.status == 204);
  CHECK(del.body.empty());
  CHECK(svc.call("GET", "/api/tasks/" + id).status == 404);
  CHECK(svc.call("DELETE", "/api/tasks/" + id).status == 404);
  CHECK(svc.call("POST", "/api/tasks/" + id + "/run").status == 404);
  CHECK(json(svc.call("GET", "/api/tasks").body).num("/meta/total") == 0);

  // The token was never returned, in any response.
  CHECK(svc.all_bodies().find(webhook_token) == std::string::npos);
}

TEST_CASE("a created task fires through its actor and its log is readable", "[api][logs]") {
  service svc;
  REQUIRE(svc.ready());
  auto created = svc.call("POST", "/api/tasks", task_body("every second", "* * * * * *"));
  REQUIRE(created.status == 201);
  auto id = json(created.body).str("/id");
  REQUIRE(svc.discord.wait_for_requests(2, 10s));

  // Rows are written within milliseconds; poll the API until they show.
  json logs("{}");
  auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    auto r = svc.call("GET", "/api/tasks/" + id + "/logs?limit=5");
    REQUIRE(r.status == 200);
    logs = json(r.body);
    if (logs.num("/meta/total") >= 2 || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE(logs.num("/meta/total") >= 2);
  CHECK(logs.str("/data/0/status") == "SUCCESS");
  CHECK(logs.str("/data/0/trigger") == "schedule");
  CHECK(logs.num("/data/0/httpStatus") == 204);
  CHECK(logs.num("/data/0/retryCount") == 0);
  CHECK(logs.str("/data/0/taskId") == id);
  CHECK(logs.str("/data/0/scheduledFor").substr(19) == ".000Z");
  // Newest first.
  CHECK(logs.str("/data/0/executionTime") >= logs.str("/data/1/executionTime"));

  auto detail = json(svc.call("GET", "/api/tasks/" + id).body);
  CHECK(detail.size("/logs") >= 2);
  CHECK_FALSE(detail.is_null("/lastRunAt"));

  auto global = svc.call("GET", "/api/logs?taskId=" + id + "&status=SUCCESS&limit=1");
  REQUIRE(global.status == 200);
  CHECK(json(global.body).size("/data") == 1);
  CHECK(json(svc.call("GET", "/api/logs?status=FAILED").body).num("/meta/total") == 0);
  CHECK(json(svc.call("GET", "/api/logs?to=2000-01-01T00:00:00Z").body).num("/meta/total") == 0);

  auto stats = svc.call("GET", "/api/dashboard/stats");
  REQUIRE(stats.status == 200);
  json s(stats.body);
  CHECK(s.num("/totalTasks") == 1);
  CHECK(s.num("/activeTasks") == 1);
  CHECK(s.num("/inactiveTasks") == 0);
  CHECK(s.num("/failedTasks") == 0);
  CHECK(s.num("/last24h/executions") >= 2);
  CHECK(s.num("/last24h/success") >= 2);
  CHECK(s.real("/last24h/successRate") == Approx(1.0));
}

TEST_CASE("list pages and filters", "[api][pagination]") {
  service svc;
  REQUIRE(svc.ready());
  for (int i = 0; i < 25; ++i)
    REQUIRE(svc.call("POST", "/api/tasks",
                     task_body(i % 5 == 0 ? "Report " + std::to_string(i) : "job " + std::to_string(i),
                               "0 10 * * *", i % 2 ? R"("status":"INACTIVE")" : ""))
                .status == 201);
  auto page = [&](const std::string& q) { return json(svc.call("GET", "/api/tasks" + q).body); };
  auto p1 = page("?page=1&limit=10");
  CHECK(p1.size("/data") == 10);
  CHECK(p1.num("/meta/total") == 25);
  CHECK(p1.num("/meta/totalPages") == 3);
  CHECK(page("?page=3&limit=10").size("/data") == 5);
  auto past = page("?page=4&limit=10");
  CHECK(past.size("/data") == 0);
  CHECK(past.num("/meta/total") == 25);
  CHECK(page("?limit=100").size("/data") == 25);
  // Newest first, no overlap between pages.
  CHECK(p1.str("/data/0/name") == "job 24");
  CHECK(page("?page=2&limit=10").str("/data/0/name") == "job 14");
  CHECK(page("?status=INACTIVE").num("/meta/total") == 12);
  CHECK(page("?status=ACTIVE").num("/meta/total") == 13);
  CHECK(page("?search=report").num("/meta/total") == 5);
  CHECK(page("?search=REPORT%202").num("/meta/total") == 1);  // "Report 20"
  CHECK(page("?search=%25").num("/meta/total") == 0);          // a literal %, not a wildcard

  for (const char* bad : {"?limit=0", "?limit=101", "?page=0", "?page=x", "?status=PAUSED"}) {
    auto r = svc.call("GET", std::string("/api/tasks") + bad);
    INFO(bad);
    CHECK(r.status == 400);
    CHECK(json(r.body).str("/error/code") == "validation_failed");
  }
  auto bad_limit = json(svc.call("GET", "/api/tasks?limit=0").body);
  CHECK(bad_limit.str("/error/details/0/field") == "limit");
}
