#pragma once
/// PostgreSQL array literals in text format, for passing a whole batch as one
/// parameter to `unnest($1::uuid[], ...)`: one statement, one round trip.

#include <optional>
#include <string>
#include <string_view>

namespace taskhook::db {

/// Builds `{"a","b",NULL}` one element at a time.
class pg_array {
 public:
  pg_array() { text_.push_back('{'); }
  void add(std::string_view value);
  void add_null();
  void add_optional(const std::optional<std::string>& v) { v ? add(*v) : add_null(); }
  /// The finished literal.
  std::string str() const { return text_ + "}"; }

 private:
  void separate();
  std::string text_;
  bool first_ = true;
};

}  // namespace taskhook::db
