// The SSRF guard's address test: every internal range refused, in IPv4, IPv6
// and the IPv6 forms that carry an IPv4 address; public addresses allowed.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <catch2/catch.hpp>
#include <string>

#include "webhook/address_guard.hpp"

using taskhook::webhook::is_forbidden_address;

namespace {

bool forbidden(const std::string& text) {
  sockaddr_storage storage{};
  if (text.find(':') == std::string::npos) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    REQUIRE(inet_pton(AF_INET, text.c_str(), &in->sin_addr) == 1);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    REQUIRE(inet_pton(AF_INET6, text.c_str(), &in6->sin6_addr) == 1);
  }
  return is_forbidden_address(reinterpret_cast<const sockaddr*>(&storage));
}

}  // namespace

TEST_CASE("IPv4 internal ranges are refused", "[ssrf]") {
  for (const char* a :
       {"127.0.0.1",       "127.255.255.254", "10.0.0.1",        "10.255.255.255",  "172.16.0.1",
        "172.31.255.255",  "192.168.0.1",     "192.168.255.255", "169.254.169.254", "169.254.0.1",
        "0.0.0.0",         "0.1.2.3",         "100.64.0.1",      "100.127.255.255", "224.0.0.1",
        "239.255.255.250", "255.255.255.255", "240.0.0.1",       "192.0.0.170",     "198.18.0.1",
        "198.19.255.255"}) {
    INFO(a);
    CHECK(forbidden(a));
  }
}

TEST_CASE("IPv4 public addresses, including range neighbours, are allowed", "[ssrf]") {
  for (const char* a :
       {"162.159.135.232", "8.8.8.8", "1.1.1.1", "11.0.0.1", "9.255.255.255", "172.15.255.255",
        "172.32.0.1", "192.167.255.255", "192.169.0.1", "169.253.255.255", "169.255.0.1",
        "100.63.255.255", "100.128.0.1", "126.255.255.255", "128.0.0.1", "223.255.255.255",
        "198.17.255.255", "198.20.0.1", "192.0.1.1"}) {
    INFO(a);
    CHECK_FALSE(forbidden(a));
  }
}

TEST_CASE("IPv6 internal ranges are refused", "[ssrf]") {
  for (const char* a : {"::", "::1", "fc00::1", "fd12:3456:789a::1", "fe80::1", "febf::1",
                        "fec0::1", "ff02::1", "ff05::1:3"}) {
    INFO(a);
    CHECK(forbidden(a));
  }
}

TEST_CASE("IPv6 public addresses are allowed", "[ssrf]") {
  for (const char* a : {"2606:4700::6810:85e5", "2001:4860:4860::8888", "2a00:1450:4001::1",
                        "fbff::1", "fe00::1"}) {
    INFO(a);
    CHECK_FALSE(forbidden(a));
  }
}

TEST_CASE("IPv6 forms carrying a forbidden IPv4 address are refused", "[ssrf]") {
  for (const char* a :
       {"::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "::ffff:192.168.1.1",
        "::ffff:0.0.0.0", "::ffff:100.64.0.1", "::127.0.0.1", "::169.254.169.254",
        "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2002:a9fe:a9fe::1"}) {
    INFO(a);
    CHECK(forbidden(a));
  }
}

TEST_CASE("IPv6 forms carrying a public IPv4 address are allowed", "[ssrf]") {
  for (const char* a :
       {"::ffff:162.159.135.232", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"}) {
    INFO(a);
    CHECK_FALSE(forbidden(a));
  }
}

TEST_CASE("other address families and null are refused", "[ssrf]") {
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  CHECK(is_forbidden_address(reinterpret_cast<const sockaddr*>(&un)));
  CHECK(is_forbidden_address(nullptr));
}
