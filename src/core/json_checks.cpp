#include "core/json_checks.hpp"

#include <algorithm>

#include "core/quote.hpp"
#include "core/time_format.hpp"
#include "core/utf8.hpp"

namespace taskhook::json_checks {
namespace {

// PostgreSQL refuses U+0000 in text and in jsonb, so it would fail only at the insert.
constexpr std::string_view nul_message =
    "contains a NUL character (\\u0000), which cannot be stored";

}  // namespace

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

std::string child(const std::string& path, std::string_view key) {
  std::string out = path;
  if (!out.empty()) out += '.';
  append_printable(out, key);
  return out;
}

std::string child(const std::string& path, std::size_t index) {
  return path + '[' + std::to_string(index) + ']';
}

// -- typed values ----------------------------------------------------------------

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

void url_at(element e, const std::string& path, error_sink& out) {
  auto s = string_at(e, path, out);
  if (s && !is_http_url(*s)) out.add(path, "expected an http or https URL");
}

void timestamp_at(element e, const std::string& path, error_sink& out) {
  auto s = string_at(e, path, out);
  if (s && !parse_iso8601(*s))
    out.add(path, "expected an ISO-8601 timestamp such as 2026-11-22T10:00:00.000Z");
}

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

std::optional<simdjson::dom::object> object_at(element e, const std::string& path,
                                               error_sink& out) {
  simdjson::dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) {
    out.add(path, "expected an object");
    return std::nullopt;
  }
  return obj;
}

// -- the document ----------------------------------------------------------------

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

}  // namespace taskhook::json_checks
