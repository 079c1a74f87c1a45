// Task request bodies (API.md, Task): every rule at its boundary, counted in code
// points, every type error, malformed JSON, and the stored payload text.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/quote.hpp"
#include "core/task_input.hpp"
#include "core/utf8.hpp"

using taskhook::field_error;
using taskhook::first_error_message;
using taskhook::input_mode;
using taskhook::parse_task_input;
using taskhook::task_status;
using taskhook::utf8_length;
using taskhook::validate_payload;

namespace {

using list = std::vector<std::string>;

const std::string webhook = "https://discord.com/api/webhooks/123456789/tok-EN_x";

std::string repeat(std::string_view unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

list as_strings(const std::vector<field_error>& errors) {
  list out;
  for (const auto& e : errors) out.push_back(e.field + ": " + e.message);
  return out;
}

/// A valid create body carrying `payload`.
std::string create_body(const std::string& payload = R"({"content":"hi"})") {
  return R"({"name":"Daily Report","schedule":"0 10 * * *","webhookUrl":")" + webhook +
         R"(","payload":)" + payload + "}";
}

list errors_of(const std::string& body, input_mode mode) {
  auto r = parse_task_input(body, mode);
  INFO("body: " << body << "\njson_error: " << r.json_error);
  REQUIRE_FALSE(r.malformed_json);
  return as_strings(r.errors);
}

/// The errors of one field checked through a PATCH body `{"<field>": <json>}`.
list field_errors(const std::string& field, const std::string& json) {
  return errors_of("{\"" + field + "\":" + json + "}", input_mode::patch);
}

/// The errors of a payload inside a create body; validate_payload must agree.
list payload_errors(const std::string& payload) {
  auto in_body = errors_of(create_body(payload), input_mode::create);
  CHECK(as_strings(validate_payload(payload)) == in_body);
  return in_body;
}

std::string one_embed(const std::string& members) {
  return R"({"embeds":[{)" + members + "}]}";
}

std::string error_of_malformed(const std::string& body) {
  auto r = parse_task_input(body, input_mode::create);
  INFO("body: " << body);
  CHECK(r.malformed_json);
  CHECK(r.errors.empty());
  CHECK_FALSE(r.input.payload);
  return r.json_error;
}

}  // namespace

TEST_CASE("utf8_length counts code points, not bytes", "[task_input]") {
  CHECK(utf8_length("") == 0);
  CHECK(utf8_length("abc") == 3);
  CHECK(utf8_length("é") == 1);     // 2 bytes
  CHECK(utf8_length("€") == 1);     // 3 bytes
  CHECK(utf8_length("😀") == 1);    // 4 bytes
  CHECK(utf8_length("aé€😀") == 4);  // 10 bytes
  CHECK(repeat("😀", 5).size() == 20);
  CHECK(utf8_length(repeat("😀", 5)) == 5);
}

TEST_CASE("first_error_message names the field of the first error", "[task_input]") {
  CHECK(first_error_message({}) == "");
  CHECK(first_error_message({{"schedule", "field 2 (hour): 25 is out of range 0-23"},
                             {"name", "is required"}}) ==
        "schedule: field 2 (hour): 25 is out of range 0-23");
}

TEST_CASE("a minimal create body gets its defaults", "[task_input]") {
  auto r = parse_task_input(create_body(), input_mode::create);
  REQUIRE_FALSE(r.malformed_json);
  REQUIRE(r.errors.empty());
  CHECK(r.input.name == "Daily Report");
  CHECK(r.input.schedule == "0 10 * * *");
  CHECK(r.input.webhook_url == webhook);
  CHECK(r.input.payload == R"({"content":"hi"})");
  CHECK(r.input.timezone == "UTC");
  CHECK(r.input.max_retry == 3);
  CHECK(r.input.status == task_status::active);
}

TEST_CASE("a full create body keeps every value given", "[task_input]") {
  auto body = R"({"name":"n","schedule":"*/5 * * * * *","timezone":"Europe/Berlin","webhookUrl":")" +
              webhook + R"(","payload":{"content":"x"},"maxRetry":0,"status":"INACTIVE"})";
  auto r = parse_task_input(body, input_mode::create);
  REQUIRE(r.errors.empty());
  CHECK(r.input.schedule == "*/5 * * * * *");
  CHECK(r.input.timezone == "Europe/Berlin");
  CHECK(r.input.max_retry == 0);
  CHECK(r.input.status == task_status::inactive);
}

TEST_CASE("create requires name, schedule, webhookUrl and payload", "[task_input]") {
  CHECK(errors_of("{}", input_mode::create) == list{"name: is required", "schedule: is required",
                                                    "webhookUrl: is required",
                                                    "payload: is required"});
  // Missing fields come after the errors found in the document.
  CHECK(errors_of(R"({"payload":5,"name":"x"})", input_mode::create) ==
        list{"payload: expected an object", "schedule: is required", "webhookUrl: is required"});
  // A required field present but invalid is not also reported missing.
  CHECK(errors_of(R"({"name":null,"schedule":"0 10 * * *","webhookUrl":")" + webhook +
                      R"(","payload":{"content":"x"}})",
                  input_mode::create) == list{"name: expected a string"});
}

TEST_CASE("patch takes any subset and fills no defaults", "[task_input]") {
  auto empty = parse_task_input("{}", input_mode::patch);
  CHECK_FALSE(empty.malformed_json);
  CHECK(empty.errors.empty());
  CHECK_FALSE(empty.input.name);
  CHECK_FALSE(empty.input.schedule);
  CHECK_FALSE(empty.input.timezone);
  CHECK_FALSE(empty.input.webhook_url);
  CHECK_FALSE(empty.input.payload);
  CHECK_FALSE(empty.input.max_retry);
  CHECK_FALSE(empty.input.status);

  auto some = parse_task_input(R"({"status":"INACTIVE","maxRetry":10})", input_mode::patch);
  REQUIRE(some.errors.empty());
  CHECK(some.input.status == task_status::inactive);
  CHECK(some.input.max_retry == 10);
  CHECK_FALSE(some.input.timezone);
  CHECK_FALSE(some.input.name);

  auto payload = parse_task_input(R"({"payload": {"embeds": [{"title": "t"}]}})", input_mode::patch);
  REQUIRE(payload.errors.empty());
  CHECK(payload.input.payload == R"({"embeds":[{"title":"t"}]})");
  CHECK(field_errors("payload", R"({"content":""})") ==
        list{"payload: expected content or at least one embed"});
}

TEST_CASE("unknown fields are ignored", "[task_input]") {
  auto body = R"({"id":"5b0c","nextRunAt":null,"extra":{"deep":[1,{"x":true}]},"name":"n",)"
              R"("schedule":"0 10 * * *","webhookUrl":")" +
              webhook + R"(","payload":{"content":"x"},"createdAt":7})";
  auto r = parse_task_input(body, input_mode::create);
  CHECK_FALSE(r.malformed_json);
  CHECK(r.errors.empty());
  CHECK(r.input.payload == R"({"content":"x"})");
}

TEST_CASE("every present field is type-checked strictly, null included", "[task_input]") {
  for (std::string bad : {"null", "5", "true", "[]", "{}", "[\"x\"]"}) {
    INFO("value: " << bad);
    for (std::string field : {"name", "schedule", "timezone", "webhookUrl", "status"})
      CHECK(field_errors(field, bad) == list{field + ": expected a string"});
  }
  for (std::string bad : {"null", "5", "\"x\"", "true", "[]", "[{\"content\":\"x\"}]"}) {
    INFO("value: " << bad);
    CHECK(field_errors("payload", bad) == list{"payload: expected an object"});
  }
  for (std::string bad : {"null", "\"3\"", "3.0", "1e1", "3.5", "true", "[3]", "{}", "-0.0"}) {
    INFO("value: " << bad);
    CHECK(field_errors("maxRetry", bad) == list{"maxRetry: expected an integer from 0 to 10"});
  }
}

TEST_CASE("maxRetry is an integer from 0 to 10", "[task_input]") {
  CHECK(field_errors("maxRetry", "0").empty());
  CHECK(field_errors("maxRetry", "10").empty());
  CHECK(field_errors("maxRetry", "11") == list{"maxRetry: 11 is out of range 0-10"});
  CHECK(field_errors("maxRetry", "-1") == list{"maxRetry: -1 is out of range 0-10"});
  CHECK(field_errors("maxRetry", "9223372036854775807") ==
        list{"maxRetry: 9223372036854775807 is out of range 0-10"});
  CHECK(field_errors("maxRetry", "18446744073709551615") ==
        list{"maxRetry: 18446744073709551615 is out of range 0-10"});
}

TEST_CASE("status is ACTIVE or INACTIVE", "[task_input]") {
  CHECK(parse_task_input(R"({"status":"ACTIVE"})", input_mode::patch).input.status ==
        task_status::active);
  CHECK(field_errors("status", "\"FAILED\"") ==
        list{"status: FAILED is set only by the scheduler; expected ACTIVE or INACTIVE"});
  CHECK(field_errors("status", "\"active\"") == list{"status: expected ACTIVE or INACTIVE"});
  CHECK(field_errors("status", "\"\"") == list{"status: expected ACTIVE or INACTIVE"});
}

TEST_CASE("name is 1-200 characters and not blank", "[task_input]") {
  CHECK(field_errors("name", quoted(repeat("a", 200))).empty());
  CHECK(field_errors("name", quoted(repeat("é", 200))).empty());   // 400 bytes
  CHECK(field_errors("name", quoted(repeat("😀", 200))).empty());  // 800 bytes
  CHECK(field_errors("name", quoted(repeat("a", 201))) ==
        list{"name: 201 characters; expected at most 200"});
  CHECK(field_errors("name", quoted(repeat("é", 201))) ==
        list{"name: 201 characters; expected at most 200"});
  CHECK(field_errors("name", "\"\"") == list{"name: is empty; expected 1-200 characters"});
  for (std::string blank : {" ", "   ", "\\t\\n", "\u00a0", "\u3000 "}) {
    INFO("name: " << blank);
    CHECK(field_errors("name", quoted(blank)) ==
          list{"name: is blank; expected at least one character that is not whitespace"});
  }
  CHECK(field_errors("name", quoted(" x ")).empty());
  auto r = parse_task_input(R"({"name":"caf\u00e9 \"1\""})", input_mode::patch);
  CHECK(r.input.name == "café \"1\"");  // escapes decoded
  CHECK(field_errors("name", R"("a\u0000b")") ==
        list{"name: contains a NUL character (\\u0000), which cannot be stored"});
}

TEST_CASE("schedule, timezone and webhookUrl carry their parsers' messages", "[task_input]") {
  CHECK(field_errors("schedule", "\"0 25 * * *\"") ==
        list{"schedule: field 2 (hour): 25 is out of range 0-23"});
  CHECK(field_errors("schedule", "\"* * * *\"") == list{"schedule: expected 5 or 6 fields, got 4"});
  CHECK(field_errors("schedule", "\"0 0 * * 1-5\"").empty());

  CHECK(field_errors("timezone", "\"Europe/Berlin\"").empty());
  CHECK(field_errors("timezone", "\"UTC\"").empty());
  CHECK(field_errors("timezone", "\"Mars/Base\"") ==
        list{"timezone: unknown time zone \"Mars/Base\"; expected an IANA name such as Europe/Berlin"});
  CHECK(field_errors("timezone", quoted(repeat("A", 100))) ==
        list{"timezone: unknown time zone \"" + repeat("A", 64) +
             "…\"; expected an IANA name such as Europe/Berlin"});

  // Control characters are shown as escapes: the message stays one printable line.
  CHECK(field_errors("timezone", R"("Europe/\nBerlin\u007f")") ==
        list{R"(timezone: unknown time zone "Europe/\x0aBerlin\x7f"; expected an IANA name such as Europe/Berlin)"});

  CHECK(field_errors("webhookUrl", quoted(webhook)).empty());
  // Scheme and host in any case, as URLs allow; the path as Discord spells it.
  CHECK(field_errors("webhookUrl", "\"HTTPS://Canary.Discord.COM/api/webhooks/1/abc\"").empty());
  CHECK(field_errors("webhookUrl", "\"https://discord.com/API/webhooks/1/abc\"") ==
        list{"webhookUrl: expected https://discord.com/api/webhooks/{id}/{token}"});
  CHECK(field_errors("webhookUrl", "\"http://discord.com/api/webhooks/1/abc\"") ==
        list{"webhookUrl: expected https://discord.com/api/webhooks/{id}/{token} (https only)"});
  CHECK(field_errors("webhookUrl", "\"https://example.com/api/webhooks/1/abc\"") ==
        list{"webhookUrl: expected https://discord.com/api/webhooks/{id}/{token} (host must be "
             "discord.com or discordapp.com)"});
}

TEST_CASE("malformed bodies answer invalid_json", "[task_input]") {
  CHECK(error_of_malformed("") == "the body is empty; expected a JSON object");
  CHECK(error_of_malformed("  \n") == "the body is empty; expected a JSON object");
  CHECK(error_of_malformed("[1,2]") == "expected a JSON object, got an array");
  CHECK(error_of_malformed("\"name\"") == "expected a JSON object, got a string");
  CHECK(error_of_malformed("null") == "expected a JSON object, got null");
  CHECK(error_of_malformed("42") == "expected a JSON object, got a number");
  CHECK(error_of_malformed("true") == "expected a JSON object, got a boolean");
  for (std::string truncated :
       {R"({"name": )", R"({"name": "x")", R"({"name": "x)", "{", R"({"payload":{"content":"x"})",
        "{} x", "{'name':'x'}", R"({"name":"x",})", R"({name:"x"})", R"({"n":01})",
        R"({"n":"\ud800"})", R"({"n":1e400})"}) {
    auto message = error_of_malformed(truncated);
    INFO("body: " << truncated);
    CHECK_THAT(message, Catch::StartsWith("not valid JSON: "));
  }
  // {"name":"a<0xff>"}: the bad byte is at offset 10.
  CHECK(error_of_malformed("{\"name\":\"a\xff\"}") == "invalid UTF-8 at byte 10");
  CHECK(error_of_malformed("{\"name\":\"\xc0\xaf\"}") == "invalid UTF-8 at byte 9");  // overlong
  CHECK(error_of_malformed("{\"name\":\"\xed\xa0\x80\"}") == "invalid UTF-8 at byte 9");  // surrogate
  CHECK(error_of_malformed("{\"name\":\"\xe2\x82\"}") == "invalid UTF-8 at byte 9");  // cut short
}

TEST_CASE("a key given twice makes the body malformed", "[task_input]") {
  CHECK(error_of_malformed(R"({"name":"a","name":"b"})") == "duplicate key \"name\"");
  CHECK(error_of_malformed(R"({"a\tb":1,"a\tb":2})") == R"(duplicate key "a\x09b")");
  CHECK(error_of_malformed(R"({"payload":{"a\nb":{"k":1,"k":2}}})") ==
        R"(duplicate key "k" in payload.a\x0ab)");
  CHECK(error_of_malformed(R"({"payload":{"content":"a","embeds":[{"title":"x","title":"y"}]}})") ==
        "duplicate key \"title\" in payload.embeds[0]");
  CHECK(error_of_malformed(R"({"x":[{},{"a":{"b":1,"b":2}}]})") ==
        "duplicate key \"b\" in x[1].a");
  CHECK(validate_payload(R"({"content":"a","content":"b"})") ==
        std::vector<field_error>{{"payload", "duplicate key \"content\""}});
  // The same key in different objects is fine.
  CHECK(payload_errors(R"({"content":"a","embeds":[{"title":"x"},{"title":"y"}]})").empty());
}

TEST_CASE("payload content is at most 2000 characters", "[task_input]") {
  CHECK(payload_errors(R"({"content":")" + repeat("a", 2000) + "\"}").empty());
  CHECK(payload_errors(R"({"content":")" + repeat("é", 2000) + "\"}").empty());
  CHECK(payload_errors(R"({"content":")" + repeat("😀", 2000) + "\"}").empty());
  CHECK(payload_errors(R"({"content":")" + repeat("😀", 2001) + "\"}") ==
        list{"payload.content: 2001 characters; expected at most 2000"});
  CHECK(payload_errors(R"({"content":")" + repeat("a", 2001) + "\"}") ==
        list{"payload.content: 2001 characters; expected at most 2000"});
  CHECK(payload_errors(R"({"content":null})") == list{"payload.content: expected a string"});
  CHECK(payload_errors(R"({"content":42})") == list{"payload.content: expected a string"});
}

TEST_CASE("payload needs content or at least one embed", "[task_input]") {
  const list missing{"payload: expected content or at least one embed"};
  CHECK(payload_errors("{}") == missing);
  CHECK(payload_errors(R"({"content":""})") == missing);
  CHECK(payload_errors(R"({"content":" \n\t"})") == missing);  // Discord trims it to nothing
  CHECK(payload_errors(R"({"embeds":[]})") == missing);
  CHECK(payload_errors(R"({"content":"","embeds":[],"username":"bot"})") == missing);
  CHECK(payload_errors(R"({"content":"\u200b"})").empty());  // zero-width space is not blank
  CHECK(payload_errors(R"({"content":"x","embeds":[]})").empty());
  CHECK(payload_errors(R"({"embeds":[{"title":"t"}]})").empty());
  CHECK(payload_errors(R"({"content":"","embeds":[{"description":"d"}]})").empty());
  // A wrong-typed content or embeds has its own error only.
  CHECK(payload_errors(R"({"embeds":{}})") == list{"payload.embeds: expected an array"});
  CHECK(payload_errors(R"({"embeds":null})") == list{"payload.embeds: expected an array"});
}

TEST_CASE("payload embeds: at most 10, each an object", "[task_input]") {
  auto embeds = [](std::size_t n) {
    std::string s = R"({"embeds":[)";
    for (std::size_t i = 0; i < n; ++i) s += std::string(i ? "," : "") + R"({"title":"t"})";
    return s + "]}";
  };
  CHECK(payload_errors(embeds(10)).empty());
  CHECK(payload_errors(embeds(11)) == list{"payload.embeds: 11 embeds; expected at most 10"});
  CHECK(payload_errors(R"({"embeds":[{"title":"t"},"x",null]})") ==
        list{"payload.embeds[1]: expected an object", "payload.embeds[2]: expected an object"});
}

TEST_CASE("embed title and description limits", "[task_input]") {
  CHECK(payload_errors(one_embed(R"("title":")" + repeat("é", 256) + "\"")).empty());
  CHECK(payload_errors(one_embed(R"("title":")" + repeat("é", 257) + "\"")) ==
        list{"payload.embeds[0].title: 257 characters; expected at most 256"});
  CHECK(payload_errors(one_embed(R"("description":")" + repeat("😀", 4096) + "\"")).empty());
  CHECK(payload_errors(one_embed(R"("description":")" + repeat("😀", 4097) + "\"")) ==
        list{"payload.embeds[0].description: 4097 characters; expected at most 4096"});
  CHECK(payload_errors(one_embed(R"("title":1,"description":[])")) ==
        list{"payload.embeds[0].title: expected a string",
             "payload.embeds[0].description: expected a string"});
}

TEST_CASE("embed fields: at most 25, name 1-256, value 1-1024, inline boolean", "[task_input]") {
  auto fields = [](std::size_t n) {
    std::string s = R"("fields":[)";
    for (std::size_t i = 0; i < n; ++i) s += std::string(i ? "," : "") + R"({"name":"n","value":"v"})";
    return one_embed(s + "]");
  };
  CHECK(payload_errors(fields(25)).empty());
  CHECK(payload_errors(fields(26)) == list{"payload.embeds[0].fields: 26 fields; expected at most 25"});
  CHECK(payload_errors(one_embed(R"("fields":{})")) ==
        list{"payload.embeds[0].fields: expected an array"});

  auto field = [](const std::string& members) {
    return one_embed(R"("fields":[{"name":"a","value":"b"},{"name":"a","value":"b"},)"
                     R"({"name":"a","value":"b"},{)" + members + "}]");
  };
  const std::string at = "payload.embeds[0].fields[3].";
  CHECK(payload_errors(field(R"("name":")" + repeat("é", 256) + R"(","value":")" +
                             repeat("😀", 1024) + R"(","inline":true)"))
            .empty());
  CHECK(payload_errors(field(R"("name":")" + repeat("é", 257) + R"(","value":"v")")) ==
        list{at + "name: 257 characters; expected at most 256"});
  CHECK(payload_errors(field(R"("name":"n","value":")" + repeat("😀", 1025) + "\"")) ==
        list{at + "value: 1025 characters; expected at most 1024"});
  CHECK(payload_errors(field(R"("name":"","value":"")")) ==
        list{at + "name: is empty; expected 1-256 characters",
             at + "value: is empty; expected 1-1024 characters"});
  CHECK(payload_errors(field("")) == list{at + "name: is required", at + "value: is required"});
  CHECK(payload_errors(field(R"("name":null,"value":5,"inline":"yes")")) ==
        list{at + "name: expected a string", at + "value: expected a string",
             at + "inline: expected a boolean"});
  CHECK(payload_errors(one_embed(R"("fields":["x"])")) ==
        list{"payload.embeds[0].fields[0]: expected an object"});
}

TEST_CASE("embed footer and author", "[task_input]") {
  const std::string at = "payload.embeds[0].";
  CHECK(payload_errors(one_embed(R"("footer":{"text":")" + repeat("é", 2048) +
                                 R"(","icon_url":"https://x.io/i.png"})"))
            .empty());
  CHECK(payload_errors(one_embed(R"("footer":{"text":")" + repeat("é", 2049) + "\"}")) ==
        list{at + "footer.text: 2049 characters; expected at most 2048"});
  CHECK(payload_errors(one_embed(R"("footer":{"icon_url":"https://x.io/i.png"})")) ==
        list{at + "footer.text: is required"});
  CHECK(payload_errors(one_embed(R"("footer":{"text":null})")) ==
        list{at + "footer.text: expected a string"});
  CHECK(payload_errors(one_embed(R"("footer":"f")")) == list{at + "footer: expected an object"});
  CHECK(payload_errors(one_embed(R"("footer":{"text":"t","icon_url":"ftp://x"})")) ==
        list{at + "footer.icon_url: expected an http or https URL"});

  CHECK(payload_errors(one_embed(R"("author":{"name":")" + repeat("😀", 256) +
                                 R"(","url":"http://a.b","icon_url":"https://a.b/i"})"))
            .empty());
  CHECK(payload_errors(one_embed(R"("author":{"name":")" + repeat("😀", 257) + "\"}")) ==
        list{at + "author.name: 257 characters; expected at most 256"});
  CHECK(payload_errors(one_embed(R"("author":{"url":"https://a.b"})")) ==
        list{at + "author.name: is required"});
  CHECK(payload_errors(one_embed(R"("author":[])")) == list{at + "author: expected an object"});
  CHECK(payload_errors(one_embed(R"("author":{"name":"a","url":"a.b"})")) ==
        list{at + "author.url: expected an http or https URL"});
}

TEST_CASE("embed url, image, thumbnail, color and timestamp", "[task_input]") {
  const std::string at = "payload.embeds[0].";
  for (std::string good : {"https://example.com", "http://x", "HTTPS://Example.com/a?b=c#d"}) {
    INFO("url: " << good);
    CHECK(payload_errors(one_embed(R"("url":")" + good + "\"")).empty());
  }
  for (std::string bad : {"ftp://x", "https://", "http:///path", "javascript:alert(1)",
                          "example.com", "https://a b", ""}) {
    INFO("url: " << bad);
    CHECK(payload_errors(one_embed(R"("title":"t","url":")" + bad + "\"")) ==
          list{at + "url: expected an http or https URL"});
  }
  CHECK(payload_errors(one_embed(R"("title":"t","url":5)")) == list{at + "url: expected a string"});

  CHECK(payload_errors(one_embed(R"("image":{"url":"https://x.io/a.png"},)"
                                 R"("thumbnail":{"url":"https://x.io/b.png","width":10})"))
            .empty());
  CHECK(payload_errors(one_embed(R"("image":{},"thumbnail":{"url":"attachment://a.png"})")) ==
        list{at + "image.url: is required", at + "thumbnail.url: expected an http or https URL"});
  CHECK(payload_errors(one_embed(R"("title":"t","image":"https://x.io/a.png")")) ==
        list{at + "image: expected an object"});

  CHECK(payload_errors(one_embed(R"("title":"t","color":0)")).empty());
  CHECK(payload_errors(one_embed(R"("title":"t","color":16777215)")).empty());
  CHECK(payload_errors(one_embed(R"("title":"t","color":16777216)")) ==
        list{at + "color: 16777216 is out of range 0-16777215"});
  CHECK(payload_errors(one_embed(R"("title":"t","color":-1)")) ==
        list{at + "color: -1 is out of range 0-16777215"});
  for (std::string bad : {"1.5", "1e3", "\"#ff0000\"", "null", "true"}) {
    INFO("color: " << bad);
    CHECK(payload_errors(one_embed(R"("title":"t","color":)" + bad)) ==
          list{at + "color: expected an integer from 0 to 16777215"});
  }

  CHECK(payload_errors(one_embed(R"("title":"t","timestamp":"2026-11-22T10:00:00.000Z")")).empty());
  CHECK(payload_errors(one_embed(R"("title":"t","timestamp":"2026-11-22T11:00:00+01:00")")).empty());
  for (std::string bad : {"\"yesterday\"", "\"2026-11-22\"", "\"2026-11-22T10:00:00\"", "0", "null"}) {
    INFO("timestamp: " << bad);
    auto errors = payload_errors(one_embed(R"("title":"t","timestamp":)" + bad));
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0], Catch::StartsWith(at + "timestamp: expected"));
  }
}

TEST_CASE("all text of all embeds is at most 6000 characters", "[task_input]") {
  // Two embeds: 4096 + 1904 = 6000, in two-byte characters.
  auto two = [](std::size_t second) {
    return R"({"embeds":[{"description":")" + repeat("é", 4096) + R"("},{"description":")" +
           repeat("é", second) + R"("}]})";
  };
  CHECK(payload_errors(two(1904)).empty());
  CHECK(payload_errors(two(1905)) ==
        list{"payload.embeds: all embeds together have 6001 characters; expected at most 6000"});

  // Every counted part: 256 + 4096 + 10 + 1000 + 400 + 250 = 6012. Content, username,
  // urls and unknown members do not count.
  auto all_parts = R"({"content":")" + repeat("c", 2000) + R"(","username":"u","embeds":[{"title":")" +
                   repeat("😀", 256) + R"(","description":")" + repeat("d", 4096) +
                   R"(","url":"https://x.io","fields":[{"name":")" + repeat("n", 10) +
                   R"(","value":")" + repeat("€", 1000) + R"("}],"footer":{"text":")" +
                   repeat("f", 400) + R"("},"author":{"name":")" + repeat("a", 250) +
                   R"("},"provider":{"name":")" + repeat("p", 100) + R"("}}]})";
  CHECK(payload_errors(all_parts) ==
        list{"payload.embeds: all embeds together have 6012 characters; expected at most 6000"});
}

TEST_CASE("payload username, avatar_url, tts and allowed_mentions", "[task_input]") {
  CHECK(payload_errors(R"({"content":"x","username":")" + repeat("😀", 80) + "\"}").empty());
  CHECK(payload_errors(R"({"content":"x","username":")" + repeat("😀", 81) + "\"}") ==
        list{"payload.username: 81 characters; expected at most 80"});
  CHECK(payload_errors(R"({"content":"x","username":""})") ==
        list{"payload.username: is empty; expected 1-80 characters"});
  CHECK(payload_errors(R"({"content":"x","avatar_url":"https://x.io/a.png","tts":false})").empty());
  CHECK(payload_errors(R"({"content":"x","avatar_url":"data:image/png;base64,AA"})") ==
        list{"payload.avatar_url: expected an http or https URL"});
  CHECK(payload_errors(R"({"content":"x","tts":"true"})") == list{"payload.tts: expected a boolean"});
  CHECK(payload_errors(R"({"content":"x","allowed_mentions":{"parse":[],"users":["1"]}})").empty());
  CHECK(payload_errors(R"({"content":"x","allowed_mentions":"none"})") ==
        list{"payload.allowed_mentions: expected an object"});
  CHECK(payload_errors("[]") == list{"payload: expected an object"});
}

TEST_CASE("NUL characters are refused wherever they would be stored", "[task_input]") {
  const std::string nul = ": contains a NUL character (\\u0000), which cannot be stored";
  CHECK(payload_errors(R"({"content":"a\u0000"})") == list{"payload.content" + nul});
  CHECK(payload_errors(R"({"content":"x","components":[{"label":"\u0000"}]})") ==
        list{"payload.components[0].label" + nul});
  CHECK(payload_errors(R"({"content":"x","a\u0000":1})") == list{"payload: a key" + nul.substr(1)});
  CHECK(payload_errors(one_embed(R"("title":"t","footer":{"text":"t","x":"\u0000"})")) ==
        list{"payload.embeds[0].footer.x" + nul});
  // Outside the payload, unknown fields are not stored and so not looked at.
  CHECK(field_errors("other", R"("\u0000")").empty());
}

TEST_CASE("unknown payload members are kept as sent", "[task_input]") {
  auto payload = R"({"content":"x","flags":4096,"thread_name":"t","poll":{"question":{"text":"q"}},)"
                 R"("embeds":[{"title":"t","video":{"url":"ftp://ignored"}}]})";
  auto r = parse_task_input(create_body(payload), input_mode::create);
  REQUIRE(r.errors.empty());
  CHECK(r.input.payload == payload);
}

TEST_CASE("every error is reported, in document order", "[task_input]") {
  auto body = R"({"name":"","schedule":"0 25 * * *","timezone":"Mars/Base",)"
              R"("webhookUrl":"http://discord.com/api/webhooks/1/a","unknown":null,)"
              R"("payload":{"content":5,"embeds":[{"title":")" +
              repeat("t", 257) + R"(","fields":[{"name":"a"}],"color":-1}],"username":""},)"
              R"("maxRetry":11,"status":"FAILED"})";
  auto r = parse_task_input(body, input_mode::create);
  REQUIRE_FALSE(r.malformed_json);
  CHECK(as_strings(r.errors) ==
        list{"name: is empty; expected 1-200 characters",
             "schedule: field 2 (hour): 25 is out of range 0-23",
             "timezone: unknown time zone \"Mars/Base\"; expected an IANA name such as Europe/Berlin",
             "webhookUrl: expected https://discord.com/api/webhooks/{id}/{token} (https only)",
             "payload.content: expected a string",
             "payload.embeds[0].title: 257 characters; expected at most 256",
             "payload.embeds[0].fields[0].value: is required",
             "payload.embeds[0].color: -1 is out of range 0-16777215",
             "payload.username: is empty; expected 1-80 characters",
             "maxRetry: 11 is out of range 0-10",
             "status: FAILED is set only by the scheduler; expected ACTIVE or INACTIVE"});
  CHECK(first_error_message(r.errors) == "name: is empty; expected 1-200 characters");
  // Only values that passed are set; defaults are filled only for absent fields.
  CHECK_FALSE(r.input.name);
  CHECK_FALSE(r.input.payload);
  CHECK_FALSE(r.input.timezone);
  CHECK_FALSE(r.input.max_retry);
  CHECK_FALSE(r.input.status);
}

TEST_CASE("at most 50 errors are reported", "[task_input]") {
  std::string payload = R"({"embeds":[)";
  for (int e = 0; e < 10; ++e) {
    payload += std::string(e ? "," : "") + R"({"fields":[)";
    for (int f = 0; f < 25; ++f) payload += std::string(f ? "," : "") + R"({"name":"","value":""})";
    payload += "]}";
  }
  payload += "]}";
  auto r = parse_task_input(create_body(payload), input_mode::create);
  REQUIRE(r.errors.size() == 50);
  CHECK(as_strings(r.errors).front() ==
        "payload.embeds[0].fields[0].name: is empty; expected 1-256 characters");
  CHECK(as_strings(r.errors).back() ==
        "payload.embeds[0].fields[24].value: is empty; expected 1-1024 characters");
  CHECK(validate_payload(payload).size() == 50);
}

TEST_CASE("the stored payload is the client's payload without whitespace", "[task_input]") {
  // Unicode raw and escaped, escaped quotes and backslashes, spaces inside strings,
  // number spellings, and members before and after it whose strings hold JSON syntax.
  const std::string payload = R"({
      "content" : "caf\u00e9 é 😀 \ud83d\ude00 \"quoted\" back\\slash\nnew  line \/ {[,:]}",
      "embeds": [ { "title": "t", "color": 16777215,
                    "fields": [ {"name": "a b", "value": "c", "inline": true} ] } ],
      "flags": 4096, "ratio": 1.50, "big": 1E2, "neg": -0,
      "nested": { "x": [ null, false, { } , [ ] ] }
    })";
  const std::string compact =
      R"({"content":"caf\u00e9 é 😀 \ud83d\ude00 \"quoted\" back\\slash\nnew  line \/ {[,:]}",)"
      R"("embeds":[{"title":"t","color":16777215,)"
      R"("fields":[{"name":"a b","value":"c","inline":true}]}],)"
      R"("flags":4096,"ratio":1.50,"big":1E2,"neg":-0,"nested":{"x":[null,false,{},[]]}})";
  const std::string body = "{ \"before\" : [\"}\", {\"payload\": \"no\"}, \"\\\"{\"],\n"
                           "  \"name\": \"n\", \"schedule\": \"0 10 * * *\",\n"
                           "  \"payload\" :\n" + payload +
                           " , \"webhookUrl\": \"" + webhook + "\", \"after\": {\"a\": \"]\"} }";
  auto r = parse_task_input(body, input_mode::create);
  REQUIRE_FALSE(r.malformed_json);
  REQUIRE(r.errors.empty());
  REQUIRE(r.input.payload);
  CHECK(*r.input.payload == compact);

  // Stored text read back: valid, and stored again unchanged.
  CHECK(validate_payload(*r.input.payload).empty());
  auto again = parse_task_input(create_body(*r.input.payload), input_mode::patch);
  REQUIRE(again.errors.empty());
  CHECK(again.input.payload == compact);

  // As the only member, and when it is the first or last one.
  CHECK(parse_task_input(R"({"payload":{"content":"x"}})", input_mode::patch).input.payload ==
        R"({"content":"x"})");
  CHECK(parse_task_input("{\"payload\":{\"content\":\"x\"},\"name\":\"n\"}", input_mode::patch)
            .input.payload == R"({"content":"x"})");
}

TEST_CASE("a field path shows the control characters of the client's keys as escapes",
          "[task_input]") {
  CHECK(payload_errors(R"({"content":"x","a\tb":"c\u0000"})") ==
        list{R"(payload.a\x09b: contains a NUL character (\u0000), which cannot be stored)"});
}

TEST_CASE("client text in a message: quoted, cut at 64 characters, control characters escaped",
          "[task_input]") {
  using taskhook::quote_for_message;
  CHECK(quote_for_message("") == "\"\"");
  CHECK(quote_for_message("Mars/Base") == "\"Mars/Base\"");
  CHECK(quote_for_message(std::string("a\0b\r\n\x7f", 6)) == R"("a\x00b\x0d\x0a\x7f")");
  // Characters, not bytes, count: 64 two-byte characters are all shown.
  CHECK(quote_for_message(repeat("\xC3\xA9", 64)) == "\"" + repeat("\xC3\xA9", 64) + "\"");
  CHECK(quote_for_message(repeat("\xC3\xA9", 65)) == "\"" + repeat("\xC3\xA9", 64) + "…\"");
  // An escape is one character of the 64.
  CHECK(quote_for_message(repeat("\t", 70)) == "\"" + repeat("\\x09", 64) + "…\"");
}

TEST_CASE("append_printable escapes control characters only, and cuts nothing", "[task_input]") {
  std::string out = "payload.";
  taskhook::append_printable(out, std::string("k\x01\xC3\xA9\x7f", 5));
  CHECK(out == "payload.k\\x01\xC3\xA9\\x7f");
  std::string long_key = repeat("k", 100);
  out.clear();
  taskhook::append_printable(out, long_key);
  CHECK(out == long_key);
}
