#include "core/webhook_url.hpp"

#include <array>

namespace taskhook {
namespace {

constexpr std::string_view expected_form =
    "expected https://discord.com/api/webhooks/{id}/{token}";

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 25) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool token_chars(std::string_view s) {
  if (s.empty() || s.size() > 200) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

expected<webhook_target> parse_webhook_url(std::string_view url) {
  // Scheme and host are case-insensitive (RFC 3986); the path is not.
  constexpr std::string_view scheme = "https://";
  if (ascii_lower(url.substr(0, scheme.size())) != scheme)
    return error{std::string(expected_form) + " (https only)"};
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return error{std::string(expected_form)};
  const std::string host = ascii_lower(rest.substr(0, slash));
  static constexpr std::array<std::string_view, 6> hosts{
      "discord.com",     "discordapp.com",     "ptb.discord.com",
      "ptb.discordapp.com", "canary.discord.com", "canary.discordapp.com"};
  bool known = false;
  for (auto h : hosts) known = known || host == h;
  if (!known)
    return error{std::string(expected_form) + " (host must be discord.com or discordapp.com)"};
  auto path = rest.substr(slash);
  if (path.find_first_of("?#") != std::string_view::npos)
    return error{std::string(expected_form) + " (no query or fragment)"};

  std::string_view p = path;
  if (!p.starts_with("/api/")) return error{std::string(expected_form)};
  p.remove_prefix(5);
  if (p.starts_with("v")) {  // optional API version: /api/v10/webhooks/...
    auto end = p.find('/');
    if (end == std::string_view::npos || !all_digits(p.substr(1, end - 1)))
      return error{std::string(expected_form)};
    p.remove_prefix(end + 1);
  }
  if (!p.starts_with("webhooks/")) return error{std::string(expected_form)};
  p.remove_prefix(9);
  auto mid = p.find('/');
  if (mid == std::string_view::npos) return error{std::string(expected_form) + " (missing token)"};
  auto id = p.substr(0, mid);
  auto token = p.substr(mid + 1);
  if (!all_digits(id)) return error{std::string(expected_form) + " (id must be numeric)"};
  if (!token_chars(token))
    return error{std::string(expected_form) + " (token must be letters, digits, - or _)"};
  return webhook_target{std::string(id), std::string(token), std::string(path)};
}

std::string delivery_url(std::string_view base, const webhook_target& t) {
  std::string out(base);
  out += t.path;
  out += "?wait=true";
  return out;
}

std::string mask_webhook_url(std::string_view url) {
  auto parsed = parse_webhook_url(url);
  if (parsed) {
    std::string out(url.substr(0, url.size() - parsed->token.size()));
    return out + "****";
  }
  auto last = url.rfind('/');
  if (last == std::string_view::npos) return "****";
  return std::string(url.substr(0, last + 1)) + "****";
}

}  // namespace taskhook
