#pragma once
/// 128-bit ids as 16 bytes (a third of the canonical text form in memory).

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace taskhook {

struct uuid {
  std::array<std::uint8_t, 16> bytes{};

  /// Accepts the canonical 8-4-4-4-12 hex form, either case.
  static std::optional<uuid> parse(std::string_view text);
  /// Lower-case canonical form.
  std::string str() const;
  /// The same 36 characters into `out` (no allocation); returns the view of them.
  std::string_view write(std::array<char, 36>& out) const;
  bool is_nil() const;

  auto operator<=>(const uuid&) const = default;
};

/// A random version-4 uuid from `rng` (any callable returning 64 random bits).
template <class Rng>
uuid make_uuid_v4(Rng& rng) {
  uuid u;
  for (int half = 0; half < 2; ++half) {
    std::uint64_t r = rng();
    for (int i = 0; i < 8; ++i) u.bytes[half * 8 + i] = static_cast<std::uint8_t>(r >> (8 * i));
  }
  u.bytes[6] = static_cast<std::uint8_t>((u.bytes[6] & 0x0f) | 0x40);
  u.bytes[8] = static_cast<std::uint8_t>((u.bytes[8] & 0x3f) | 0x80);
  return u;
}

/// A version-7 uuid (RFC 9562): `unix_ms` in the first 48 bits, then `seq`
/// (12 bits, for order within one millisecond), then 62 random bits from
/// `rng`. Ids made later sort later, so a btree over them grows at its end
/// instead of splitting pages all over (task_logs primary key).
template <class Rng>
uuid make_uuid_v7(std::int64_t unix_ms, std::uint16_t seq, Rng& rng) {
  uuid u;
  const auto ms = static_cast<std::uint64_t>(unix_ms);
  for (int i = 0; i < 6; ++i) u.bytes[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  u.bytes[6] = static_cast<std::uint8_t>(0x70 | ((seq >> 8) & 0x0f));
  u.bytes[7] = static_cast<std::uint8_t>(seq & 0xff);
  std::uint64_t r = rng();
  for (int i = 8; i < 16; ++i) u.bytes[i] = static_cast<std::uint8_t>(r >> (8 * (i - 8)));
  u.bytes[8] = static_cast<std::uint8_t>((u.bytes[8] & 0x3f) | 0x80);
  return u;
}

}  // namespace taskhook

template <>
struct std::hash<taskhook::uuid> {
  std::size_t operator()(const taskhook::uuid& u) const noexcept {
    std::uint64_t a = 0, b = 0;
    for (int i = 0; i < 8; ++i) {
      a = (a << 8) | u.bytes[i];
      b = (b << 8) | u.bytes[8 + i];
    }
    return static_cast<std::size_t>(a ^ (b * 0x9e3779b97f4a7c15ULL));
  }
};
