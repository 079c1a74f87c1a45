#include "core/task_input.hpp"
#include "core/task_lifecycle.hpp"

#include <simdjson.h>

#include <cstdint>

#include "core/cron.hpp"
#include "core/discord_payload_rules.hpp"
#include "core/json_checks.hpp"
#include "core/quote.hpp"
#include "core/snowflake.hpp"
#include "core/utf8.hpp"
#include "core/webhook_url.hpp"
#include "core/zone.hpp"

namespace taskhook {
namespace {

using namespace json_checks;

// Limits from API.md (Task).
constexpr std::size_t name_max = 200;
constexpr std::int64_t max_retry_max = 10;

// -- the stored payload text -----------------------------------------------------

/// The text of member number `index` of the minified object `text`. The text was
/// validated by the parser and has no whitespace outside strings.
std::string_view member_text(std::string_view text, std::size_t index) {
  auto skip_string = [&](std::size_t i) {  // text[i] == '"'
    for (++i; text[i] != '"'; ++i)
      if (text[i] == '\\') ++i;
    return i + 1;
  };
  auto skip_value = [&](std::size_t i) {
    if (text[i] == '"') return skip_string(i);
    if (text[i] == '{' || text[i] == '[') {
      int depth = 0;
      do {
        char c = text[i];
        if (c == '"') {
          i = skip_string(i);
          continue;
        }
        if (c == '{' || c == '[') ++depth;
        if (c == '}' || c == ']') --depth;
        ++i;
      } while (depth > 0);
      return i;
    }
    while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']') ++i;
    return i;
  };
  std::size_t i = 1;  // past '{'
  for (std::size_t n = 0;; ++n) {
    i = skip_string(i) + 1;  // key and ':'
    std::size_t start = i;
    i = skip_value(i);
    if (n == index) return text.substr(start, i - start);
    ++i;  // ','
  }
}

/// Member number `index` of the top-level object of `body`, without whitespace.
std::string compact_member(const simdjson::padded_string& body, std::size_t index) {
  std::string minified(body.size() + simdjson::SIMDJSON_PADDING, '\0');
  std::size_t length = 0;
  if (simdjson::minify(body.data(), body.size(), minified.data(), length) != simdjson::SUCCESS)
    return {};
  return std::string(member_text(std::string_view(minified.data(), length), index));
}

// -- task fields -----------------------------------------------------------------

void name_at(element e, task_input& in, error_sink& out) {
  auto s = string_at(e, "name", out);
  if (!s) return;
  auto n = utf8_length(*s);
  if (n == 0)
    out.add("name", "is empty; expected 1-" + std::to_string(name_max) + " characters");
  else if (n > name_max)
    out.add("name", std::to_string(n) + " characters; expected at most " + std::to_string(name_max));
  else if (is_blank(*s))
    out.add("name", "is blank; expected at least one character that is not whitespace");
  else
    in.name = std::string(*s);
}

void schedule_at(element e, task_input& in, error_sink& out) {
  auto s = string_at(e, "schedule", out);
  if (!s) return;
  auto parsed = cron::parse(*s);
  if (!parsed)
    out.add("schedule", parsed.error_message());
  else {
    in.schedule = std::string(*s);
    in.compiled_schedule = *parsed;
  }
}

void timezone_at(element e, task_input& in, error_sink& out) {
  auto s = string_at(e, "timezone", out);
  if (!s) return;
  if (!find_zone(*s))
    out.add("timezone", "unknown time zone " + quote_for_message(*s) +
                            "; expected an IANA name such as Europe/Berlin");
  else
    in.timezone = std::string(*s);
}

void webhook_url_at(element e, task_input& in, error_sink& out) {
  auto s = string_at(e, "webhookUrl", out);
  if (!s) return;
  auto parsed = parse_webhook_url(*s);
  if (!parsed)
    out.add("webhookUrl", parsed.error_message());
  else
    in.webhook_url = std::string(*s);
}

void status_at(element e, task_input& in, error_sink& out) {
  auto s = string_at(e, "status", out);
  if (!s) return;
  if (*s == "ACTIVE")
    in.status = task_status::active;
  else if (*s == "INACTIVE")
    in.status = task_status::inactive;
  else if (*s == "FAILED")
    out.add("status", "FAILED is set only by the scheduler; expected ACTIVE or INACTIVE");
  else
    out.add("status", "expected ACTIVE or INACTIVE");
}

/// `threadId`: the Discord thread the sends post into, or null for none.
void thread_id_at(element e, task_input& in, error_sink& out) {
  if (e.is_null()) {
    in.thread_id = std::optional<std::string>{};
    return;
  }
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS || !is_snowflake(s)) {
    out.add("threadId", "expected " + std::string(snowflake_expected) + ", or null");
    return;
  }
  in.thread_id = std::optional<std::string>{std::string(s)};
}

}  // namespace

std::string first_error_message(const std::vector<field_error>& errors) {
  if (errors.empty()) return {};
  return errors.front().field + ": " + errors.front().message;
}

task_input_result parse_task_input(std::string_view body, input_mode mode) {
  task_input_result result;
  simdjson::padded_string text(body);
  simdjson::dom::parser parser;
  element root;
  if (auto code = parser.parse(text).get(root)) {
    result.malformed_json = true;
    result.json_error = describe_parse_error(code, body);
    return result;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    result.malformed_json = true;
    result.json_error = "expected a JSON object, got " + std::string(kind_of(root));
    return result;
  }
  std::string scratch;
  if (auto dup = find_duplicate_key(root, scratch)) {
    result.malformed_json = true;
    result.json_error = *dup;
    return result;
  }

  error_sink out;
  task_input& in = result.input;
  bool has_name = false, has_schedule = false, has_timezone = false, has_url = false;
  bool has_payload = false, has_max_retry = false, has_status = false;
  std::optional<std::size_t> payload_index;
  std::size_t index = 0;
  for (auto [key, value] : obj) {
    if (key == "name") {
      has_name = true;
      name_at(value, in, out);
    } else if (key == "schedule") {
      has_schedule = true;
      schedule_at(value, in, out);
    } else if (key == "timezone") {
      has_timezone = true;
      timezone_at(value, in, out);
    } else if (key == "webhookUrl") {
      has_url = true;
      webhook_url_at(value, in, out);
    } else if (key == "payload") {
      has_payload = true;
      auto before = out.count();
      discord_payload_at(value, out);
      if (out.count() == before) payload_index = index;
    } else if (key == "maxRetry") {
      has_max_retry = true;
      if (auto v = integer_at(value, "maxRetry", 0, max_retry_max, out))
        in.max_retry = static_cast<int>(*v);
    } else if (key == "status") {
      has_status = true;
      status_at(value, in, out);
    } else if (key == "threadId") {
      thread_id_at(value, in, out);
    }
    ++index;
  }

  if (mode == input_mode::create) {
    // Absent from the document, so after the errors found in it.
    if (!has_name) out.add("name", "is required");
    if (!has_schedule) out.add("schedule", "is required");
    if (!has_url) out.add("webhookUrl", "is required");
    if (!has_payload) out.add("payload", "is required");
    lifecycle::apply_create_defaults(in, has_timezone, has_max_retry, has_status);
  }
  if (payload_index) in.payload = compact_member(text, *payload_index);
  result.errors = out.take();
  return result;
}

}  // namespace taskhook
