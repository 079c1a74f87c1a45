#pragma once
/// The conversions every statement shares: reading a text-format column (an
/// integer, or a time sent as epoch milliseconds) and writing a time parameter.

#include <optional>
#include <string>
#include <string_view>

#include "core/time_format.hpp"
#include "db/connection.hpp"

namespace taskhook::db {

/// The integer in a column's text; 0 when it is not one.
long long parse_int(std::string_view text);

/// A column of epoch milliseconds (`(extract(epoch FROM t) * 1000)::bigint`).
instant ms_col(const result& r, int row, int col);

/// The same, NULL as nullopt.
std::optional<instant> optional_ms_col(const result& r, int row, int col);

/// A time as an ISO-8601 parameter; nullopt is SQL NULL.
std::optional<std::string> iso_param(const std::optional<instant>& t);

}  // namespace taskhook::db
