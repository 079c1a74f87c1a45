#pragma once
/// Placeholders in a Discord payload (API.md, Task, Templates): the payload text
/// split once into literal bytes and slots, then filled in at each send without
/// searching the text again.
///
/// Where placeholders count: inside JSON string *values*, found in the decoded
/// value (so `\u007b\u007b` is a `{{` like any other). Object keys are sent as
/// written: Discord's keys are fixed names, and a key that changed per send could
/// collide with another.
///
/// Syntax: `{{name}}`, exact and case-sensitive, with the names of `placeholder`;
/// `{{{{` writes a literal `{{`. Any other `{{` (an unknown name, or one never
/// closed by `}}`) is an error. A `}}` on its own is literal text.
///
/// Lengths are counted as src/core/task_input.cpp counts Discord's limits: in
/// Unicode code points of the decoded string (utf8_length), not bytes and not
/// UTF-16 units. `{{{{` counts as the two characters it writes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "core/task.hpp"
#include "core/task_input.hpp"
#include "core/time_format.hpp"
#include "core/uuid.hpp"

namespace taskhook {

/// What a placeholder stands for.
enum class placeholder : std::uint8_t {
  scheduled_for,       ///< `{{scheduledFor}}`: the fire instant, `2026-11-23T10:00:00.000Z`
  scheduled_for_unix,  ///< `{{scheduledFor.unix}}`: its whole seconds, for Discord's `<t:…:F>`
  task_name,           ///< `{{task.name}}`
  task_id,             ///< `{{task.id}}`: the lower-case canonical uuid
  attempt,             ///< `{{attempt}}`: the attempt's retryCount, 0 for the first
  trigger,             ///< `{{trigger}}`: `schedule`, `manual` or `misfire`
};

/// The name written between the braces: `scheduledFor`, `task.name`, …
std::string_view placeholder_name(placeholder p);

/// The most code points a placeholder can write: scheduledFor 24, scheduledFor.unix
/// 12 (years 0001-9999 reach -62135596800 and 253402300799), task.name 200 (the
/// name limit), task.id 36, attempt 2 (maxRetry is at most 10), trigger 8.
std::size_t placeholder_longest(placeholder p);

/// True when the placeholder's text never needs escaping in a URL (digits,
/// letters, `-`, `:`, `.`): every one but `{{task.name}}`, which may hold
/// spaces and any other character. URL fields take only these.
bool placeholder_url_safe(placeholder p);

/// What one send fills in. Plain values, formatted by render, so that the ISO
/// text and the unix seconds always come from the same instant.
struct template_values {
  instant scheduled_for{};
  std::string_view task_name;  ///< valid UTF-8 (the API checked it); JSON-escaped when written
  uuid task_id;
  int attempt = 0;
  run_trigger trigger = run_trigger::schedule;
};

/// One string of the payload that holds placeholders or `{{{{`, and the longest
/// text it can become.
struct template_string_bound {
  std::string path;             ///< `payload.embeds[0].fields[3].value`
  std::size_t longest_chars;    ///< code points after the longest expansion

  bool operator==(const template_string_bound&) const = default;
};

/// A payload split into literal bytes and placeholder slots. Cheap to render,
/// immutable once compiled; share it between sends.
class compiled_template {
 public:
  /// False when no string holds a placeholder or `{{{{`: then the stored text is
  /// what is sent, byte for byte, and this object holds no copy of it (render
  /// must not be called; send the stored text instead).
  bool has_placeholders() const { return !parts_.empty(); }

  /// Every string that holds placeholders or `{{{{`, in document order. Strings
  /// not listed are sent as stored, so their own length is their longest.
  const std::vector<template_string_bound>& bounds() const { return bounds_; }

  /// The longest length of the string at `path` (a path as in bounds()), or
  /// nullopt when that string holds no placeholder (its own length applies).
  std::optional<std::size_t> longest_length_at(std::string_view path) const;

  /// Bytes of literal text kept (the payload minus its placeholders, re-escaped).
  std::size_t literal_bytes() const { return literals_.size(); }

  /// Frees bounds(), which only a validator reads: a sender keeps just what it
  /// renders from, not a path string per templated string of each task.
  void drop_bounds() {
    bounds_.clear();
    bounds_.shrink_to_fit();
  }

  /// True when some slot writes `p` (a sender keeps the task name only when
  /// `{{task.name}}` is used).
  bool uses(placeholder p) const;

 private:
  friend struct template_compiler;
  friend void render(const compiled_template&, const template_values&, std::string&);

  /// literals_[previous end, literal_end), then the slot's value if it has one.
  struct part {
    std::uint32_t literal_end = 0;
    bool has_slot = false;
    placeholder slot = placeholder::scheduled_for;
  };
  std::string literals_;
  std::vector<part> parts_;
  std::vector<template_string_bound> bounds_;
};

/// What compile_payload_template found.
struct template_compile_result {
  compiled_template compiled;
  /// Empty = usable. Otherwise one error per string that is not a valid template
  /// (document order), with its path: `unknown placeholder "{{taskName}}";
  /// expected …`, or the JSON's own fault at `payload`.
  std::vector<field_error> errors;
};

/// Splits a payload (a JSON object's text, as stored) into literals and slots.
/// Everything outside the strings that hold placeholders is kept byte for byte;
/// those strings are written back with JSON's minimal escapes. Expects a text
/// validate_payload accepted: the structure is checked again, scalars are not.
template_compile_result compile_payload_template(std::string_view payload_json);

/// Appends the payload with `values` filled in to `out`. Every value is written
/// as JSON string content: `"` and `\` escaped, control characters as `\n`,
/// `\t`, `\r`, `\b`, `\f` or `\u00XX`, other bytes (UTF-8) as they are.
/// Requires t.has_placeholders().
void render(const compiled_template& t, const template_values& values, std::string& out);

/// The longest length, in code points, of one decoded string once its
/// placeholders are filled in, or why it is not a valid template (message only;
/// the caller knows the path). For a validator walking the payload itself.
expected<std::size_t> longest_expansion(std::string_view text);

/// What one decoded string is as a template, for a validator walking the
/// payload itself.
struct template_text_facts {
  std::size_t longest_chars = 0;  ///< code points after the longest expansion
  /// Bit `1 << placeholder` for each placeholder the string holds.
  std::uint8_t used = 0;
  /// A placeholder or `{{{{`: the string is not sent as written.
  bool templated = false;

  bool uses(placeholder p) const { return (used >> static_cast<unsigned>(p)) & 1U; }
};

/// The facts of one decoded string, or why it is not a valid template (message
/// only; the caller knows the path).
expected<template_text_facts> inspect_template_text(std::string_view text);

/// The placeholder when `text` is exactly one placeholder and nothing else (an
/// embed `timestamp` may be exactly `{{scheduledFor}}`).
std::optional<placeholder> sole_placeholder(std::string_view text);

}  // namespace taskhook
