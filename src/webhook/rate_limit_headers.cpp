#include "webhook/rate_limit_headers.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace taskhook::webhook {
namespace {

using std::chrono::milliseconds;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

/// A whole-string number, or nothing: "2abc" is not 2.
template <class T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

/// Seconds as Discord writes them ("0.3", "2"), within sane bounds.
std::optional<double> parse_seconds(std::string_view s) {
  auto v = parse_number<double>(s);
  if (!v || !std::isfinite(*v) || *v < 0 || *v > 1e9) return std::nullopt;
  return v;
}

std::optional<int> two_digits(std::string_view s, std::size_t at, std::size_t n = 2) {
  auto part = s.substr(at, n);
  if (!std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return parse_number<int>(part);
}

/// IMF-fixdate, the one HTTP-date form senders must use: `Sun, 06 Nov 1994 08:49:37 GMT`.
std::optional<std::chrono::sys_seconds> parse_imf_fixdate(std::string_view v) {
  using namespace std::chrono;
  if (v.size() != 29 || v[3] != ',' || v[4] != ' ' || v[7] != ' ' || v[11] != ' ' || v[16] != ' ' ||
      v[19] != ':' || v[22] != ':' || v[25] != ' ' || v.substr(26) != "GMT")
    return std::nullopt;
  static constexpr std::array<std::string_view, 12> months{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto m = std::find(months.begin(), months.end(), v.substr(8, 3));
  auto d = two_digits(v, 5), y = two_digits(v, 12, 4);
  auto hh = two_digits(v, 17), mm = two_digits(v, 20), ss = two_digits(v, 23);
  if (m == months.end() || !d || !y || !hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 60)
    return std::nullopt;
  year_month_day ymd{year{*y}, month{static_cast<unsigned>(m - months.begin() + 1)},
                     day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd} + hours{*hh} + minutes{*mm} + seconds{*ss};
}

}  // namespace

std::optional<milliseconds> parse_retry_after(std::string_view value, instant now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (value.front() >= '0' && value.front() <= '9') {
    auto s = parse_seconds(value);
    if (!s) return std::nullopt;
    // Round up: waiting a fraction too long is harmless, too short earns another 429.
    return std::chrono::ceil<milliseconds>(std::chrono::duration<double>(*s));
  }
  auto at = parse_imf_fixdate(value);
  if (!at) return std::nullopt;
  return std::max(milliseconds{0}, std::chrono::duration_cast<milliseconds>(*at - now));
}

void parse_header_line(std::string_view line, instant now, rate_limit_headers& h) {
  if (line.starts_with("HTTP/")) {
    h = rate_limit_headers{};
    return;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return;
  auto name = trim(line.substr(0, colon));
  auto value = trim(line.substr(colon + 1));
  if (iequals(name, "retry-after")) {
    h.retry_after = parse_retry_after(value, now);
  } else if (iequals(name, "x-ratelimit-remaining")) {
    auto v = parse_number<int>(value);
    if (v && *v >= 0) h.remaining = v;
  } else if (iequals(name, "x-ratelimit-reset-after")) {
    // Nearest microsecond, not truncation: 0.3 is 0.29999… as a double.
    if (auto s = parse_seconds(value))
      h.reset_after =
          std::chrono::round<std::chrono::microseconds>(std::chrono::duration<double>(*s));
  } else if (iequals(name, "x-ratelimit-global")) {
    h.global = iequals(value, "true");
  } else if (iequals(name, "x-ratelimit-bucket")) {
    h.bucket = std::string(value.substr(0, 64));
  }
}

}  // namespace taskhook::webhook
