#include "core/uuid.hpp"

namespace taskhook {
namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<uuid> uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  uuid u;
  std::size_t byte = 0;
  for (std::size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = hex_value(text[i]);
    int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    u.bytes[byte++] = static_cast<std::uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return u;
}

std::string uuid::str() const {
  std::array<char, 36> buf;
  return std::string(write(buf));
}

std::string_view uuid::write(std::array<char, 36>& out) const {
  static constexpr char hex[] = "0123456789abcdef";
  std::size_t n = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[n++] = '-';
    out[n++] = hex[bytes[i] >> 4];
    out[n++] = hex[bytes[i] & 0xf];
  }
  return std::string_view(out.data(), out.size());
}

bool uuid::is_nil() const {
  for (auto b : bytes)
    if (b != 0) return false;
  return true;
}

}  // namespace taskhook
