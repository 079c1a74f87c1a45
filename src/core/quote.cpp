#include "core/quote.hpp"

#include <cstddef>

namespace taskhook {
namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

void append_escape(std::string& out, unsigned char c) {
  static constexpr char hex[] = "0123456789abcdef";
  out += "\\x";
  out += hex[c >> 4];
  out += hex[c & 0xf];
}

}  // namespace

std::string quote_for_message(std::string_view text) {
  constexpr std::size_t shown_chars = 64;
  std::string out = "\"";
  std::size_t i = 0;
  for (std::size_t chars = 0; i < text.size() && chars < shown_chars; ++chars) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_control(c)) {
      append_escape(out, c);
      ++i;
      continue;
    }
    // The whole character: its lead byte and any continuation bytes.
    std::size_t end = i + 1;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    out.append(text.substr(i, end - i));
    i = end;
  }
  out += i < text.size() ? "…\"" : "\"";
  return out;
}

void append_printable(std::string& out, std::string_view text) {
  std::size_t run = 0;  // start of the bytes not yet appended
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!is_control(c)) continue;
    out.append(text.substr(run, i - run));
    append_escape(out, c);
    run = i + 1;
  }
  out.append(text.substr(run));
}

}  // namespace taskhook
