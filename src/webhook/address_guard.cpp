#include "webhook/address_guard.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>

namespace taskhook::webhook {
namespace {

struct v4_range {
  std::uint32_t base;
  int prefix;
};

// Everything a public webhook receiver can never legitimately be.
constexpr v4_range forbidden_v4[] = {
    {0x00000000, 8},   // 0.0.0.0/8 "this network"; 0.0.0.0 reaches the local host
    {0x0A000000, 8},   // 10/8 private
    {0x64400000, 10},  // 100.64/10 carrier-grade NAT
    {0x7F000000, 8},   // 127/8 loopback
    {0xA9FE0000, 16},  // 169.254/16 link-local, incl. 169.254.169.254 cloud metadata
    {0xAC100000, 12},  // 172.16/12 private
    {0xC0000000, 24},  // 192.0.0/24 IETF protocol assignments
    {0xC0A80000, 16},  // 192.168/16 private
    {0xC6120000, 15},  // 198.18/15 benchmarking, used inside some clouds
    {0xE0000000, 4},   // 224/4 multicast
    {0xF0000000, 4},   // 240/4 reserved, incl. 255.255.255.255 broadcast
};

bool is_forbidden_v4(std::uint32_t host_order) {
  for (const auto& r : forbidden_v4) {
    std::uint32_t mask = r.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - r.prefix);
    if ((host_order & mask) == r.base) return true;
  }
  return false;
}

std::uint32_t v4_at(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 |
         std::uint32_t{p[3]};
}

bool all_zero(const std::uint8_t* p, int n) {
  for (int i = 0; i < n; ++i)
    if (p[i] != 0) return false;
  return true;
}

bool is_forbidden_v6(const std::uint8_t* a) {
  if (all_zero(a, 16)) return true;                        // :: unspecified
  if (all_zero(a, 15) && a[15] == 1) return true;          // ::1 loopback
  if ((a[0] & 0xFE) == 0xFC) return true;                  // fc00::/7 unique local
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return true;  // fe80::/10 link-local
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0) return true;  // fec0::/10 old site-local
  if (a[0] == 0xFF) return true;                           // ff00::/8 multicast
  // Forms that carry an IPv4 address the kernel or a gateway will reach:
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (deprecated compatible), 64:ff9b::a.b.c.d
  // (NAT64) and 2002:aabb:ccdd:: (6to4).
  if (all_zero(a, 10) && a[10] == 0xFF && a[11] == 0xFF) return is_forbidden_v4(v4_at(a + 12));
  if (all_zero(a, 12)) return is_forbidden_v4(v4_at(a + 12));
  static constexpr std::uint8_t nat64[12] = {0x00, 0x64, 0xFF, 0x9B};
  if (std::memcmp(a, nat64, 12) == 0) return is_forbidden_v4(v4_at(a + 12));
  if (a[0] == 0x20 && a[1] == 0x02) return is_forbidden_v4(v4_at(a + 2));
  return false;
}

}  // namespace

bool is_forbidden_address(const sockaddr* addr) {
  if (addr == nullptr) return true;
  if (addr->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, addr, sizeof in);  // the caller's storage may not be aligned for sockaddr_in
    return is_forbidden_v4(ntohl(in.sin_addr.s_addr));
  }
  if (addr->sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, addr, sizeof in6);
    return is_forbidden_v6(in6.sin6_addr.s6_addr);
  }
  return true;
}

}  // namespace taskhook::webhook
