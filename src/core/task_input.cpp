#include "core/task_input.hpp"
#include "core/task_lifecycle.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <functional>

#include "core/cron.hpp"
#include "core/quote.hpp"
#include "core/time_format.hpp"
#include "core/webhook_url.hpp"
#include "core/zone.hpp"

namespace taskhook {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Limits from API.md (Task); the Discord ones count code points.
constexpr std::size_t name_max = 200;
constexpr std::int64_t max_retry_max = 10;
constexpr std::size_t content_max = 2000;
constexpr std::size_t embeds_max = 10;
constexpr std::size_t title_max = 256;
constexpr std::size_t description_max = 4096;
constexpr std::size_t fields_max = 25;
constexpr std::size_t field_name_max = 256;
constexpr std::size_t field_value_max = 1024;
constexpr std::size_t footer_text_max = 2048;
constexpr std::size_t author_name_max = 256;
constexpr std::size_t embeds_text_max = 6000;
constexpr std::size_t username_max = 80;
constexpr std::int64_t color_max = 0xFFFFFF;

constexpr std::size_t max_errors = 50;

// PostgreSQL refuses U+0000 in text and in jsonb, so it would fail only at the insert.
constexpr std::string_view nul_message =
    "contains a NUL character (\\u0000), which cannot be stored";

/// Collects errors in the order found; keeps the first 50 but counts them all.
class error_sink {
 public:
  void add(std::string field, std::string message) {
    ++count_;
    if (errors_.size() < max_errors) errors_.push_back({std::move(field), std::move(message)});
  }
  bool full() const { return errors_.size() >= max_errors; }
  std::size_t count() const { return count_; }
  std::vector<field_error> take() { return std::move(errors_); }

 private:
  std::vector<field_error> errors_;
  std::size_t count_ = 0;
};

std::string child(const std::string& path, std::string_view key) {
  std::string out = path;
  if (!out.empty()) out += '.';
  append_printable(out, key);
  return out;
}

std::string child(const std::string& path, std::size_t index) {
  return path + '[' + std::to_string(index) + ']';
}

// -- UTF-8 ---------------------------------------------------------------------

/// Decodes the code point at `i` of valid UTF-8 and moves `i` past it.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
  for (std::size_t k = 1; k < len && i + k < s.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  i += len;
  return cp;
}

/// Byte offset of the first invalid UTF-8 sequence, for the error message.
std::optional<std::size_t> first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    char32_t cp = 0, min = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1Fu, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0Fu, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07u, min = 0x10000;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::nullopt;
}

/// Unicode White_Space plus the separators Python's str.strip() removes, which
/// is what Discord trims before deciding a text is empty.
bool is_space(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 ||
         cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool is_blank(std::string_view s) {
  for (std::size_t i = 0; i < s.size();)
    if (!is_space(next_code_point(s, i))) return false;
  return true;
}

// -- typed values ----------------------------------------------------------------

/// The string at `path`, or nullopt after reporting why it is not a usable one.
std::optional<std::string_view> string_at(element e, const std::string& path, error_sink& out) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) {
    out.add(path, "expected a string");
    return std::nullopt;
  }
  if (s.find('\0') != std::string_view::npos) {
    out.add(path, std::string(nul_message));
    return std::nullopt;
  }
  return s;
}

/// Checks a text of at most `max` code points (and not empty when `required_chars`).
/// Returns its length whenever it is a string, so totals can count it.
std::optional<std::size_t> text_at(element e, const std::string& path, std::size_t max,
                                   bool required_chars, error_sink& out) {
  auto s = string_at(e, path, out);
  if (!s) return std::nullopt;
  auto n = utf8_length(*s);
  if (n == 0 && required_chars)
    out.add(path, "is empty; expected 1-" + std::to_string(max) + " characters");
  else if (n > max)
    out.add(path, std::to_string(n) + " characters; expected at most " + std::to_string(max));
  return n;
}

std::optional<std::int64_t> integer_at(element e, const std::string& path, std::int64_t lo,
                                       std::int64_t hi, error_sink& out) {
  auto range = std::to_string(lo) + "-" + std::to_string(hi);
  if (e.type() == element_type::INT64) {
    std::int64_t v = e.get_int64().value_unsafe();
    if (v >= lo && v <= hi) return v;
    out.add(path, std::to_string(v) + " is out of range " + range);
  } else if (e.type() == element_type::UINT64) {  // above INT64_MAX
    out.add(path, std::to_string(e.get_uint64().value_unsafe()) + " is out of range " + range);
  } else {
    out.add(path, "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return std::nullopt;
}

void bool_at(element e, const std::string& path, error_sink& out) {
  if (!e.is_bool()) out.add(path, "expected a boolean");
}

bool is_http_url(std::string_view s) {
  auto starts_with_nocase = [&](std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = s[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  std::string_view rest;
  if (starts_with_nocase("https://"))
    rest = s.substr(8);
  else if (starts_with_nocase("http://"))
    rest = s.substr(7);
  else
    return false;
  if (rest.empty() || rest.front() == '/' || rest.front() == '?' || rest.front() == '#')
    return false;  // no host
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
  return true;
}

void url_at(element e, const std::string& path, error_sink& out) {
  auto s = string_at(e, path, out);
  if (s && !is_http_url(*s)) out.add(path, "expected an http or https URL");
}

void timestamp_at(element e, const std::string& path, error_sink& out) {
  auto s = string_at(e, path, out);
  if (s && !parse_iso8601(*s))
    out.add(path, "expected an ISO-8601 timestamp such as 2026-11-22T10:00:00.000Z");
}

/// Calls `fn(key, value, path_of_value)` for each member in document order.
void for_each_member(simdjson::dom::object obj, const std::string& path, error_sink& out,
                     const std::function<void(std::string_view, element, const std::string&)>& fn) {
  for (auto [key, value] : obj) {
    if (out.full()) return;
    if (key.find('\0') != std::string_view::npos) {
      out.add(path, "a key " + std::string(nul_message));
      continue;
    }
    fn(key, value, child(path, key));
  }
}

/// Values we pass through to Discord unread must still be storable.
void storable_at(element e, const std::string& path, error_sink& out) {
  switch (e.type()) {
    case element_type::STRING:
      string_at(e, path, out);
      break;
    case element_type::ARRAY: {
      simdjson::dom::array items = e.get_array().value_unsafe();
      std::size_t i = 0;
      for (element item : items) {
        if (out.full()) return;
        storable_at(item, child(path, i++), out);
      }
      break;
    }
    case element_type::OBJECT:
      for_each_member(simdjson::dom::object(e.get_object().value_unsafe()), path, out,
                      [&](std::string_view, element v, const std::string& p) {
                        storable_at(v, p, out);
                      });
      break;
    default:
      break;
  }
}

/// An object at `path`, or nullopt after reporting that it is not one.
std::optional<simdjson::dom::object> object_at(element e, const std::string& path,
                                               error_sink& out) {
  simdjson::dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) {
    out.add(path, "expected an object");
    return std::nullopt;
  }
  return obj;
}

// -- the Discord payload ---------------------------------------------------------

/// An object whose text member `text_key` is required; returns that text's length.
std::size_t embed_part_at(element e, const std::string& path, std::string_view text_key,
                          std::size_t text_max, error_sink& out) {
  auto obj = object_at(e, path, out);
  if (!obj) return 0;
  std::size_t length = 0;
  bool seen = false;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == text_key) {
      seen = true;
      length = text_at(v, p, text_max, false, out).value_or(0);
    } else if (key == "url" || key == "icon_url") {
      url_at(v, p, out);
    } else {
      storable_at(v, p, out);
    }
  });
  if (!seen) out.add(child(path, text_key), "is required");
  return length;
}

/// image and thumbnail: an object with a required http(s) `url`.
void embed_media_at(element e, const std::string& path, error_sink& out) {
  auto obj = object_at(e, path, out);
  if (!obj) return;
  bool seen = false;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == "url") {
      seen = true;
      url_at(v, p, out);
    } else {
      storable_at(v, p, out);
    }
  });
  if (!seen) out.add(child(path, "url"), "is required");
}

/// One embed field; returns the length of its name and value.
std::size_t embed_field_at(element e, const std::string& path, error_sink& out) {
  auto obj = object_at(e, path, out);
  if (!obj) return 0;
  std::size_t length = 0;
  bool has_name = false, has_value = false;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == "name") {
      has_name = true;
      length += text_at(v, p, field_name_max, true, out).value_or(0);
    } else if (key == "value") {
      has_value = true;
      length += text_at(v, p, field_value_max, true, out).value_or(0);
    } else if (key == "inline") {
      bool_at(v, p, out);
    } else {
      storable_at(v, p, out);
    }
  });
  if (!has_name) out.add(child(path, "name"), "is required");
  if (!has_value) out.add(child(path, "value"), "is required");
  return length;
}

/// One embed; returns the length of the text that counts towards the 6000 total.
std::size_t embed_at(element e, const std::string& path, error_sink& out) {
  auto obj = object_at(e, path, out);
  if (!obj) return 0;
  std::size_t length = 0;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == "title") {
      length += text_at(v, p, title_max, false, out).value_or(0);
    } else if (key == "description") {
      length += text_at(v, p, description_max, false, out).value_or(0);
    } else if (key == "url") {
      url_at(v, p, out);
    } else if (key == "timestamp") {
      timestamp_at(v, p, out);
    } else if (key == "color") {
      integer_at(v, p, 0, color_max, out);
    } else if (key == "fields") {
      simdjson::dom::array fields;
      if (v.get_array().get(fields) != simdjson::SUCCESS) {
        out.add(p, "expected an array");
        return;
      }
      if (fields.size() > fields_max)
        out.add(p, std::to_string(fields.size()) + " fields; expected at most " +
                       std::to_string(fields_max));
      std::size_t i = 0;
      for (element f : fields) {
        if (out.full()) return;
        length += embed_field_at(f, child(p, i++), out);
      }
    } else if (key == "footer") {
      length += embed_part_at(v, p, "text", footer_text_max, out);
    } else if (key == "author") {
      length += embed_part_at(v, p, "name", author_name_max, out);
    } else if (key == "image" || key == "thumbnail") {
      embed_media_at(v, p, out);
    } else {
      storable_at(v, p, out);
    }
  });
  return length;
}

void payload_at(element e, error_sink& out) {
  const std::string path = "payload";
  auto obj = object_at(e, path, out);
  if (!obj) return;
  bool has_content = false, has_embed = false, wrong_type = false;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == "content") {
      text_at(v, p, content_max, false, out);
      std::string_view s;
      if (v.get_string().get(s) == simdjson::SUCCESS)
        has_content = !is_blank(s);
      else
        wrong_type = true;
    } else if (key == "embeds") {
      simdjson::dom::array embeds;
      if (v.get_array().get(embeds) != simdjson::SUCCESS) {
        wrong_type = true;
        out.add(p, "expected an array");
        return;
      }
      has_embed = embeds.size() > 0;
      if (embeds.size() > embeds_max)
        out.add(p, std::to_string(embeds.size()) + " embeds; expected at most " +
                       std::to_string(embeds_max));
      std::size_t total = 0, i = 0;
      for (element item : embeds) {
        if (out.full()) return;
        total += embed_at(item, child(p, i++), out);
      }
      if (total > embeds_text_max)
        out.add(p, "all embeds together have " + std::to_string(total) +
                       " characters; expected at most " + std::to_string(embeds_text_max));
    } else if (key == "username") {
      text_at(v, p, username_max, true, out);
    } else if (key == "avatar_url") {
      url_at(v, p, out);
    } else if (key == "tts") {
      bool_at(v, p, out);
    } else if (key == "allowed_mentions") {
      if (object_at(v, p, out)) storable_at(v, p, out);
    } else {
      storable_at(v, p, out);  // Discord may add fields; keep them as sent
    }
  });
  // A wrong-typed content or embeds already has its own error.
  if (!has_content && !has_embed && !wrong_type)
    out.add(path, "expected content or at least one embed");
}

// -- JSON structure --------------------------------------------------------------

std::string describe_parse_error(simdjson::error_code code, std::string_view text) {
  if (code == simdjson::EMPTY) return "the body is empty; expected a JSON object";
  if (code == simdjson::UTF8_ERROR) {
    if (auto at = first_invalid_utf8(text)) return "invalid UTF-8 at byte " + std::to_string(*at);
    return "invalid UTF-8";
  }
  return std::string("not valid JSON: ") + simdjson::error_message(code);
}

std::string_view kind_of(element e) {
  switch (e.type()) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
    default: return "a number";
  }
}

/// Walks the whole document for a key that appears twice in one object. `path`
/// is a scratch buffer holding where the walk is.
std::optional<std::string> find_duplicate_key(element e, std::string& path) {
  std::size_t mark = path.size();
  if (e.type() == element_type::ARRAY) {
    simdjson::dom::array items = e.get_array().value_unsafe();
    std::size_t i = 0;
    for (element item : items) {
      path += '[' + std::to_string(i++) + ']';
      if (auto dup = find_duplicate_key(item, path)) return dup;
      path.resize(mark);
    }
  } else if (e.type() == element_type::OBJECT) {
    simdjson::dom::object obj = e.get_object().value_unsafe();
    std::vector<std::string_view> keys;
    keys.reserve(obj.size());
    for (auto [key, value] : obj) keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    auto dup = std::adjacent_find(keys.begin(), keys.end());
    if (dup != keys.end())
      return "duplicate key " + quote_for_message(*dup) + (path.empty() ? "" : " in " + path);
    for (auto [key, value] : obj) {
      if (!path.empty()) path += '.';
      append_printable(path, key);
      if (auto found = find_duplicate_key(value, path)) return found;
      path.resize(mark);
    }
  }
  return std::nullopt;
}

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

}  // namespace

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string first_error_message(const std::vector<field_error>& errors) {
  if (errors.empty()) return {};
  return errors.front().field + ": " + errors.front().message;
}

std::vector<field_error> validate_payload(std::string_view payload_json) {
  simdjson::dom::parser parser;
  element root;
  if (auto code = parser.parse(payload_json.data(), payload_json.size()).get(root))
    return {{"payload", describe_parse_error(code, payload_json)}};
  std::string scratch;
  if (auto dup = find_duplicate_key(root, scratch)) return {{"payload", *dup}};
  error_sink out;
  payload_at(root, out);
  return out.take();
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
      payload_at(value, out);
      if (out.count() == before) payload_index = index;
    } else if (key == "maxRetry") {
      has_max_retry = true;
      if (auto v = integer_at(value, "maxRetry", 0, max_retry_max, out))
        in.max_retry = static_cast<int>(*v);
    } else if (key == "status") {
      has_status = true;
      status_at(value, in, out);
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
