#pragma once
/// Discord's rate-limit headers as the webhook pool reads them: what one
/// response says about its bucket (remaining, reset, Retry-After, global).
/// Pure; time is passed in, so tests drive it exactly.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/time_format.hpp"

namespace taskhook::webhook {

/// What one response said about its rate-limit bucket.
struct rate_limit_headers {
  std::optional<int> remaining;                          ///< X-RateLimit-Remaining
  std::optional<std::chrono::microseconds> reset_after;  ///< X-RateLimit-Reset-After
  std::optional<std::chrono::milliseconds> retry_after;  ///< Retry-After
  bool global = false;                                   ///< X-RateLimit-Global: true
  std::string bucket;                                    ///< X-RateLimit-Bucket (diagnostics)
};

/// Retry-After: delay-seconds (fractions tolerated) or an IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), relative to `now`; a date in the past is 0.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, instant now);

/// Feeds one raw header line (as libcurl's header callback delivers it, CRLF
/// included) into `h`. A status line starts a new response (after a 1xx or a
/// proxy's answer), so it clears what came before.
void parse_header_line(std::string_view line, instant now, rate_limit_headers& h);

}  // namespace taskhook::webhook
