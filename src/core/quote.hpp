#pragma once
/// Client text quoted back in an error message, kept to one printable line.

#include <string>
#include <string_view>

namespace taskhook {

/// `text` in double quotes for an error message: at most 64 characters of it
/// (then "…"), and control characters (U+0000-U+001F, U+007F) as `\xNN`, so the
/// message stays one printable line whatever the client sent. `text` must be
/// valid UTF-8; other characters are kept as they are.
std::string quote_for_message(std::string_view text);

/// Appends `text` with its control characters as `\xNN`, neither quoted nor cut:
/// for the client's keys that a field path (`payload.embeds[0].x`) is made of.
void append_printable(std::string& out, std::string_view text);

}  // namespace taskhook
