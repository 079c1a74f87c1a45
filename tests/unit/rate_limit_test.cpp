// Discord rate-limit headers and the per-worker pacer, on exact, injected time.

#include "webhook/rate_limit_headers.hpp"
#include "webhook/rate_pacer.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using taskhook::delivery_request;
using taskhook::instant;
using taskhook::webhook::parse_header_line;
using taskhook::webhook::parse_retry_after;
using taskhook::webhook::rate_limit_headers;
using taskhook::webhook::rate_pacer;

namespace {

// 2026-11-22T10:00:00Z
const instant wall_now{milliseconds{1'795'341'600'000}};
const rate_pacer::clock::time_point t0{std::chrono::hours(1000)};

delivery_request request(std::uint64_t correlation, std::string key) {
  delivery_request r;
  r.correlation = correlation;
  r.rate_key = std::move(key);
  return r;
}

std::vector<std::uint64_t> released(rate_pacer& p) {
  std::vector<std::uint64_t> out;
  for (auto& r : p.take_released()) out.push_back(r.req.correlation);
  return out;
}

rate_limit_headers limits(int remaining, std::chrono::microseconds reset_after) {
  rate_limit_headers h;
  h.remaining = remaining;
  h.reset_after = reset_after;
  return h;
}

}  // namespace

TEST_CASE("Retry-After as seconds and as an HTTP date", "[rate_limit]") {
  CHECK(parse_retry_after("2", wall_now) == milliseconds(2000));
  CHECK(parse_retry_after(" 0 ", wall_now) == milliseconds(0));
  CHECK(parse_retry_after("0.3", wall_now) == milliseconds(300));
  CHECK(parse_retry_after("1.0001", wall_now) == milliseconds(1001));  // rounded up
  CHECK(parse_retry_after("Sun, 22 Nov 2026 10:00:05 GMT", wall_now) == milliseconds(5000));
  CHECK(parse_retry_after("Sun, 22 Nov 2026 09:00:00 GMT", wall_now) == milliseconds(0));
  CHECK_FALSE(parse_retry_after("", wall_now));
  CHECK_FALSE(parse_retry_after("-1", wall_now));
  CHECK_FALSE(parse_retry_after("2s", wall_now));
  CHECK_FALSE(parse_retry_after("soon", wall_now));
  CHECK_FALSE(parse_retry_after("Sun, 31 Feb 2026 10:00:05 GMT", wall_now));
  CHECK_FALSE(parse_retry_after("Sun, 22 Nov 2026 10:00:05 UTC", wall_now));
}

TEST_CASE("header lines fill rate_limit_headers", "[rate_limit]") {
  rate_limit_headers h;
  parse_header_line("HTTP/1.1 429 Too Many Requests\r\n", wall_now, h);
  parse_header_line("retry-after: 3\r\n", wall_now, h);
  parse_header_line("X-RateLimit-Remaining: 0\r\n", wall_now, h);
  parse_header_line("X-RateLimit-Reset-After: 0.3\r\n", wall_now, h);
  parse_header_line("X-RateLimit-Bucket: abcd1234\r\n", wall_now, h);
  parse_header_line("X-RateLimit-Global: true\r\n", wall_now, h);
  parse_header_line("Content-Type: application/json\r\n", wall_now, h);
  parse_header_line("\r\n", wall_now, h);
  CHECK(h.retry_after == milliseconds(3000));
  CHECK(h.remaining == 0);
  CHECK(h.reset_after == std::chrono::microseconds(300000));
  CHECK(h.bucket == "abcd1234");
  CHECK(h.global);

  SECTION("a new status line starts over") {
    parse_header_line("HTTP/1.1 204 No Content\r\n", wall_now, h);
    CHECK_FALSE(h.retry_after);
    CHECK_FALSE(h.remaining);
    CHECK_FALSE(h.global);
  }
  SECTION("garbage values are ignored") {
    rate_limit_headers g;
    parse_header_line("X-RateLimit-Remaining: -1\r\n", wall_now, g);
    parse_header_line("X-RateLimit-Reset-After: nan\r\n", wall_now, g);
    parse_header_line("X-RateLimit-Reset-After: 1e300\r\n", wall_now, g);
    CHECK_FALSE(g.remaining);
    CHECK_FALSE(g.reset_after);
  }
}

TEST_CASE("an open bucket lets requests through at once", "[rate_limit]") {
  rate_pacer p;
  p.admit(request(1, "a"), t0);
  p.admit(request(2, "a"), t0);
  auto out = p.take_released();
  REQUIRE(out.size() == 2);
  CHECK(out[0].paced_for == 0ms);
  CHECK_FALSE(out[0].probe);
  // Nothing limits "a", so nothing about it is kept.
  CHECK(p.buckets() == 0);
  CHECK_FALSE(p.next_deadline());
}

TEST_CASE("an exhausted bucket holds requests until its reset", "[rate_limit]") {
  rate_pacer p;
  p.admit(request(1, "a"), t0);
  CHECK(released(p) == std::vector<std::uint64_t>{1});
  p.record_response("a", limits(0, 300ms), 204, false, t0 + 10ms);

  p.admit(request(2, "a"), t0 + 20ms);
  p.admit(request(3, "a"), t0 + 30ms);
  p.admit(request(4, "b"), t0 + 30ms);  // another webhook is not held
  CHECK(released(p) == std::vector<std::uint64_t>{4});
  CHECK(p.held() == 2);
  REQUIRE(p.next_deadline() == t0 + 310ms);

  p.advance(t0 + 309ms);
  CHECK(released(p).empty());
  p.advance(t0 + 310ms);
  // One probe goes first; the next waits for the probe's answer.
  auto out = p.take_released();
  REQUIRE(out.size() == 1);
  CHECK(out[0].req.correlation == 2);
  CHECK(out[0].probe);
  CHECK(out[0].paced_for == 290ms);

  p.record_response("a", limits(4, 2s), 204, true, t0 + 350ms);
  out = p.take_released();
  REQUIRE(out.size() == 1);
  CHECK(out[0].req.correlation == 3);
  CHECK(out[0].paced_for == 320ms);
  CHECK(p.held() == 0);
}

TEST_CASE("sends are counted against what the last answer allowed", "[rate_limit]") {
  rate_pacer p;
  p.admit(request(1, "a"), t0);
  p.take_released();
  p.record_response("a", limits(2, 1s), 204, false, t0);
  for (std::uint64_t i = 2; i <= 5; ++i) p.admit(request(i, "a"), t0 + 1ms);
  CHECK(released(p) == std::vector<std::uint64_t>{2, 3});
  // A late answer to an earlier request must not reopen the bucket.
  p.record_response("a", limits(1, 900ms), 204, false, t0 + 5ms);
  CHECK(released(p).empty());
  p.advance(t0 + 1s);
  CHECK(released(p) == std::vector<std::uint64_t>{4});
}

TEST_CASE("a 429 closes the bucket for Retry-After", "[rate_limit]") {
  rate_pacer p;
  rate_limit_headers h;
  h.retry_after = 2000ms;
  p.admit(request(1, "a"), t0);
  p.take_released();
  p.record_response("a", h, 429, false, t0);
  p.admit(request(2, "a"), t0 + 1ms);
  CHECK(released(p).empty());
  p.advance(t0 + 1999ms);
  CHECK(released(p).empty());
  p.advance(t0 + 2000ms);
  CHECK(released(p) == std::vector<std::uint64_t>{2});
}

TEST_CASE("a global 429 holds every bucket", "[rate_limit]") {
  rate_pacer p;
  rate_limit_headers h;
  h.retry_after = 500ms;
  h.global = true;
  p.record_response("a", h, 429, false, t0);
  p.admit(request(1, "b"), t0 + 1ms);
  CHECK(released(p).empty());
  p.advance(t0 + 500ms);
  CHECK(released(p) == std::vector<std::uint64_t>{1});
}

TEST_CASE("a global 429 holds every worker's pacer that shares the limit", "[rate_limit]") {
  // The limit covers the whole sender: with WEBHOOK_WORKERS > 1, a 429 one worker
  // got must hold the others too.
  auto global = std::make_shared<taskhook::webhook::global_limit>();
  rate_pacer got_it(60s, global), other(60s, global), apart(60s);
  rate_limit_headers h;
  h.retry_after = 500ms;
  h.global = true;
  got_it.record_response("a", h, 429, false, t0);
  other.admit(request(1, "b"), t0 + 1ms);
  apart.admit(request(2, "c"), t0 + 1ms);
  CHECK(released(other).empty());
  CHECK(released(apart) == std::vector<std::uint64_t>{2});  // a limit of its own
  REQUIRE(other.next_deadline() == t0 + 500ms);
  other.advance(t0 + 499ms);
  CHECK(released(other).empty());
  other.advance(t0 + 500ms);
  CHECK(released(other) == std::vector<std::uint64_t>{1});
  // A shorter global wait later does not shorten the one in force.
  global->extend(t0 + 100ms);
  CHECK(global->until() == t0 + 500ms);
}

TEST_CASE("no hold is longer than max_hold", "[rate_limit]") {
  rate_pacer p(5s);
  rate_limit_headers h;
  h.retry_after = std::chrono::hours(2);
  p.record_response("a", h, 429, false, t0);
  p.admit(request(1, "a"), t0);
  REQUIRE(p.next_deadline() == t0 + 5s);
}

TEST_CASE("shutdown takes what cannot be sent in time", "[rate_limit]") {
  rate_pacer p;
  p.record_response("slow", limits(0, 10s), 204, false, t0);
  p.record_response("soon", limits(0, 100ms), 204, false, t0);
  p.admit(request(1, "slow"), t0);
  p.admit(request(2, "soon"), t0);
  auto late = p.take_held_beyond(t0 + 1s);
  REQUIRE(late.size() == 1);
  CHECK(late[0].correlation == 1);
  CHECK(p.held() == 1);
  CHECK(p.take_all().size() == 1);
  CHECK(p.held() == 0);
}
