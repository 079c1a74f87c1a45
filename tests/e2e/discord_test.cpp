// Discord-native messages against the real binary and a fake Discord: a
// templated payload filled in with each fire's own instant, a task posting into
// a thread, and the message options refused over HTTP by path.
#include <catch2/catch.hpp>

#include <ctime>
#include <set>
#include <thread>

#include "e2e/json.hpp"
#include "e2e/service.hpp"

using namespace taskhook::test;
using namespace std::chrono_literals;

namespace {

const std::string webhook_target = "/api/webhooks/998877665544/" + webhook_token;

/// Whole seconds since 1970 of an API time such as `2026-11-22T10:00:00.000Z`.
long long unix_seconds(const std::string& iso) {
  std::tm tm{};
  REQUIRE(strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) != nullptr);
  return static_cast<long long>(timegm(&tm));
}

std::string create_body(const std::string& name, const std::string& schedule,
                        const std::string& payload, const std::string& extra = "") {
  return R"({"name":)" + name + R"(,"schedule":")" + schedule + R"(","webhookUrl":")" +
         webhook_url + R"(","payload":)" + payload + extra + "}";
}

}  // namespace

TEST_CASE("a templated embed arrives with each fire's own instant", "[api][discord][template]") {
  service svc;
  REQUIRE(svc.ready());
  const std::string payload =
      R"j({"content":"Fired at {{scheduledFor}} (<t:{{scheduledFor.unix}}:F>)",)j"
      R"("embeds":[{"title":"{{task.name}}","timestamp":"{{scheduledFor}}",)"
      R"("fields":[{"name":"Execution Time","value":"{{scheduledFor}}"},)"
      R"({"name":"Attempt","value":"{{attempt}} via {{trigger}}"}],)"
      R"("footer":{"text":"task {{task.id}}"}}]})";
  auto created =
      svc.call("POST", "/api/tasks", create_body(R"("Nightly \"digest\"")", "* * * * * *", payload));
  REQUIRE(created.status == 201);
  const auto id = json(created.body).str("/id");
  // The task is stored and returned as written.
  CHECK(json(created.body).str("/payload/embeds/0/timestamp") == "{{scheduledFor}}");
  REQUIRE(svc.discord.wait_for_requests(3, 15s));
  CHECK(svc.call("DELETE", "/api/tasks/" + id).status == 204);

  const auto requests = svc.discord.requests();
  std::set<std::string> instants;
  for (const auto& req : requests) {
    INFO("body: " << req.body);
    const std::string fired = req.header("x-taskhook-scheduled-for");
    REQUIRE(fired.size() == 24);
    CHECK(fired.substr(19) == ".000Z");  // a per-second schedule fires on whole seconds
    instants.insert(fired);
    json body(req.body);  // names are escaped: the body is still JSON
    CHECK(body.str("/content") ==
          "Fired at " + fired + " (<t:" + std::to_string(unix_seconds(fired)) + ":F>)");
    CHECK(body.str("/embeds/0/title") == "Nightly \"digest\"");
    CHECK(body.str("/embeds/0/timestamp") == fired);
    CHECK(body.str("/embeds/0/fields/0/name") == "Execution Time");
    CHECK(body.str("/embeds/0/fields/0/value") == fired);
    CHECK(body.str("/embeds/0/fields/1/value") == "0 via schedule");
    CHECK(body.str("/embeds/0/footer/text") == "task " + id);
    CHECK(req.target == webhook_target + "?wait=true");
  }
  // Each fire carries its own instant, not the first one frozen.
  CHECK(instants.size() == requests.size());
}

TEST_CASE("a manual run fills in its own instant and trigger", "[api][discord][template]") {
  service svc;
  REQUIRE(svc.ready());
  auto created = svc.call(
      "POST", "/api/tasks",
      create_body(R"("manual")", "0 0 1 1 *",
                  R"({"content":"{{trigger}} at {{scheduledFor}}, attempt {{attempt}} {{{{x}}"})"));
  REQUIRE(created.status == 201);
  const auto id = json(created.body).str("/id");
  auto run = svc.call("POST", "/api/tasks/" + id + "/run");
  REQUIRE(run.status == 202);
  const auto scheduled_for = json(run.body).str("/scheduledFor");
  REQUIRE(svc.discord.wait_for_requests(1, 10s));
  // The stored text is jsonb's (a space after each colon); only the string
  // with placeholders is rewritten.
  CHECK(svc.discord.requests()[0].body ==
        R"({"content": "manual at )" + scheduled_for + R"(, attempt 0 {{x}}"})");
}

TEST_CASE("threadId reaches Discord as thread_id beside wait=true", "[api][discord][thread]") {
  service svc;
  REQUIRE(svc.ready());
  auto created = svc.call("POST", "/api/tasks",
                          task_body("threaded", "0 0 1 1 *", R"("threadId":"1234567890123456789")"));
  REQUIRE(created.status == 201);
  const auto id = json(created.body).str("/id");
  CHECK(json(created.body).str("/threadId") == "1234567890123456789");
  CHECK(json(svc.call("GET", "/api/tasks/" + id).body).str("/threadId") == "1234567890123456789");

  REQUIRE(svc.call("POST", "/api/tasks/" + id + "/run").status == 202);
  REQUIRE(svc.discord.wait_for_requests(1, 10s));
  CHECK(svc.discord.requests()[0].target ==
        webhook_target + "?wait=true&thread_id=1234567890123456789");
  // A payload without placeholders goes out byte for byte as stored (jsonb's text).
  CHECK(svc.discord.requests()[0].body == R"({"content": "Task executed successfully!"})");

  auto cleared = svc.call("PATCH", "/api/tasks/" + id, R"({"threadId":null})");
  REQUIRE(cleared.status == 200);
  CHECK(json(cleared.body).is_null("/threadId"));
  REQUIRE(svc.call("POST", "/api/tasks/" + id + "/run").status == 202);
  REQUIRE(svc.discord.wait_for_requests(2, 10s));
  CHECK(svc.discord.requests()[1].target == webhook_target + "?wait=true");

  auto bad = svc.call("PATCH", "/api/tasks/" + id, R"({"threadId":1234})");
  CHECK(bad.status == 400);
  CHECK(json(bad.body).str("/error/message") ==
        "threadId: expected a Discord id: a string of digits such as \"1234567890123456789\", "
        "or null");
}

TEST_CASE("message options and templates Discord would refuse answer 400 by path",
          "[api][discord][validation]") {
  service svc;
  REQUIRE(svc.ready());
  auto refused = [&](const std::string& payload) {
    auto r = svc.call("POST", "/api/tasks", create_body(R"("x")", "0 10 * * *", payload));
    CHECK(r.status == 400);
    json e(r.body);
    CHECK(e.str("/error/code") == "validation_failed");
    return e.str("/error/details/0/field") + ": " + e.str("/error/details/0/message");
  };
  CHECK(refused(R"({"content":"x","flags":1})") ==
        "payload.flags: 1 sets a flag a webhook may not set; expected 0, 4 (SUPPRESS_EMBEDS), "
        "4096 (SUPPRESS_NOTIFICATIONS) or 4100 (both)");
  CHECK(refused(R"({"content":"x","allowed_mentions":{"parse":["here"]}})") ==
        "payload.allowed_mentions.parse[0]: expected \"roles\", \"users\" or \"everyone\"");
  CHECK(refused(R"({"content":"x","thread_name":""})") ==
        "payload.thread_name: is empty; expected 1-100 characters");
  CHECK(refused(R"({"embeds":[{"fields":[{"name":"n","value":"{{when}}"}]}]})") ==
        "payload.embeds[0].fields[0].value: unknown placeholder \"{{when}}\"; expected "
        "{{scheduledFor}}, {{scheduledFor.unix}}, {{task.name}}, {{task.id}}, {{attempt}} or "
        "{{trigger}}, or {{{{ for a literal {{");
  CHECK(refused(R"({"content":"x","username":"{{task.name}}"})") ==
        "payload.username: up to 200 characters once its placeholders are filled in; expected "
        "at most 80");
  CHECK(json(svc.call("GET", "/api/tasks").body).num("/meta/total") == 0);
}
