#pragma once
/// Checks on untrusted JSON values that report what is wrong as field errors:
/// the shared vocabulary of the task body and the Discord payload rules. Internal
/// to src/core (it brings in simdjson): only their .cpp files include it.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/task_input.hpp"

namespace taskhook::json_checks {

using simdjson::dom::element;
using simdjson::dom::element_type;

/// Collects errors in the order found; keeps the first 50 but counts them all.
class error_sink {
 public:
  static constexpr std::size_t max_errors = 50;

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

// -- paths ---------------------------------------------------------------------

/// `path.key`, with the key's control characters escaped.
std::string child(const std::string& path, std::string_view key);
/// `path[index]`.
std::string child(const std::string& path, std::size_t index);

// -- typed values ----------------------------------------------------------------

/// The string at `path`, or nullopt after reporting why it is not a usable one.
std::optional<std::string_view> string_at(element e, const std::string& path, error_sink& out);

/// Checks a text of at most `max` code points (and not empty when `required_chars`).
/// Returns its length whenever it is a string, so totals can count it.
std::optional<std::size_t> text_at(element e, const std::string& path, std::size_t max,
                                   bool required_chars, error_sink& out);

std::optional<std::int64_t> integer_at(element e, const std::string& path, std::int64_t lo,
                                       std::int64_t hi, error_sink& out);

void bool_at(element e, const std::string& path, error_sink& out);

/// An http or https URL with a host.
void url_at(element e, const std::string& path, error_sink& out);

/// The test url_at applies: `http://` or `https://` (any case), a host, no
/// spaces or control characters.
bool is_http_url(std::string_view s);

/// An ISO-8601 timestamp.
void timestamp_at(element e, const std::string& path, error_sink& out);

/// Calls `fn(key, value, path_of_value)` for each member in document order.
void for_each_member(simdjson::dom::object obj, const std::string& path, error_sink& out,
                     const std::function<void(std::string_view, element, const std::string&)>& fn);

/// Values we pass through to Discord unread must still be storable.
void storable_at(element e, const std::string& path, error_sink& out);

/// An object at `path`, or nullopt after reporting that it is not one.
std::optional<simdjson::dom::object> object_at(element e, const std::string& path,
                                               error_sink& out);

// -- the document ----------------------------------------------------------------

/// Why simdjson refused `text`, for the client.
std::string describe_parse_error(simdjson::error_code code, std::string_view text);

/// "an array", "an object", ...: what a value is, for an error message.
std::string_view kind_of(element e);

/// Walks the whole document for a key that appears twice in one object. `path`
/// is a scratch buffer holding where the walk is.
std::optional<std::string> find_duplicate_key(element e, std::string& path);

}  // namespace taskhook::json_checks
