#include "http/json.hpp"

namespace taskhook::http {

namespace {

/// Length of the well-formed UTF-8 sequence that starts `s` at `i` (2-4), or
/// 0 when it is not one (stray continuation byte, overlong form, surrogate,
/// beyond U+10FFFF, or cut short).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto c0 = b(0);
  std::size_t n = c0 >= 0xF0 ? 4 : c0 >= 0xE0 ? 3 : c0 >= 0xC2 ? 2 : 0;
  if (n == 0 || c0 > 0xF4 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(k) & 0xC0) != 0x80) return 0;
  if (c0 == 0xE0 && b(1) < 0xA0) return 0;  // overlong
  if (c0 == 0xED && b(1) > 0x9F) return 0;  // surrogate
  if (c0 == 0xF0 && b(1) < 0x90) return 0;  // overlong
  if (c0 == 0xF4 && b(1) > 0x8F) return 0;  // beyond U+10FFFF
  return n;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      // Text from outside (a query value, a path, a peer's answer) may be any
      // bytes; what we write stays valid UTF-8 and so valid JSON.
      if (std::size_t n = utf8_sequence(s, i)) {
        out.append(s.substr(i, n));
        i += n - 1;
      } else {
        out += "\\ufffd";
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 0xf]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

std::string error_body(std::string_view code, std::string_view message) {
  std::string out = R"({"error":{"code":)";
  append_json_string(out, code);
  out += R"(,"message":)";
  append_json_string(out, message);
  out += "}}";
  return out;
}

}  // namespace taskhook::http
