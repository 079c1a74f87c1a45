// A stored task compiled for its actor (src/core/task_def.hpp): the thread it
// posts into, and the body of each attempt: the stored payload shared as it is,
// or rendered from its template, or sent as stored when a row from before
// templates does not compile.

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "core/task_def.hpp"

using namespace taskhook;

namespace {

task_record stored_task(const std::string& payload) {
  task_record t;
  t.id = *uuid::parse("5b0c6f1e-8a2d-4c3b-9e7f-0123456789ab");
  t.tenant_id = *uuid::parse("11111111-1111-4111-8111-111111111111");
  t.name = "Daily \"Report\"";
  t.schedule = "0 10 * * *";
  t.webhook_url = "https://discord.com/api/webhooks/123456/secret-token";
  t.payload = std::make_shared<const std::string>(payload);
  return t;
}

std::shared_ptr<const task_def> compiled(const task_record& t, std::string* problem = nullptr) {
  auto def = compile_task(t, problem);
  REQUIRE(def.has_value());
  return std::make_shared<const task_def>(std::move(*def));
}

instant at(const char* iso) { return *parse_iso8601(iso); }

}  // namespace

TEST_CASE("a payload without placeholders is shared by every attempt, not copied", "[task_def]") {
  auto def = compiled(stored_task(R"({"content":"hi","embeds":[{"title":"}} { }"}]})"));
  CHECK(def->tmpl == nullptr);
  auto first = attempt_body(def, at("2026-11-23T10:00:00.000Z"), 0, run_trigger::schedule);
  auto second = attempt_body(def, at("2026-11-24T10:00:00.000Z"), 1, run_trigger::manual);
  CHECK(first.view() == R"({"content":"hi","embeds":[{"title":"}} { }"}]})");
  CHECK(first.view().data() == def->payload().data());
  CHECK(second.view().data() == def->payload().data());
}

TEST_CASE("a templated payload is rendered for each attempt", "[task_def]") {
  auto def = compiled(stored_task(
      R"({"content":"{{task.name}} at {{scheduledFor}} (<t:{{scheduledFor.unix}}:F>) #{{attempt}} )"
      R"({{trigger}} {{task.id}}","embeds":[{"timestamp":"{{scheduledFor}}"}]})"));
  REQUIRE(def->tmpl != nullptr);
  CHECK(def->tmpl->task_name == "Daily \"Report\"");
  CHECK(def->tmpl->compiled.bounds().empty());  // the validator's, not kept per task
  CHECK(attempt_body(def, at("2026-11-23T10:00:00.000Z"), 0, run_trigger::schedule).view() ==
        R"({"content":"Daily \"Report\" at 2026-11-23T10:00:00.000Z (<t:1795428000:F>) #0 )"
        R"(schedule 5b0c6f1e-8a2d-4c3b-9e7f-0123456789ab","embeds":[{"timestamp":)"
        R"("2026-11-23T10:00:00.000Z"}]})");
  CHECK(attempt_body(def, at("2026-11-24T09:30:00.250Z"), 2, run_trigger::misfire).view() ==
        R"({"content":"Daily \"Report\" at 2026-11-24T09:30:00.250Z (<t:1795512600:F>) #2 )"
        R"(misfire 5b0c6f1e-8a2d-4c3b-9e7f-0123456789ab","embeds":[{"timestamp":)"
        R"("2026-11-24T09:30:00.250Z"}]})");
  // The stored text stays as written.
  CHECK(def->payload().substr(0, 25) == R"({"content":"{{task.name}})");
}

TEST_CASE("the task name is kept only when a payload uses it", "[task_def]") {
  auto def = compiled(stored_task(R"({"content":"#{{attempt}}"})"));
  REQUIRE(def->tmpl != nullptr);
  CHECK(def->tmpl->task_name.empty());
  CHECK(attempt_body(def, at("2026-11-23T10:00:00.000Z"), 3, run_trigger::manual).view() ==
        R"({"content":"#3"})");
}

TEST_CASE("a stored payload that is not a valid template is sent as stored", "[task_def]") {
  // A row written before templates existed may hold a `{{` of its own.
  std::string problem;
  auto def = compiled(stored_task(R"({"content":"{{legacy}} and {{attempt}}"})"), &problem);
  CHECK(def->tmpl == nullptr);
  CHECK(problem ==
        "payload.content: unknown placeholder \"{{legacy}}\"; expected {{scheduledFor}}, "
        "{{scheduledFor.unix}}, {{task.name}}, {{task.id}}, {{attempt}} or {{trigger}}, or {{{{ "
        "for a literal {{ (sent as stored, placeholders not filled in)");
  auto body = attempt_body(def, at("2026-11-23T10:00:00.000Z"), 0, run_trigger::schedule);
  CHECK(body.view() == R"({"content":"{{legacy}} and {{attempt}}"})");
  CHECK(body.view().data() == def->payload().data());
}

TEST_CASE("a payload whose only braces are in keys keeps no template", "[task_def]") {
  auto def = compiled(stored_task(R"({"content":"x","extra":{"{{k}}":1}})"));
  CHECK(def->tmpl == nullptr);
}

TEST_CASE("the thread id is kept beside the path and the payload", "[task_def]") {
  auto t = stored_task(R"({"content":"hi"})");
  t.thread_id = "1234567890123456789";
  auto def = compiled(t);
  CHECK(def->path() == "/api/webhooks/123456/secret-token");
  CHECK(def->thread_id() == "1234567890123456789");
  CHECK(def->payload() == R"({"content":"hi"})");
  CHECK(def->webhook_id() == "123456");

  auto none = compiled(stored_task(R"({"content":"hi"})"));
  CHECK(none->thread_id().empty());
  CHECK(none->payload() == R"({"content":"hi"})");

  t.thread_id = "12a";
  auto bad = compile_task(t);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error_message() == "threadId: not a Discord id");
}
