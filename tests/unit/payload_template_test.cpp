// Payload templates (API.md, Task, Templates): each placeholder, the `{{{{`
// escape, JSON escaping of what is filled in, errors with their paths, the
// longest expansion the length limits are checked against, and payloads that
// hold no placeholder at all.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/payload_template.hpp"

using taskhook::compile_payload_template;
using taskhook::field_error;
using taskhook::longest_expansion;
using taskhook::placeholder;
using taskhook::run_trigger;
using taskhook::sole_placeholder;
using taskhook::template_string_bound;
using taskhook::template_values;

namespace {

const std::string expected_names =
    "expected {{scheduledFor}}, {{scheduledFor.unix}}, {{task.name}}, {{task.id}}, "
    "{{attempt}} or {{trigger}}, or {{{{ for a literal {{";

template_values sample_values() {
  template_values v;
  v.scheduled_for = *taskhook::parse_iso8601("2026-11-23T10:00:00.000Z");
  v.task_name = "Daily Report";
  v.task_id = *taskhook::uuid::parse("5b0c6f1e-8a2d-4c3b-9e7f-0123456789ab");
  v.attempt = 3;
  v.trigger = run_trigger::misfire;
  return v;
}

/// `payload` compiled (it must compile) and rendered with `values`.
std::string rendered(const std::string& payload, const template_values& values = sample_values()) {
  auto r = compile_payload_template(payload);
  INFO("payload: " << payload);
  REQUIRE(r.errors.empty());
  REQUIRE(r.compiled.has_placeholders());
  std::string out;
  render(r.compiled, values, out);
  return out;
}

std::vector<std::string> errors_of(const std::string& payload) {
  std::vector<std::string> out;
  for (const field_error& e : compile_payload_template(payload).errors)
    out.push_back(e.field + ": " + e.message);
  return out;
}

}  // namespace

TEST_CASE("each placeholder writes its value", "[template]") {
  CHECK(rendered(R"({"content":"at {{scheduledFor}}"})") ==
        R"({"content":"at 2026-11-23T10:00:00.000Z"})");
  CHECK(rendered(R"({"content":"<t:{{scheduledFor.unix}}:F>"})") ==
        R"({"content":"<t:1795428000:F>"})");
  CHECK(rendered(R"({"content":"{{task.name}}"})") == R"({"content":"Daily Report"})");
  CHECK(rendered(R"({"content":"id {{task.id}}"})") ==
        R"({"content":"id 5b0c6f1e-8a2d-4c3b-9e7f-0123456789ab"})");
  CHECK(rendered(R"({"content":"attempt {{attempt}}"})") == R"({"content":"attempt 3"})");
  CHECK(rendered(R"({"content":"by {{trigger}}"})") == R"({"content":"by misfire"})");
}

TEST_CASE("every trigger is written by its API name", "[template]") {
  auto v = sample_values();
  v.trigger = run_trigger::schedule;
  CHECK(rendered(R"({"content":"{{trigger}}"})", v) == R"({"content":"schedule"})");
  v.trigger = run_trigger::manual;
  CHECK(rendered(R"({"content":"{{trigger}}"})", v) == R"({"content":"manual"})");
}

TEST_CASE("unix seconds round down, also before 1970", "[template]") {
  auto v = sample_values();
  v.scheduled_for = *taskhook::parse_iso8601("1969-12-31T23:59:59.500Z");
  CHECK(rendered(R"({"content":"{{scheduledFor.unix}} {{scheduledFor}}"})", v) ==
        R"({"content":"-1 1969-12-31T23:59:59.500Z"})");
  v.scheduled_for = *taskhook::parse_iso8601("2026-11-23T10:00:00.999Z");
  CHECK(rendered(R"({"content":"{{scheduledFor.unix}}"})", v) == R"({"content":"1795428000"})");
}

TEST_CASE("a realistic embed fills every slot and keeps the rest byte for byte", "[template]") {
  const std::string payload =
      R"j({"username": "Scheduler", "embeds": [{"title": "{{task.name}} (try {{attempt}})", )j"
      R"("color": 5814783, "timestamp": "{{scheduledFor}}", "fields": [{"name": "When", )"
      R"("value": "<t:{{scheduledFor.unix}}:F>", "inline": true}]}], "flags": 4096})";
  CHECK(rendered(payload) ==
        R"j({"username": "Scheduler", "embeds": [{"title": "Daily Report (try 3)", )j"
        R"("color": 5814783, "timestamp": "2026-11-23T10:00:00.000Z", "fields": [{"name": "When", )"
        R"("value": "<t:1795428000:F>", "inline": true}]}], "flags": 4096})");
}

TEST_CASE("render appends and can be repeated with other values", "[template]") {
  auto r = compile_payload_template(R"({"content":"{{attempt}}/{{trigger}}"})");
  REQUIRE(r.errors.empty());
  auto v = sample_values();
  std::string out = "POST ";
  render(r.compiled, v, out);
  v.attempt = 10;
  v.trigger = run_trigger::manual;
  render(r.compiled, v, out);
  CHECK(out == R"(POST {"content":"3/misfire"}{"content":"10/manual"})");
}

TEST_CASE("four braces write two literal braces", "[template]") {
  CHECK(rendered(R"({"content":"a {{{{b}} c"})") == R"({"content":"a {{b}} c"})");
  CHECK(rendered(R"({"content":"{{{{task.name}}"})") == R"({"content":"{{task.name}}"})");
  CHECK(rendered(R"({"content":"{{{{{{task.name}}"})") == R"({"content":"{{Daily Report"})");
  CHECK(rendered(R"({"content":"{{{{{{{{"})") == R"({"content":"{{{{"})");
}

TEST_CASE("a lone closing pair and single braces are literal text", "[template]") {
  auto r = compile_payload_template(R"({"content":"}} {x} { {a}"})");
  CHECK(r.errors.empty());
  CHECK_FALSE(r.compiled.has_placeholders());
}

TEST_CASE("quotes and backslashes in a task name are escaped", "[template]") {
  auto v = sample_values();
  v.task_name = R"(Say "hi" \ C:\tmp)";
  CHECK(rendered(R"({"content":"[{{task.name}}]"})", v) ==
        R"({"content":"[Say \"hi\" \\ C:\\tmp]"})");
}

TEST_CASE("control characters in a task name are escaped", "[template]") {
  auto v = sample_values();
  const std::string name = std::string("a\x01") + "b\x1f" + "c\n\t\r\b\f" + std::string(1, '\0') +
                           "\x7f" + "d";
  v.task_name = name;
  CHECK(rendered(R"({"content":"{{task.name}}"})", v) ==
        "{\"content\":\"a\\u0001b\\u001fc\\n\\t\\r\\b\\f\\u0000\x7f" "d\"}");
}

TEST_CASE("UTF-8 in a task name passes through unchanged", "[template]") {
  auto v = sample_values();
  v.task_name = "R\xC3\xA9sum\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8E\x89";  // Résumé 日本 🎉
  CHECK(rendered(R"({"content":"{{task.name}}!"})", v) ==
        "{\"content\":\"R\xC3\xA9sum\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8E\x89!\"}");
}

TEST_CASE("placeholders are found in the decoded string", "[template]") {
  // \u007b is `{`: the value is `{{attempt}}`.
  CHECK(rendered(R"({"content":"\u007b\u007battempt}}"})") == R"({"content":"3"})");
}

TEST_CASE("a string with placeholders is rewritten with minimal escapes, others are not",
          "[template]") {
  CHECK(rendered(R"({"username":"\u00e9\/","content":"\u00e9\/ \"q\"\n\u0001 {{attempt}}"})") ==
        "{\"username\":\"\\u00e9\\/\",\"content\":\"\xC3\xA9/ \\\"q\\\"\\n\\u0001 3\"}");
}

TEST_CASE("placeholders in keys are left as written", "[template]") {
  auto r = compile_payload_template(R"({"{{attempt}}":"x","content":"y","{{nope}}":1})");
  CHECK(r.errors.empty());
  CHECK_FALSE(r.compiled.has_placeholders());
}

TEST_CASE("a payload without placeholders keeps no copy", "[template]") {
  auto r = compile_payload_template(
      R"({"content":"Task executed successfully!","embeds":[{"title":"{ x }"}],"tts":false})");
  CHECK(r.errors.empty());
  CHECK_FALSE(r.compiled.has_placeholders());
  CHECK(r.compiled.bounds().empty());
  CHECK(r.compiled.literal_bytes() == 0);
  CHECK(r.compiled.longest_length_at("payload.content") == std::nullopt);
}

TEST_CASE("an unknown placeholder names its path and the known names", "[template]") {
  const std::string payload =
      R"({"embeds":[{"fields":[{"name":"a","value":"b"},{"name":"c","value":"d"},)"
      R"({"name":"e","value":"f"},{"name":"g","value":"Run {{taskName}} now"}]}]})";
  CHECK(errors_of(payload) ==
        std::vector<std::string>{"payload.embeds[0].fields[3].value: unknown placeholder "
                                 "\"{{taskName}}\"; " +
                                 expected_names});
}

TEST_CASE("placeholder names are exact", "[template]") {
  CHECK(errors_of(R"({"content":"{{ attempt }}"})") ==
        std::vector<std::string>{"payload.content: unknown placeholder \"{{ attempt }}\"; " +
                                 expected_names});
  CHECK(errors_of(R"({"content":"{{Task.Name}}"})") ==
        std::vector<std::string>{"payload.content: unknown placeholder \"{{Task.Name}}\"; " +
                                 expected_names});
  CHECK(errors_of(R"({"content":"{{}}"})") ==
        std::vector<std::string>{"payload.content: unknown placeholder \"{{}}\"; " +
                                 expected_names});
}

TEST_CASE("an unclosed placeholder is an error at its character", "[template]") {
  CHECK(errors_of(R"({"username":"\u00e9t\u00e9 {{attempt"})") ==
        std::vector<std::string>{
            "payload.username: \"{{\" at character 5 is never closed by \"}}\"; " +
            expected_names});
}

TEST_CASE("each bad string gets one error, in document order", "[template]") {
  CHECK(errors_of(R"({"content":"{{a}} {{b}}","embeds":[{"footer":{"text":"{{c}}"}}]})") ==
        std::vector<std::string>{
            "payload.content: unknown placeholder \"{{a}}\"; " + expected_names,
            "payload.embeds[0].footer.text: unknown placeholder \"{{c}}\"; " + expected_names});
}

TEST_CASE("a path shows control characters of keys printably", "[template]") {
  CHECK(errors_of(R"({"a\u0001b":["{{x}}"]})") ==
        std::vector<std::string>{"payload.a\\x01b[0]: unknown placeholder \"{{x}}\"; " +
                                 expected_names});
}

TEST_CASE("text that is not a JSON object is refused at payload", "[template]") {
  CHECK(errors_of(R"(["{{attempt}}"])") == std::vector<std::string>{"payload: expected an object"});
  CHECK(errors_of(R"({"content":"x"} {})") ==
        std::vector<std::string>{"payload: not valid JSON: text after the object"});
  auto truncated = compile_payload_template(R"({"content":"{{attempt}}")");
  REQUIRE(truncated.errors.size() == 1);
  CHECK(truncated.errors[0].field == "payload");
  CHECK(truncated.errors[0].message.rfind("not valid JSON: ", 0) == 0);
  CHECK_FALSE(truncated.compiled.has_placeholders());
}

TEST_CASE("the longest expansion of each placeholder", "[template]") {
  CHECK(longest_expansion("{{scheduledFor}}").value() == 24);
  CHECK(longest_expansion("{{scheduledFor.unix}}").value() == 12);
  CHECK(longest_expansion("{{task.name}}").value() == 200);
  CHECK(longest_expansion("{{task.id}}").value() == 36);
  CHECK(longest_expansion("{{attempt}}").value() == 2);
  CHECK(longest_expansion("{{trigger}}").value() == 8);
}

TEST_CASE("the longest expansion counts literal text in code points", "[template]") {
  CHECK(longest_expansion("").value() == 0);
  CHECK(longest_expansion("plain").value() == 5);
  CHECK(longest_expansion("\xC3\xA9\xF0\x9F\x8E\x89 {{attempt}}").value() == 5);  // é🎉 + 2
  CHECK(longest_expansion("{{{{x}}").value() == 5);                              // {{x}}
  CHECK(longest_expansion("Run {{task.name}} at {{scheduledFor}}").value() == 232);
  auto bad = longest_expansion("{{nope}}");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error_message() == "unknown placeholder \"{{nope}}\"; " + expected_names);
}

TEST_CASE("bounds give each templated string's longest length by path", "[template]") {
  auto r = compile_payload_template(
      R"({"username":"{{task.name}}","content":"plain","embeds":[{"title":)"
      R"j("Report: {{task.name}} ({{attempt}})","fields":[{"name":"n","value":"{{{{"}]}]})j");
  REQUIRE(r.errors.empty());
  CHECK(r.compiled.bounds() ==
        std::vector<template_string_bound>{{"payload.username", 200},
                                           {"payload.embeds[0].title", 213},
                                           {"payload.embeds[0].fields[0].value", 2}});
  CHECK(r.compiled.longest_length_at("payload.username") == 200);
  CHECK(r.compiled.longest_length_at("payload.content") == std::nullopt);
}

TEST_CASE("limits are checked against the longest expansion", "[template]") {
  // A title may hold 256 characters: 56 of text and a task name of 200 fit,
  // one more character does not, however short today's name is.
  const std::string fits = std::string(56, 'x') + "{{task.name}}";
  const std::string too_long = std::string(57, 'x') + "{{task.name}}";
  auto r = compile_payload_template(R"({"embeds":[{"title":")" + fits + R"("},{"title":")" +
                                    too_long + R"("}]})");
  REQUIRE(r.errors.empty());
  CHECK(r.compiled.longest_length_at("payload.embeds[0].title") == 256);
  CHECK(r.compiled.longest_length_at("payload.embeds[1].title") == 257);
  // A username (at most 80) cannot hold a task name (up to 200).
  CHECK(longest_expansion("{{task.name}}").value() > 80);
}

TEST_CASE("a timestamp may be exactly one placeholder", "[template]") {
  CHECK(sole_placeholder("{{scheduledFor}}") == placeholder::scheduled_for);
  CHECK(sole_placeholder("{{attempt}}") == placeholder::attempt);
  CHECK(sole_placeholder(" {{scheduledFor}}") == std::nullopt);
  CHECK(sole_placeholder("{{scheduledFor}}Z") == std::nullopt);
  CHECK(sole_placeholder("{{scheduledFor}}{{attempt}}") == std::nullopt);
  CHECK(sole_placeholder("{{{{}}") == std::nullopt);
  CHECK(sole_placeholder("2026-11-23T10:00:00.000Z") == std::nullopt);
}
