#include "core/payload_template.hpp"

#include <simdjson.h>

#include <array>
#include <cassert>
#include <charconv>
#include <limits>

#include "core/civil.hpp"
#include "core/quote.hpp"
#include "core/utf8.hpp"

namespace taskhook {
namespace {

namespace od = simdjson::ondemand;

constexpr std::array<placeholder, 6> all_placeholders = {
    placeholder::scheduled_for, placeholder::scheduled_for_unix, placeholder::task_name,
    placeholder::task_id,       placeholder::attempt,            placeholder::trigger,
};

std::optional<placeholder> placeholder_named(std::string_view name) {
  for (placeholder p : all_placeholders)
    if (placeholder_name(p) == name) return p;
  return std::nullopt;
}

/// `{{scheduledFor}}, …, {{attempt}} or {{trigger}}`, for error messages.
std::string known_placeholders() {
  std::string out;
  for (std::size_t i = 0; i < all_placeholders.size(); ++i) {
    if (i > 0) out += i + 1 == all_placeholders.size() ? " or " : ", ";
    out += "{{";
    out += placeholder_name(all_placeholders[i]);
    out += "}}";
  }
  return out;
}

std::string expected_text() {
  return "expected " + known_placeholders() + ", or {{{{ for a literal {{";
}

/// Splits one decoded string into literal runs and placeholders, calling
/// `literal(std::string_view)` and `slot(placeholder)` in order. Returns the
/// error message for the first `{{` that is neither `{{{{` nor a known placeholder.
template <class OnLiteral, class OnSlot>
std::optional<std::string> split_template_text(std::string_view text, OnLiteral&& literal,
                                               OnSlot&& slot) {
  std::size_t run = 0;  // start of the literal text not yet reported
  std::size_t at = 0;
  while ((at = text.find("{{", at)) != std::string_view::npos) {
    if (text.substr(at + 2, 2) == "{{") {  // `{{{{`: a literal `{{`
      literal(text.substr(run, at + 2 - run));
      run = at = at + 4;
      continue;
    }
    const std::size_t close = text.find("}}", at + 2);
    if (close == std::string_view::npos)
      return "\"{{\" at character " + std::to_string(utf8_length(text.substr(0, at)) + 1) +
             " is never closed by \"}}\"; " + expected_text();
    const std::string_view name = text.substr(at + 2, close - at - 2);
    const std::optional<placeholder> p = placeholder_named(name);
    if (!p)
      return "unknown placeholder " + quote_for_message(text.substr(at, close + 2 - at)) + "; " +
             expected_text();
    if (at > run) literal(text.substr(run, at - run));
    slot(*p);
    run = at = close + 2;
  }
  if (run < text.size()) literal(text.substr(run));
  return std::nullopt;
}

/// Appends `s` as the content of a JSON string (no quotes around it).
void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
        out.append(esc, sizeof esc);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
}

template <class Int>
void append_integer(std::string& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

void append_value(std::string& out, placeholder p, const template_values& v) {
  switch (p) {
    case placeholder::scheduled_for: {
      iso_ms_buffer buf;
      append_json_escaped(out, format_iso_ms(v.scheduled_for, buf));
      break;
    }
    case placeholder::scheduled_for_unix:
      append_integer(out, civil::floor_div(v.scheduled_for.time_since_epoch().count(), 1000));
      break;
    case placeholder::task_name:
      append_json_escaped(out, v.task_name);
      break;
    case placeholder::task_id: {
      std::array<char, 36> buf;
      append_json_escaped(out, v.task_id.write(buf));
      break;
    }
    case placeholder::attempt:
      append_integer(out, v.attempt);
      break;
    case placeholder::trigger:
      append_json_escaped(out, to_string(v.trigger));
      break;
  }
}

}  // namespace

// -- compiling -------------------------------------------------------------------

/// Walks the document in order, copying raw text between the strings that hold
/// placeholders and splitting those strings into literals and slots.
struct template_compiler {
  template_compiler(std::string_view source_text, const char* padded_copy)
      : source(source_text), base(padded_copy) {}

  std::string_view source;  ///< the caller's text; offsets below index it
  const char* base;         ///< start of the padded copy simdjson reads
  std::size_t copied_until = 0;
  compiled_template out;
  std::vector<field_error> errors;
  std::string path = "payload";

  simdjson::error_code walk(od::value v) {
    od::json_type type;
    if (auto e = v.type().get(type)) return e;
    switch (type) {
      case od::json_type::object: {
        od::object obj;
        if (auto e = v.get_object().get(obj)) return e;
        for (auto member : obj) {
          od::field field;
          if (auto e = std::move(member).get(field)) return e;
          std::string_view key;
          if (auto e = field.unescaped_key().get(key)) return e;
          const std::size_t mark = path.size();
          path += '.';
          append_printable(path, key);
          if (auto e = walk(field.value())) return e;
          path.resize(mark);
        }
        return simdjson::SUCCESS;
      }
      case od::json_type::array: {
        od::array items;
        if (auto e = v.get_array().get(items)) return e;
        std::size_t index = 0;
        for (auto item : items) {
          od::value element;
          if (auto e = std::move(item).get(element)) return e;
          const std::size_t mark = path.size();
          path += '[';
          path += std::to_string(index++);
          path += ']';
          if (auto e = walk(element)) return e;
          path.resize(mark);
        }
        return simdjson::SUCCESS;
      }
      case od::json_type::string: {
        // The raw token runs from the opening quote to the closing one, plus any
        // whitespace before the next token.
        const std::string_view raw = v.raw_json_token();
        std::string_view text;
        if (auto e = v.get_string().get(text)) return e;
        const std::size_t open = static_cast<std::size_t>(raw.data() - base);
        const std::size_t close = open + raw.rfind('"');
        string_value(text, open, close);
        return simdjson::SUCCESS;
      }
      default:
        return simdjson::SUCCESS;  // numbers, booleans, null: copied as they are
    }
  }

  /// One string value, whose quotes are at source[open] and source[close].
  void string_value(std::string_view text, std::size_t open, std::size_t close) {
    if (text.find("{{") == std::string_view::npos) return;  // the common case
    std::size_t longest = 0;
    const std::size_t literal_mark = out.literals_.size();
    const std::size_t parts_mark = out.parts_.size();
    out.literals_.append(source.substr(copied_until, open + 1 - copied_until));
    const std::optional<std::string> error = split_template_text(
        text,
        [&](std::string_view literal) {
          longest += utf8_length(literal);
          append_json_escaped(out.literals_, literal);
        },
        [&](placeholder p) {
          longest += placeholder_longest(p);
          out.parts_.push_back({static_cast<std::uint32_t>(out.literals_.size()), true, p});
        });
    if (error) {
      errors.push_back({path, *error});
      out.literals_.resize(literal_mark);
      out.parts_.resize(parts_mark);
      return;
    }
    copied_until = close;  // the closing quote goes with the text that follows
    out.bounds_.push_back({path, longest});
  }

  void finish() {
    if (out.bounds_.empty()) return;  // nothing to fill in: keep no copy
    out.literals_.append(source.substr(copied_until));
    out.parts_.push_back({static_cast<std::uint32_t>(out.literals_.size()), false, {}});
    out.literals_.shrink_to_fit();
    out.parts_.shrink_to_fit();
  }
};

template_compile_result compile_payload_template(std::string_view payload_json) {
  template_compile_result result;
  auto fail = [&](std::string message) {
    result.errors = {{"payload", std::move(message)}};
    return std::move(result);
  };
  if (payload_json.size() >= std::numeric_limits<std::uint32_t>::max())
    return fail("is too large for a template");
  const simdjson::padded_string copy(payload_json);
  od::parser parser;
  od::document doc;
  if (auto e = parser.iterate(copy).get(doc))
    return fail(std::string("not valid JSON: ") + simdjson::error_message(e));

  template_compiler compiler{payload_json, copy.data()};
  od::value root;
  od::json_type type;
  if (auto e = doc.get_value().get(root))
    return fail(std::string("not valid JSON: ") + simdjson::error_message(e));
  if (auto e = root.type().get(type))
    return fail(std::string("not valid JSON: ") + simdjson::error_message(e));
  if (type != od::json_type::object) return fail("expected an object");
  if (auto e = compiler.walk(root))
    return fail(std::string("not valid JSON: ") + simdjson::error_message(e));
  // In bounds after the whole object means something follows it.
  if (doc.current_location().error() == simdjson::SUCCESS)
    return fail("not valid JSON: text after the object");

  if (!compiler.errors.empty()) {
    result.errors = std::move(compiler.errors);
    return result;
  }
  compiler.finish();
  result.compiled = std::move(compiler.out);
  return result;
}

// -- rendering -------------------------------------------------------------------

void render(const compiled_template& t, const template_values& values, std::string& out) {
  assert(t.has_placeholders());
  out.reserve(out.size() + t.literals_.size() + 64 * t.parts_.size());
  std::size_t begin = 0;
  for (const compiled_template::part& p : t.parts_) {
    out.append(t.literals_.data() + begin, p.literal_end - begin);
    begin = p.literal_end;
    if (p.has_slot) append_value(out, p.slot, values);
  }
}

// -- names, bounds, single strings ---------------------------------------------

std::string_view placeholder_name(placeholder p) {
  switch (p) {
    case placeholder::scheduled_for: return "scheduledFor";
    case placeholder::scheduled_for_unix: return "scheduledFor.unix";
    case placeholder::task_name: return "task.name";
    case placeholder::task_id: return "task.id";
    case placeholder::attempt: return "attempt";
    case placeholder::trigger: return "trigger";
  }
  return {};
}

std::size_t placeholder_longest(placeholder p) {
  switch (p) {
    case placeholder::scheduled_for: return 24;        // 2026-11-23T10:00:00.000Z
    case placeholder::scheduled_for_unix: return 12;   // -62135596800, 253402300799
    case placeholder::task_name: return 200;           // API.md: name 1-200 chars
    case placeholder::task_id: return 36;              // canonical uuid
    case placeholder::attempt: return 2;               // retryCount <= maxRetry <= 10
    case placeholder::trigger: return 8;               // schedule, manual, misfire
  }
  return 0;
}

std::optional<std::size_t> compiled_template::longest_length_at(std::string_view path) const {
  for (const template_string_bound& b : bounds_)
    if (b.path == path) return b.longest_chars;
  return std::nullopt;
}

bool placeholder_url_safe(placeholder p) { return p != placeholder::task_name; }

bool compiled_template::uses(placeholder p) const {
  for (const part& each : parts_)
    if (each.has_slot && each.slot == p) return true;
  return false;
}

expected<template_text_facts> inspect_template_text(std::string_view text) {
  template_text_facts facts;
  if (text.find("{{") == std::string_view::npos) {  // the common case: plain text
    facts.longest_chars = utf8_length(text);
    return facts;
  }
  facts.templated = true;
  const std::optional<std::string> problem = split_template_text(
      text, [&](std::string_view literal) { facts.longest_chars += utf8_length(literal); },
      [&](placeholder p) {
        facts.longest_chars += placeholder_longest(p);
        facts.used |= static_cast<std::uint8_t>(1U << static_cast<unsigned>(p));
      });
  if (problem) return error{*problem};
  return facts;
}

expected<std::size_t> longest_expansion(std::string_view text) {
  auto facts = inspect_template_text(text);
  if (!facts) return facts.get_error();
  return facts->longest_chars;
}

std::optional<placeholder> sole_placeholder(std::string_view text) {
  if (text.size() < 4 || text.substr(0, 2) != "{{" || text.substr(text.size() - 2) != "}}")
    return std::nullopt;
  return placeholder_named(text.substr(2, text.size() - 4));
}

}  // namespace taskhook
