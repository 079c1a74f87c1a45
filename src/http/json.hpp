#pragma once
/// Small pieces of JSON output shared by every handler.

#include <string>
#include <string_view>

namespace taskhook::http {

/// Appends `s` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view s);

/// `{"error": {"code": ..., "message": ...}}`, the body of every error response.
std::string error_body(std::string_view code, std::string_view message);

}  // namespace taskhook::http
