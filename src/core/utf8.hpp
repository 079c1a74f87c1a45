#pragma once
/// UTF-8 as the task rules count and check it: code points (what the Discord
/// limits count), the first invalid byte (for an error message) and blank text.

#include <cstddef>
#include <optional>
#include <string_view>

namespace taskhook {

/// Unicode code points in UTF-8 text (what the Discord limits count). The text
/// must already be valid UTF-8 (the JSON parser checks that).
std::size_t utf8_length(std::string_view s);

/// Byte offset of the first invalid UTF-8 sequence, for the error message.
std::optional<std::size_t> first_invalid_utf8(std::string_view s);

/// True when valid UTF-8 `s` holds only whitespace as Discord trims it before
/// deciding a text is empty (or nothing at all).
bool is_blank(std::string_view s);

}  // namespace taskhook
