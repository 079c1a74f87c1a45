#pragma once
/// Pages of a list: where one starts, and the total behind it, counted only
/// when the page itself cannot tell it.

#include <cstdint>

#include "core/expected.hpp"

namespace taskhook::db {

inline std::int64_t offset_of(int page, int limit) {
  return static_cast<std::int64_t>(page - 1) * limit;
}

/// The total behind a page: a short page tells it without counting; only a
/// full page (or one past the end) needs the count, which on a big tenant is
/// the expensive part (docs/QUERIES.md).
template <class Count>
expected<std::int64_t> page_total(int rows, int page, int limit, Count count) {
  if (rows > 0 && rows < limit) return offset_of(page, limit) + rows;
  if (rows == 0 && page == 1) return std::int64_t{0};
  return count();
}

}  // namespace taskhook::db
