// libFuzzer target for task bodies (POST /api/tasks and PATCH /api/tasks/:id), the
// input the REST API takes from anyone with a key. The first byte picks the mode
// (even: create, odd: patch); the rest is the body. Every input must be refused as
// malformed JSON or with field errors, or accepted, without crashing; what is
// accepted must hold the rules it was checked against, so a stored task can never
// carry a value the API would refuse (API.md, Task):
// - malformed: a reason, and no field errors;
// - every field error names its field and says what was expected, on one printable
//   line (client text it quotes has its control characters escaped);
// - an accepted name is 1-200 characters, not blank; an accepted schedule, time zone
//   and webhook URL parse again; maxRetry is 0-10;
// - an accepted payload is the body's own `payload` member (the same JSON value,
//   whitespace removed), and passes the Discord rules again on its own;
// - an accepted payload compiles as a template (API.md, Templates); rendered with
//   the longest values (a 200-character name full of quotes, backslashes and
//   control characters, attempt 10, the first and the last instant of years
//   0001-9999) it is a JSON object, and, unless it wrote a literal `{{`, it passes
//   the Discord rules again: no send outgrows a limit the API accepted;
// - an accepted threadId is a Discord id (or null);
// - a create body with no errors has every field, with the defaults filled in.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/cron.hpp"
#include "core/payload_template.hpp"
#include "core/snowflake.hpp"
#include "core/task_input.hpp"
#include "core/utf8.hpp"
#include "core/webhook_url.hpp"
#include "core/zone.hpp"

namespace {

using taskhook::input_mode;

[[noreturn]] void fail(std::string_view what, std::string_view body, std::string_view detail = {}) {
  std::fprintf(stderr, "task_input_fuzz: %.*s\n  body: %.*s\n  detail: %.*s\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(body.size()),
               body.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

/// One printable line: no control characters (what a message quotes of the body
/// is escaped).
bool printable(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

bool is_blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  return true;
}

/// The body's own `payload` member, re-serialized by simdjson (so two texts of
/// the same JSON value compare equal); empty when there is none.
std::string original_payload(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return {};
  simdjson::dom::element payload;
  if (root["payload"].get(payload) != simdjson::SUCCESS) return {};
  return simdjson::to_string(payload);
}

/// The longest name API.md allows, made of what a renderer must escape.
std::string longest_name() {
  std::string name;
  const char* units[] = {"\"", "\\", "\n", "\x01", "\x1f", "\xF0\x9F\x98\x80", "a"};
  for (int i = 0; i < 200; ++i) name += units[i % 7];
  return name;
}

/// The payload rendered with the longest values must still be a payload the
/// API would accept.
void check_template(const std::string& payload, std::string_view body) {
  const auto compiled = taskhook::compile_payload_template(payload);
  if (!compiled.errors.empty())
    fail("an accepted payload does not compile as a template", body,
         compiled.errors.front().field + ": " + compiled.errors.front().message);
  if (!compiled.compiled.has_placeholders()) return;  // sent as stored
  static const std::string name = longest_name();
  for (const char* when : {"0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"}) {
    taskhook::template_values values;
    values.scheduled_for = *taskhook::parse_iso8601(when);
    values.task_name = name;
    values.task_id = *taskhook::uuid::parse("ffffffff-ffff-4fff-bfff-ffffffffffff");
    values.attempt = 10;
    values.trigger = taskhook::run_trigger::schedule;
    std::string rendered;
    taskhook::render(compiled.compiled, values, rendered);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(rendered.data(), rendered.size()).get(doc) != simdjson::SUCCESS ||
        !doc.is_object())
      fail("a rendered payload is not a JSON object", body, rendered);
    // `{{{{` writes `{{`, which the rules would read as a placeholder again.
    if (payload.find("{{{{") != std::string::npos) continue;
    if (auto again = taskhook::validate_payload(rendered); !again.empty())
      fail("a rendered payload breaks the rules its template passed", body,
           again.front().field + ": " + again.front().message);
  }
}

void check_accepted(const taskhook::task_input& in, std::string_view body) {
  if (in.name) {
    const auto n = taskhook::utf8_length(*in.name);
    if (n == 0 || n > 200 || is_blank(*in.name)) fail("an accepted name breaks its rule", body, *in.name);
  }
  if (in.schedule && !taskhook::cron::parse(*in.schedule))
    fail("an accepted schedule does not parse again", body, *in.schedule);
  if (in.timezone && taskhook::find_zone(*in.timezone) == nullptr)
    fail("an accepted time zone is unknown", body, *in.timezone);
  if (in.webhook_url && !taskhook::parse_webhook_url(*in.webhook_url))
    fail("an accepted webhook URL does not parse again", body, *in.webhook_url);
  if (in.max_retry && (*in.max_retry < 0 || *in.max_retry > 10))
    fail("an accepted maxRetry is out of 0-10", body, std::to_string(*in.max_retry));
  if (in.payload) {
    simdjson::dom::parser parser;
    simdjson::dom::element stored;
    if (parser.parse(in.payload->data(), in.payload->size()).get(stored) != simdjson::SUCCESS ||
        !stored.is_object())
      fail("the stored payload is not a JSON object", body, *in.payload);
    if (simdjson::to_string(stored) != original_payload(body))
      fail("the stored payload is not the body's payload", body, *in.payload);
    if (auto again = taskhook::validate_payload(*in.payload); !again.empty())
      fail("the stored payload fails the rules it passed", body,
           again.front().field + ": " + again.front().message);
    check_template(*in.payload, body);
  }
  if (in.thread_id && *in.thread_id && !taskhook::is_snowflake(**in.thread_id))
    fail("an accepted threadId is not a Discord id", body, **in.thread_id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const input_mode mode = (data[0] & 1) == 0 ? input_mode::create : input_mode::patch;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto r = taskhook::parse_task_input(body, mode);
  if (r.malformed_json) {
    if (r.json_error.empty()) fail("malformed without a reason", body);
    if (!printable(r.json_error)) fail("the reason is not one printable line", body, r.json_error);
    if (!r.errors.empty()) fail("malformed and also field errors", body);
    return 0;
  }
  if (r.errors.size() > 50) fail("more than 50 field errors", body);
  for (const auto& e : r.errors) {
    if (e.field.empty() || e.message.empty()) fail("a field error without field or message", body);
    if (!printable(e.field) || !printable(e.message))
      fail("a field error is not one printable line", body, e.field + ": " + e.message);
  }
  check_accepted(r.input, body);
  if (mode == input_mode::create && r.errors.empty()) {
    const auto& in = r.input;
    if (!in.name || !in.schedule || !in.timezone || !in.webhook_url || !in.payload ||
        !in.max_retry || !in.status)
      fail("a valid create body left a field unset", body);
  }
  return 0;
}
