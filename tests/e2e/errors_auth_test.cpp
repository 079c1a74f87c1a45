// Bad input, authentication, tenants and their isolation, rate limits: every
// error answers with the API's error body and the right status.
#include <catch2/catch.hpp>

#include "e2e/json.hpp"
#include "e2e/service.hpp"

#include <thread>

using namespace taskhook::test;
using namespace std::chrono_literals;

TEST_CASE("validation errors name the field and what was expected", "[api][validation]") {
  service svc;
  REQUIRE(svc.ready());
  auto err = [&](const std::string& body) {
    auto r = svc.call("POST", "/api/tasks", body);
    CHECK(r.status == 400);
    return json(r.body);
  };
  auto bad_hour = err(task_body("x", "0 25 * * *"));
  CHECK(bad_hour.str("/error/code") == "validation_failed");
  CHECK(bad_hour.str("/error/message") == "schedule: field 2 (hour): 25 is out of range 0-23");
  CHECK(bad_hour.str("/error/details/0/field") == "schedule");

  auto never = err(task_body("x", "0 0 30 2 *"));
  CHECK(never.str("/error/message").rfind("schedule: ", 0) == 0);

  auto zone = err(task_body("x", "0 10 * * *", R"("timezone":"Mars/Base")"));
  CHECK(zone.str("/error/details/0/field") == "timezone");

  auto missing = err(R"({"name":"x"})");
  CHECK(missing.size("/error/details") >= 3);

  auto url = err(R"({"name":"x","schedule":"* * * * *","webhookUrl":"http://evil.example/hook","payload":{"content":"a"}})");
  CHECK(url.str("/error/details/0/field") == "webhookUrl");

  std::string long_value(1025, 'v');
  auto field = err(R"({"name":"x","schedule":"* * * * *","webhookUrl":")" + webhook_url +
                   R"(","payload":{"embeds":[{"fields":[{"name":"a","value":"b"},{"name":"a","value":"b"},{"name":"a","value":"b"},{"name":"a","value":")" +
                   long_value + R"("}]}]}})");
  CHECK(field.str("/error/details/0/field") == "payload.embeds[0].fields[3].value");

  auto retry = err(task_body("x", "* * * * *", R"("maxRetry":11)"));
  CHECK(retry.str("/error/details/0/field") == "maxRetry");

  auto malformed = svc.call("POST", "/api/tasks", R"({"name": "x",)");
  CHECK(malformed.status == 400);
  CHECK(json(malformed.body).str("/error/code") == "invalid_json");

  auto not_object = svc.call("POST", "/api/tasks", "[1,2]");
  CHECK(not_object.status == 400);
  CHECK(json(not_object.body).str("/error/code") == "invalid_json");

  auto bad_id = svc.call("GET", "/api/tasks/not-a-uuid");
  CHECK(bad_id.status == 400);
  CHECK(json(bad_id.body).str("/error/code") == "invalid_id");

  auto unknown = svc.call("PATCH", "/api/tasks/00000000-0000-4000-8000-000000000000", R"({"name":"y"})");
  CHECK(unknown.status == 404);
  CHECK(json(unknown.body).str("/error/code") == "not_found");

  // Nothing was stored by any of these.
  CHECK(json(svc.call("GET", "/api/tasks").body).num("/meta/total") == 0);
}

TEST_CASE("413 for large bodies and 415 for bodies that are not JSON", "[api][limits]") {
  service svc(std::map<std::string, std::string>{{"MAX_BODY_BYTES", "2048"}});
  REQUIRE(svc.ready());
  std::string big = task_body("x", "* * * * *");
  big.insert(big.size() - 1, R"(,"pad":")" + std::string(4000, 'p') + "\"");
  auto too_large = svc.call("POST", "/api/tasks", big);
  CHECK(too_large.status == 413);
  CHECK(json(too_large.body).str("/error/code") == "payload_too_large");

  auto text = http_request("POST", svc.url("/api/tasks"),
                           {{"X-API-Key", admin_key}, {"Content-Type", "text/plain"}},
                           task_body("x"));
  CHECK(text.status == 415);
  CHECK(json(text.body).str("/error/code") == "unsupported_media_type");

  // Routes without a body need no Content-Type.
  auto created = svc.call("POST", "/api/tasks", task_body("x"));
  REQUIRE(created.status == 201);
  auto id = json(created.body).str("/id");
  auto toggle = http_request("POST", svc.url("/api/tasks/" + id + "/toggle"), {{"X-API-Key", admin_key}});
  CHECK(toggle.status == 200);
  // ... nor may they take a large body: 413 before the route acts.
  auto big_toggle = http_request("POST", svc.url("/api/tasks/" + id + "/toggle"),
                                 {{"X-API-Key", admin_key}}, std::string(4000, 'x'));
  CHECK(big_toggle.status == 413);
  CHECK(json(big_toggle.body).str("/error/code") == "payload_too_large");
  CHECK(json(svc.call("GET", "/api/tasks/" + id).body).str("/status") == "INACTIVE");  // not toggled back

  // The media type is application/json exactly, parameters allowed.
  auto jsonx = http_request("POST", svc.url("/api/tasks"),
                            {{"X-API-Key", admin_key}, {"Content-Type", "application/jsonx"}},
                            task_body("x"));
  CHECK(jsonx.status == 415);
  auto charset = http_request(
      "POST", svc.url("/api/tasks"),
      {{"X-API-Key", admin_key}, {"Content-Type", "Application/JSON ; charset=utf-8"}},
      task_body("y"));
  CHECK(charset.status == 201);
}

TEST_CASE("odd query values, times and names answer 400 naming the field, never 503",
          "[api][validation]") {
  service svc;
  REQUIRE(svc.ready());
  auto bad = [&](const std::string& path, const std::string& field) {
    INFO(path);
    auto r = svc.call("GET", path);
    CHECK(r.status == 400);
    json body(r.body);  // parses: valid JSON, so valid UTF-8
    CHECK(body.str("/error/code") == "validation_failed");
    CHECK(body.str("/error/details/0/field") == field);
    return body;
  };
  bad("/api/tasks?search=%FF", "search");
  bad("/api/tasks?search=%00abc", "search");
  auto page = bad("/api/tasks?page=%FF", "page");
  CHECK(page.str("/error/message") ==
        "page: expected UTF-8 text without NUL characters (after percent-decoding)");
  bad("/api/tasks?page=" + std::string(100, '9'), "page");
  bad("/api/logs?from=0000-01-01T00:00:00Z", "from");
  bad("/api/logs?to=0001-01-01T00:00:00%2B01:00", "to");
  bad("/api/cron/preview?expression=*%20*%20*%20*%20*&timezone=%FF", "timezone");
  CHECK(svc.call("GET", "/api/logs?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z").status ==
        200);

  // Pages have no upper bound of their own: past the last one is an empty page.
  auto far = svc.call("GET", "/api/tasks?page=1000001");
  REQUIRE(far.status == 200);
  CHECK(json(far.body).size("/data") == 0);

  auto nul = svc.call("POST", "/api/tenants", R"({"name":"ab\u0000cd"})");
  CHECK(nul.status == 400);
  CHECK(json(nul.body).str("/error/details/0/field") == "name");
  CHECK(json(svc.call("GET", "/api/tenants").body).num("/meta/total") == 1);  // nothing stored

  // Scheme and host of a webhook URL in any case.
  auto upper = svc.call("POST", "/api/tasks",
                        R"({"name":"u","schedule":"0 10 * * *","webhookUrl":"HTTPS://Discord.COM/api/webhooks/1/tok","payload":{"content":"a"}})");
  CHECK(upper.status == 201);
}

TEST_CASE("keys: missing, wrong, bearer; tenants see only their own tasks", "[api][auth]") {
  service svc;
  REQUIRE(svc.ready());
  CHECK(svc.call("GET", "/api/tasks", "", "").status == 401);
  auto wrong = svc.call("GET", "/api/tasks", "", "not-the-key");
  CHECK(wrong.status == 401);
  CHECK(json(wrong.body).str("/error/code") == "unauthorized");
  auto bearer = http_get(svc.url("/api/tasks"), {{"Authorization", "Bearer " + admin_key}});
  CHECK(bearer.status == 200);
  auto empty_header = http_get(svc.url("/api/tasks"),
                               {{"X-API-Key", ""}, {"Authorization", "Bearer " + admin_key}});
  CHECK(empty_header.status == 200);
  CHECK(http_get(svc.url("/health")).status == 200);  // no key needed

  auto tenant = svc.call("POST", "/api/tenants", R"({"name":"acme"})");
  REQUIRE(tenant.status == 201);
  json tj(tenant.body);
  const auto acme_key = tj.str("/apiKey");
  CHECK(tj.str("/name") == "acme");
  CHECK(acme_key.size() >= 32);

  auto tenants = svc.call("GET", "/api/tenants");
  REQUIRE(tenants.status == 200);
  CHECK(json(tenants.body).num("/meta/total") == 2);  // default + acme
  CHECK(tenants.body.find(acme_key) == std::string::npos);  // the key is shown once only
  CHECK(svc.call("GET", "/api/tenants", "", acme_key).status == 403);
  CHECK(svc.call("POST", "/api/tenants", R"({"name":"x"})", acme_key).status == 403);
  CHECK(svc.call("POST", "/api/tenants", R"({"name":""})").status == 400);

  auto mine = json(svc.call("POST", "/api/tasks", task_body("admin's")).body).str("/id");
  auto theirs_r = svc.call("POST", "/api/tasks", task_body("acme's"), acme_key);
  REQUIRE(theirs_r.status == 201);
  auto theirs = json(theirs_r.body).str("/id");

  for (auto [id, key] : {std::pair{mine, acme_key}, std::pair{theirs, admin_key}}) {
    CHECK(svc.call("GET", "/api/tasks/" + id, "", key).status == 404);
    CHECK(svc.call("PATCH", "/api/tasks/" + id, R"({"name":"mine now"})", key).status == 404);
    CHECK(svc.call("POST", "/api/tasks/" + id + "/toggle", "", key).status == 404);
    CHECK(svc.call("POST", "/api/tasks/" + id + "/run", "", key).status == 404);
    CHECK(svc.call("GET", "/api/tasks/" + id + "/logs", "", key).status == 404);
    CHECK(svc.call("DELETE", "/api/tasks/" + id, "", key).status == 404);
    CHECK(json(svc.call("GET", "/api/logs?taskId=" + id, "", key).body).num("/meta/total") == 0);
  }
  auto acme_list = json(svc.call("GET", "/api/tasks", "", acme_key).body);
  CHECK(acme_list.num("/meta/total") == 1);
  CHECK(acme_list.str("/data/0/name") == "acme's");
  CHECK(json(svc.call("GET", "/api/tasks").body).num("/meta/total") == 1);
  CHECK(json(svc.call("GET", "/api/dashboard/stats", "", acme_key).body).num("/totalTasks") == 1);
  // Still there for their owners.
  CHECK(svc.call("GET", "/api/tasks/" + mine).status == 200);
  CHECK(svc.call("GET", "/api/tasks/" + theirs, "", acme_key).status == 200);
}

TEST_CASE("the per-key rate limit answers 429 with Retry-After", "[api][ratelimit]") {
  service svc(std::map<std::string, std::string>{{"RATE_LIMIT_PER_MIN", "5"}});
  REQUIRE(svc.ready());
  for (int i = 0; i < 5; ++i) REQUIRE(svc.call("GET", "/api/tasks").status == 200);
  auto limited = svc.call("GET", "/api/tasks");
  CHECK(limited.status == 429);
  CHECK(json(limited.body).str("/error/code") == "rate_limited");
  REQUIRE(limited.headers.count("retry-after") == 1);
  auto secs = std::stoi(limited.headers["retry-after"]);
  CHECK(secs >= 1);
  CHECK(secs <= 12);  // one token of five a minute
  for (int i = 0; i < 10; ++i) CHECK(http_get(svc.url("/health")).status == 200);
  // Another key has its own bucket.
  CHECK(svc.call("GET", "/api/tasks", "", "wrong-key").status == 401);
}

TEST_CASE("cron preview lists fire times or says what is wrong", "[api][cron]") {
  service svc;
  REQUIRE(svc.ready());
  auto ok = svc.call("GET", "/api/cron/preview?expression=0%2010%20*%20*%20*&timezone=Europe/Berlin&count=3&from=2026-03-28T00:00:00Z");
  REQUIRE(ok.status == 200);
  json p(ok.body);
  CHECK(p.str("/expression") == "0 10 * * *");
  CHECK(p.str("/timezone") == "Europe/Berlin");
  REQUIRE(p.size("/next") == 3);
  CHECK(p.str("/next/0") == "2026-03-28T09:00:00.000Z");
  CHECK(p.str("/next/1") == "2026-03-29T08:00:00.000Z");  // summer time began
  auto bad = svc.call("GET", "/api/cron/preview?expression=0%2025%20*%20*%20*");
  CHECK(bad.status == 400);
  CHECK(json(bad.body).str("/error/message") == "expression: field 2 (hour): 25 is out of range 0-23");
  CHECK(svc.call("GET", "/api/cron/preview?expression=*%20*%20*%20*%20*&count=101").status == 400);
  // The list ends with the year 9999: times keep their four-digit form.
  auto last = svc.call("GET", "/api/cron/preview?expression=*%20*%20*%20*%20*&count=3&from=9999-12-31T23:58:00Z");
  REQUIRE(last.status == 200);
  REQUIRE(json(last.body).size("/next") == 1);
  CHECK(json(last.body).str("/next/0") == "9999-12-31T23:59:00.000Z");
  CHECK(svc.call("GET", "/api/cron/preview").status == 400);
}

TEST_CASE("with the database away the API answers 503, then recovers", "[api][unavailable]") {
  private_cluster pg;
  int port = free_port();
  child svc({TASKHOOK_BINARY, "serve"}, {{"DATABASE_URL", pg.url()},
                                        {"API_KEY", admin_key},
                                        {"HOST", "127.0.0.1"},
                                        {"PORT", std::to_string(port)},
                                        {"LOG_LEVEL", "warn"}});
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (http_get(base + "/health").status != 200 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  std::map<std::string, std::string> key{{"X-API-Key", admin_key}};
  REQUIRE(http_get(base + "/api/tasks", key).status == 200);

  pg.stop();
  auto down = http_get(base + "/api/tasks", key);
  CHECK(down.status == 503);
  CHECK(json(down.body).str("/error/code") == "unavailable");
  std::map<std::string, std::string> post_headers{{"X-API-Key", admin_key},
                                                  {"Content-Type", "application/json"}};
  auto create = http_request("POST", base + "/api/tasks", post_headers, task_body("while away"));
  CHECK(create.status == 503);

  pg.start();
  http_response back;
  deadline = std::chrono::steady_clock::now() + 20s;
  do {
    back = http_get(base + "/api/tasks", key);
    if (back.status == 200) break;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < deadline);
  CHECK(back.status == 200);
  CHECK(json(back.body).num("/meta/total") == 0);  // the refused create left nothing behind
}
