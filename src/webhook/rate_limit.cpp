#include "webhook/rate_limit.hpp"

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

// -- rate_pacer ---------------------------------------------------------------

rate_pacer::rate_pacer(milliseconds max_hold, std::shared_ptr<global_limit> global)
    : max_hold_(max_hold),
      global_(global ? std::move(global) : std::make_shared<global_limit>()) {}

void rate_pacer::admit(delivery_request req, clock::time_point now) {
  // No bucket known for this webhook (the common case): nothing limits it, and
  // a bucket made here would be dropped again at once (evict_if_idle).
  if (now >= global_->until() && buckets_.find(req.rate_key) == buckets_.end()) {
    released_.push_back({std::move(req), milliseconds{0}, false});
    return;
  }
  auto it = buckets_.try_emplace(req.rate_key).first;
  it->second.waiting.push_back({std::move(req), now});
  ++held_;
  drain(it->first, it->second, now);
  evict_if_idle(it, now);
}

void rate_pacer::drain(const std::string& key, bucket& b, clock::time_point now) {
  while (!b.waiting.empty()) {
    if (b.probe_in_flight) return;  // its answer drains the rest
    if (const auto global_until = global_->until(); now < global_until) {
      arm(key, b, global_until);
      return;
    }
    bool probe = false;
    if (b.remaining == 0) {
      if (now < b.reset_at) {
        arm(key, b, b.reset_at);
        return;
      }
      // A fresh window after an exhausted one: learn its size before sending a backlog.
      probe = true;
      b.remaining = -1;
      b.probe_in_flight = true;
    } else if (b.remaining > 0) {
      // Count sends locally: answers arrive later than the next requests.
      if (now < b.reset_at)
        --b.remaining;
      else
        b.remaining = -1;
    }
    auto& front = b.waiting.front();
    released_.push_back(
        {std::move(front.req), std::chrono::duration_cast<milliseconds>(now - front.since), probe});
    b.waiting.pop_front();
    --held_;
  }
}

void rate_pacer::arm(const std::string& key, bucket& b, clock::time_point when) {
  if (b.armed_for == when) return;
  b.armed_for = when;
  timers_.push({when, key});
}

void rate_pacer::evict_if_idle(bucket_map::iterator it, clock::time_point now) {
  const bucket& b = it->second;
  // A bucket only matters while it limits something; forgetting idle ones keeps
  // the map at the size of the hot set, not of every webhook ever seen.
  if (b.waiting.empty() && !b.probe_in_flight && (b.remaining < 0 || now >= b.reset_at))
    buckets_.erase(it);
}

void rate_pacer::record_response(const std::string& rate_key, const rate_limit_headers& h,
                                 int http_status, bool probe, clock::time_point now) {
  auto it = buckets_.find(rate_key);
  bool informative = (h.remaining && h.reset_after) || http_status == 429;
  if (it == buckets_.end()) {
    if (!informative) return;
    it = buckets_.try_emplace(rate_key).first;
  }
  bucket& b = it->second;
  if (probe) b.probe_in_flight = false;
  const auto latest = now + max_hold_;

  // Remaining without a reset time cannot be used: a 0 would hold forever.
  if (h.remaining && h.reset_after) {
    // Answers to concurrent requests arrive out of order; within one window the
    // smaller count (ours already counts sends still in flight) is the true one.
    bool same_window = b.remaining >= 0 && now < b.reset_at;
    int remaining = *h.remaining;
    if (same_window) remaining = std::min(remaining, b.remaining);
    auto reset_at = now + std::chrono::ceil<milliseconds>(*h.reset_after);
    b.remaining = remaining;
    b.reset_at = std::min(latest, same_window ? std::max(b.reset_at, reset_at) : reset_at);
  }
  if (http_status == 429) {
    milliseconds wait{0};
    if (h.retry_after) wait = *h.retry_after;
    if (h.reset_after) wait = std::max(wait, std::chrono::ceil<milliseconds>(*h.reset_after));
    if (!h.retry_after && !h.reset_after) wait = std::chrono::seconds(1);  // still means: slow down
    auto until = std::min(latest, now + wait);
    if (h.global) {
      global_->extend(until);
    } else {
      b.remaining = 0;
      b.reset_at = std::max(b.reset_at, until);
    }
  }
  if (b.remaining >= 0 && b.reset_at > now) arm(it->first, b, b.reset_at);
  drain(it->first, b, now);
  evict_if_idle(it, now);
}

void rate_pacer::advance(clock::time_point now) {
  while (!timers_.empty() && timers_.top().when <= now) {
    timer t = timers_.top();
    timers_.pop();
    auto it = buckets_.find(t.key);
    if (it == buckets_.end()) continue;
    if (it->second.armed_for == t.when) it->second.armed_for = {};
    drain(it->first, it->second, now);
    evict_if_idle(it, now);
  }
}

std::vector<rate_pacer::release> rate_pacer::take_released() {
  std::vector<release> out;
  out.swap(released_);
  return out;
}

std::optional<rate_pacer::clock::time_point> rate_pacer::next_deadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.top().when;
}

std::vector<delivery_request> rate_pacer::take_held_beyond(clock::time_point deadline) {
  std::vector<delivery_request> out;
  for (auto& [key, b] : buckets_) {
    bool closed = global_->until() > deadline || (b.remaining == 0 && b.reset_at > deadline);
    if (!closed) continue;
    for (auto& h : b.waiting) out.push_back(std::move(h.req));
    held_ -= b.waiting.size();
    b.waiting.clear();
  }
  return out;
}

std::vector<delivery_request> rate_pacer::take_all() {
  std::vector<delivery_request> out;
  for (auto& [key, b] : buckets_)
    for (auto& h : b.waiting) out.push_back(std::move(h.req));
  buckets_.clear();
  timers_ = {};
  held_ = 0;
  return out;
}

}  // namespace taskhook::webhook
