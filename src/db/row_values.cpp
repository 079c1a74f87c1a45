#include "db/row_values.hpp"

#include <charconv>
#include <chrono>

namespace taskhook::db {

long long parse_int(std::string_view text) {
  long long out = 0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

instant ms_col(const result& r, int row, int col) {
  return instant(std::chrono::milliseconds(parse_int(r.get(row, col))));
}

std::optional<instant> optional_ms_col(const result& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return ms_col(r, row, col);
}

std::optional<std::string> iso_param(const std::optional<instant>& t) {
  if (!t) return std::nullopt;
  return format_iso_ms(*t);
}

}  // namespace taskhook::db
