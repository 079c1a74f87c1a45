// Discord's message options in a task body (API.md, Task: thread_name,
// allowed_mentions, flags, tts, threadId) and templates as the validator sees
// them: unknown placeholders by path, limits against the longest expansion, the
// embed timestamp, URL fields. Every message is checked word for word.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/payload_template.hpp"
#include "core/task_input.hpp"

using taskhook::compile_payload_template;
using taskhook::field_error;
using taskhook::input_mode;
using taskhook::parse_task_input;
using taskhook::validate_payload;

namespace {

using list = std::vector<std::string>;

const std::string webhook = "https://discord.com/api/webhooks/123456789/tok-EN_x";

const std::string placeholder_names =
    "expected {{scheduledFor}}, {{scheduledFor.unix}}, {{task.name}}, {{task.id}}, "
    "{{attempt}} or {{trigger}}, or {{{{ for a literal {{";

const std::string flag_values =
    "0, 4 (SUPPRESS_EMBEDS), 4096 (SUPPRESS_NOTIFICATIONS) or 4100 (both)";

const std::string discord_id = "a Discord id: a string of digits such as \"1234567890123456789\"";

std::string repeat(std::string_view unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

list as_strings(const std::vector<field_error>& errors) {
  list out;
  for (const auto& e : errors) out.push_back(e.field + ": " + e.message);
  return out;
}

std::string create_body(const std::string& payload, const std::string& extra = "") {
  return R"({"name":"Daily Report","schedule":"0 10 * * *","webhookUrl":")" + webhook +
         R"(","payload":)" + payload + extra + "}";
}

/// The errors of a payload inside a create body; validate_payload must agree.
list payload_errors(const std::string& payload) {
  auto r = parse_task_input(create_body(payload), input_mode::create);
  INFO("payload: " << payload << "\njson_error: " << r.json_error);
  REQUIRE_FALSE(r.malformed_json);
  auto in_body = as_strings(r.errors);
  CHECK(as_strings(validate_payload(payload)) == in_body);
  return in_body;
}

/// A content-only payload with `members` added.
std::string with_content(const std::string& members) {
  return R"({"content":"x",)" + members + "}";
}

std::string one_embed(const std::string& members) { return R"({"embeds":[{)" + members + "}]}"; }

list thread_id_errors(const std::string& json) {
  auto r = parse_task_input(R"({"threadId":)" + json + "}", input_mode::patch);
  REQUIRE_FALSE(r.malformed_json);
  return as_strings(r.errors);
}

}  // namespace

// -- thread_name -------------------------------------------------------------------

TEST_CASE("thread_name is 1-100 characters", "[discord_options]") {
  CHECK(payload_errors(with_content(R"("thread_name":"Nightly digest")")).empty());
  CHECK(payload_errors(with_content(R"("thread_name":")" + repeat("😀", 100) + "\"")).empty());
  CHECK(payload_errors(with_content(R"("thread_name":")" + repeat("😀", 101) + "\"")) ==
        list{"payload.thread_name: 101 characters; expected at most 100"});
  CHECK(payload_errors(with_content(R"("thread_name":"")")) ==
        list{"payload.thread_name: is empty; expected 1-100 characters"});
  CHECK(payload_errors(with_content(R"("thread_name":5)")) ==
        list{"payload.thread_name: expected a string"});
  CHECK(payload_errors(with_content(R"("thread_name":null)")) ==
        list{"payload.thread_name: expected a string"});
}

TEST_CASE("thread_name may hold placeholders that fit its limit", "[discord_options]") {
  CHECK(payload_errors(with_content(R"("thread_name":"Run {{scheduledFor}}")")).empty());
  CHECK(payload_errors(with_content(R"("thread_name":"{{task.name}}")")) ==
        list{"payload.thread_name: up to 200 characters once its placeholders are filled in; "
             "expected at most 100"});
}

// -- allowed_mentions ---------------------------------------------------------------

TEST_CASE("allowed_mentions takes parse, roles, users and replied_user", "[discord_options]") {
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"parse":["roles","users","everyone"]})"))
            .empty());
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"parse":[]})")).empty());
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"roles":["123"],"users":["456"],)"
                                    R"("replied_user":true})"))
            .empty());
  CHECK(payload_errors(with_content(R"("allowed_mentions":{})")).empty());
}

TEST_CASE("allowed_mentions.parse holds only roles, users and everyone", "[discord_options]") {
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"parse":"users"})")) ==
        list{"payload.allowed_mentions.parse: expected an array of \"roles\", \"users\" and "
             "\"everyone\""});
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"parse":["users","here",5]})")) ==
        list{"payload.allowed_mentions.parse[1]: expected \"roles\", \"users\" or \"everyone\"",
             "payload.allowed_mentions.parse[2]: expected \"roles\", \"users\" or \"everyone\""});
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"parse":["Users"]})")) ==
        list{"payload.allowed_mentions.parse[0]: expected \"roles\", \"users\" or \"everyone\""});
}

TEST_CASE("allowed_mentions roles and users are at most 100 Discord ids", "[discord_options]") {
  auto ids = [](std::size_t n) {
    std::string out = "[";
    for (std::size_t i = 0; i < n; ++i) out += (i ? ",\"" : "\"") + std::to_string(1000 + i) + "\"";
    return out + "]";
  };
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"roles":)" + ids(100) + "}")).empty());
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"roles":)" + ids(101) + "}")) ==
        list{"payload.allowed_mentions.roles: 101 ids; expected at most 100"});
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"users":)" + ids(101) + "}")) ==
        list{"payload.allowed_mentions.users: 101 ids; expected at most 100"});
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"users":["18446744073709551615"]})"))
            .empty());
  for (std::string bad : {R"("abc")", "123", R"("")", R"("0123")", R"("-1")", R"("12 3")",
                          R"("18446744073709551616")", R"("123456789012345678901")", "null"}) {
    INFO("id: " << bad);
    CHECK(payload_errors(with_content(R"("allowed_mentions":{"users":["1",)" + bad + "]}")) ==
          list{"payload.allowed_mentions.users[1]: expected " + discord_id});
  }
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"roles":"123"})")) ==
        list{"payload.allowed_mentions.roles: expected an array of ids, each " + discord_id});
}

TEST_CASE("allowed_mentions.replied_user is a boolean; other members are refused",
          "[discord_options]") {
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"replied_user":"yes"})")) ==
        list{"payload.allowed_mentions.replied_user: expected a boolean"});
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"role":["1"]})")) ==
        list{"payload.allowed_mentions.role: is not an allowed_mentions member; expected parse, "
             "roles, users or replied_user"});
}

TEST_CASE("allowed_mentions may not name a type both in parse and by ids", "[discord_options]") {
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"parse":["users"],"users":["1"]})")) ==
        list{"payload.allowed_mentions.users: lists users while parse holds \"users\"; expected "
             "one or the other"});
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"roles":["1"],"parse":["roles"]})")) ==
        list{"payload.allowed_mentions.roles: lists roles while parse holds \"roles\"; expected "
             "one or the other"});
  // An empty list names no one.
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"parse":["users"],"users":[]})"))
            .empty());
  CHECK(payload_errors(with_content(R"("allowed_mentions":{"parse":["users"],"roles":["1"]})"))
            .empty());
}

// -- flags and tts -----------------------------------------------------------------

TEST_CASE("flags are only SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS", "[discord_options]") {
  for (std::string good : {"0", "4", "4096", "4100"}) {
    INFO("flags: " << good);
    CHECK(payload_errors(with_content(R"("flags":)" + good)).empty());
  }
  for (std::string bad : {"1", "2", "8", "32768", "4101", "-4", "9223372036854775807"}) {
    INFO("flags: " << bad);
    CHECK(payload_errors(with_content(R"("flags":)" + bad)) ==
          list{"payload.flags: " + bad + " sets a flag a webhook may not set; expected " +
               flag_values});
  }
  CHECK(payload_errors(with_content(R"("flags":18446744073709551615)")) ==
        list{"payload.flags: 18446744073709551615 sets a flag a webhook may not set; expected " +
             flag_values});
  for (std::string bad : {"\"4\"", "4.0", "null", "true", "[4]"}) {
    INFO("flags: " << bad);
    CHECK(payload_errors(with_content(R"("flags":)" + bad)) ==
          list{"payload.flags: expected an integer: " + flag_values});
  }
}

TEST_CASE("tts is a boolean", "[discord_options]") {
  CHECK(payload_errors(with_content(R"("tts":true)")).empty());
  CHECK(payload_errors(with_content(R"("tts":false)")).empty());
  for (std::string bad : {"1", "\"true\"", "null"}) {
    INFO("tts: " << bad);
    CHECK(payload_errors(with_content(R"("tts":)" + bad)) == list{"payload.tts: expected a boolean"});
  }
}

// -- threadId ----------------------------------------------------------------------

TEST_CASE("threadId is a Discord id or null", "[discord_options]") {
  auto set = parse_task_input(R"({"threadId":"1234567890123456789"})", input_mode::patch);
  REQUIRE(set.errors.empty());
  REQUIRE(set.input.thread_id.has_value());
  CHECK(*set.input.thread_id == std::optional<std::string>("1234567890123456789"));

  auto cleared = parse_task_input(R"({"threadId":null})", input_mode::patch);
  REQUIRE(cleared.errors.empty());
  REQUIRE(cleared.input.thread_id.has_value());
  CHECK_FALSE(cleared.input.thread_id->has_value());

  auto absent = parse_task_input(R"({"name":"n"})", input_mode::patch);
  CHECK_FALSE(absent.input.thread_id.has_value());

  auto created = parse_task_input(create_body(R"({"content":"x"})", R"(,"threadId":"42")"),
                                  input_mode::create);
  REQUIRE(created.errors.empty());
  CHECK(*created.input.thread_id == std::optional<std::string>("42"));

  for (std::string bad : {"123", R"("abc")", R"("")", R"("0")", R"("-1")", R"("0042")",
                          R"("18446744073709551616")", R"("123456789012345678901")", "{}",
                          "[\"1\"]", "true"}) {
    INFO("threadId: " << bad);
    CHECK(thread_id_errors(bad) == list{"threadId: expected " + discord_id + ", or null"});
  }
  CHECK(thread_id_errors(R"("18446744073709551615")").empty());
}

// -- templates ---------------------------------------------------------------------

TEST_CASE("a payload with placeholders is accepted and stored as written", "[discord_options]") {
  const std::string payload =
      R"({"content":"Fired at {{scheduledFor}} (<t:{{scheduledFor.unix}}:F>), attempt {{attempt}}",)"
      R"("embeds":[{"title":"{{task.name}}","fields":[{"name":"Execution Time","value":"{{scheduledFor}}"},)"
      R"({"name":"Trigger","value":"{{trigger}} {{{{literal}}"}],"timestamp":"{{scheduledFor}}",)"
      R"("footer":{"text":"task {{task.id}}"}}]})";
  auto r = parse_task_input(create_body(payload), input_mode::create);
  REQUIRE(r.errors.empty());
  CHECK(r.input.payload == payload);
  CHECK(compile_payload_template(payload).errors.empty());
}

TEST_CASE("an unknown placeholder is refused at its path", "[discord_options]") {
  CHECK(payload_errors(R"({"content":"Hi {{taskName}}"})") ==
        list{"payload.content: unknown placeholder \"{{taskName}}\"; " + placeholder_names});
  CHECK(payload_errors(one_embed(R"("fields":[{"name":"a","value":"b"},)"
                                 R"({"name":"c","value":"{{scheduled_for}}"}])")) ==
        list{"payload.embeds[0].fields[1].value: unknown placeholder \"{{scheduled_for}}\"; " +
             placeholder_names});
  CHECK(payload_errors(one_embed(R"("title":"ab{{attempt")")) ==
        list{"payload.embeds[0].title: \"{{\" at character 3 is never closed by \"}}\"; " +
             placeholder_names});
  // Members passed through unread are templates too.
  CHECK(payload_errors(with_content(R"("components":[{"label":"{{nope}}"}])")) ==
        list{"payload.components[0].label: unknown placeholder \"{{nope}}\"; " +
             placeholder_names});
  CHECK(payload_errors(one_embed(R"("title":"t","provider":{"name":"{{x}}"})")) ==
        list{"payload.embeds[0].provider.name: unknown placeholder \"{{x}}\"; " + placeholder_names});
  // Keys are sent as written.
  CHECK(payload_errors(with_content(R"("components":[{"{{key}}":"v"}])")).empty());
}

TEST_CASE("template errors of the validator and of the compiler agree", "[discord_options]") {
  const std::string payload =
      R"({"content":"{{a}}","username":"u {{b","embeds":[{"title":"{{c}}",)"
      R"("footer":{"text":"{{d}}"},"fields":[{"name":"n","value":"{{e}}"}]}],"extra":["{{f}}"]})";
  auto errors = payload_errors(payload);
  CHECK(errors.size() == 6);
  CHECK(errors == as_strings(compile_payload_template(payload).errors));
}

TEST_CASE("length limits count the longest text placeholders can give", "[discord_options]") {
  // scheduledFor writes 24 characters: 1976 + 24 = 2000.
  CHECK(payload_errors(R"({"content":")" + repeat("x", 1976) + R"({{scheduledFor}}"})").empty());
  CHECK(payload_errors(R"({"content":")" + repeat("x", 1977) + R"({{scheduledFor}}"})") ==
        list{"payload.content: up to 2001 characters once its placeholders are filled in; "
             "expected at most 2000"});
  CHECK(payload_errors(R"({"content":"x","username":"{{task.name}}"})") ==
        list{"payload.username: up to 200 characters once its placeholders are filled in; "
             "expected at most 80"});
  CHECK(payload_errors(one_embed(R"("fields":[{"name":"n","value":")" + repeat("é", 989) +
                                 R"({{task.id}}"}])")) ==
        list{"payload.embeds[0].fields[0].value: up to 1025 characters once its placeholders "
             "are filled in; expected at most 1024"});
  // `{{{{` writes two characters.
  CHECK(payload_errors(R"({"content":")" + repeat("x", 1998) + R"({{{{"})").empty());
  CHECK(payload_errors(R"({"content":")" + repeat("x", 1999) + R"({{{{"})") ==
        list{"payload.content: up to 2001 characters once its placeholders are filled in; "
             "expected at most 2000"});
}

TEST_CASE("the 6000 total of all embeds counts the longest expansion", "[discord_options]") {
  auto two = [](std::size_t second) {
    return R"({"embeds":[{"description":")" + repeat("d", 4096) + R"("},{"description":")" +
           repeat("e", second) + R"({{scheduledFor}}"}]})";
  };
  CHECK(payload_errors(two(1880)).empty());
  CHECK(payload_errors(two(1881)) ==
        list{"payload.embeds: all embeds together have up to 6001 characters once their "
             "placeholders are filled in; expected at most 6000"});
}

TEST_CASE("an embed timestamp is ISO-8601 or exactly {{scheduledFor}}", "[discord_options]") {
  const std::string at = "payload.embeds[0].timestamp: ";
  CHECK(payload_errors(one_embed(R"("title":"t","timestamp":"{{scheduledFor}}")")).empty());
  for (std::string bad : {"{{scheduledFor.unix}}", " {{scheduledFor}}", "{{scheduledFor}}Z",
                          "{{{{scheduledFor}}", "yesterday"}) {
    INFO("timestamp: " << bad);
    CHECK(payload_errors(one_embed(R"("title":"t","timestamp":")" + bad + "\"")) ==
          list{at + "expected an ISO-8601 timestamp such as 2026-11-22T10:00:00.000Z, or exactly "
                    "{{scheduledFor}}"});
  }
  CHECK(payload_errors(one_embed(R"("title":"t","timestamp":"{{when}}")")) ==
        list{at + "unknown placeholder \"{{when}}\"; " + placeholder_names});
}

TEST_CASE("URL fields take only placeholders that need no escaping", "[discord_options]") {
  const std::string url =
      "https://x.io/{{task.id}}/{{trigger}}?a={{attempt}}&t={{scheduledFor.unix}}&s={{scheduledFor}}";
  CHECK(payload_errors(with_content(R"("avatar_url":")" + url + "\"")).empty());
  CHECK(payload_errors(one_embed(R"("title":"t","url":")" + url + R"(","image":{"url":")" + url +
                                 R"("},"thumbnail":{"url":")" + url + R"("},"author":{"name":"a",)"
                                 R"("url":")" + url + R"(","icon_url":")" + url +
                                 R"("},"footer":{"text":"f","icon_url":")" + url + "\"}"))
            .empty());
  const std::string no_name =
      "{{task.name}} cannot be used in a URL (a name may hold any character); expected only "
      "{{scheduledFor}}, {{scheduledFor.unix}}, {{task.id}}, {{attempt}} or {{trigger}} there";
  CHECK(payload_errors(with_content(R"("avatar_url":"https://x.io/{{task.name}}.png")")) ==
        list{"payload.avatar_url: " + no_name});
  CHECK(payload_errors(one_embed(R"("title":"t","image":{"url":"https://x.io/?n={{task.name}}"})")) ==
        list{"payload.embeds[0].image.url: " + no_name});
  CHECK(payload_errors(one_embed(R"("title":"t","url":"{{task.id}}")")) ==
        list{"payload.embeds[0].url: expected an http or https URL"});
  CHECK(payload_errors(with_content(R"("avatar_url":"https://x.io/{{id}}")")) ==
        list{"payload.avatar_url: unknown placeholder \"{{id}}\"; " + placeholder_names});
}
