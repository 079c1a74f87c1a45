#pragma once
/// Instants as the API and CLI show them: UTC ISO-8601 with milliseconds and a Z.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace taskhook {

/// A point in time with millisecond resolution, as stored and shown everywhere.
using instant = std::chrono::sys_time<std::chrono::milliseconds>;

/// `2026-11-22T10:00:00.000Z`.
std::string format_iso_ms(instant t);

/// The same text into a caller's buffer (no allocation, for hot paths such
/// as a batch of rows); returns the view of it.
struct iso_ms_buffer {
  char text[40];
};
std::string_view format_iso_ms(instant t, iso_ms_buffer& out);

/// The first and last instants whose UTC year has four digits (0001-9999): the
/// range every time the API takes and gives lies in.
instant earliest_time();
instant latest_time();

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`; the zone part is required.
/// Fractions beyond milliseconds are truncated. Returns nullopt on anything else,
/// and on a time outside [earliest_time(), latest_time()] once in UTC.
std::optional<instant> parse_iso8601(std::string_view text);

}  // namespace taskhook
