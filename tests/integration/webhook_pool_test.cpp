// The curl pool against a real HTTP server on loopback (tests/support/fake_discord):
// what goes on the wire, how answers and failures map to delivery_result, the
// SSRF guard, keep-alive, rate-limit pacing and shutdown.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/fake_discord.hpp"
#include "webhook/curl_pool.hpp"

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using taskhook::delivery_request;
using taskhook::delivery_result;
using taskhook::transport_error;
using taskhook::test::fake_discord;
using taskhook::test::fake_response;
using taskhook::webhook::curl_pool;
using taskhook::webhook::curl_pool_options;

namespace {

constexpr const char* token = "s3cr3t-t0ken-abcdef";

/// Results as the pool reports them, with a wait that needs no sleeping.
class result_collector {
 public:
  std::function<void(delivery_result&&)> callback() {
    return [this](delivery_result&& r) {
      {
        std::lock_guard lock(mutex_);
        results_.push_back(std::move(r));
      }
      cv_.notify_all();
    };
  }

  bool wait_for(std::size_t n, milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return results_.size() >= n; });
  }

  std::size_t size() {
    std::lock_guard lock(mutex_);
    return results_.size();
  }

  delivery_result get(std::uint64_t correlation) {
    std::lock_guard lock(mutex_);
    for (const auto& r : results_)
      if (r.correlation == correlation) return r;
    FAIL("no result for correlation " << correlation);
    return {};
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<delivery_result> results_;
};

curl_pool_options loopback_options() {
  curl_pool_options o;
  o.workers = 1;
  o.timeout = 5s;
  o.allow_private_targets = true;  // the fake listens on 127.0.0.1
  return o;
}

std::string webhook_url(const std::string& base, const std::string& id) {
  return base + "/api/webhooks/" + id + "/" + token + "?wait=true";
}

delivery_request make_request(std::uint64_t correlation, std::string url, std::string rate_key,
                              result_collector& out, std::string body = R"({"content":"hi"})") {
  delivery_request r;
  r.correlation = correlation;
  r.url = std::move(url);
  r.rate_key = std::move(rate_key);
  r.body = taskhook::shared_text(std::move(body));
  r.on_done = out.callback();
  return r;
}

/// Sends one request and waits for its outcome.
delivery_result send_one(curl_pool& pool, result_collector& out, std::uint64_t correlation,
                         const std::string& url, const std::string& rate_key) {
  auto before = out.size();
  pool.submit(make_request(correlation, url, rate_key, out));
  REQUIRE(out.wait_for(before + 1));
  return out.get(correlation);
}

/// A wall clock that moves only when told; read from the worker thread.
class manual_clock final : public taskhook::wall_clock {
 public:
  explicit manual_clock(taskhook::instant t) : now_(t.time_since_epoch().count()) {}
  taskhook::instant now() const override {
    return taskhook::instant(milliseconds(now_.load()));
  }
  void set(taskhook::instant t) { now_.store(t.time_since_epoch().count()); }

 private:
  std::atomic<std::int64_t> now_;
};

std::string http_date(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace

TEST_CASE("a 204 answer, and the request as it went on the wire", "[webhook]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());

  auto url = webhook_url(fake.base_url(), "111");
  auto before = std::chrono::system_clock::now();
  auto r = send_one(pool, out, 7, url, "111");
  CHECK(r.correlation == 7);
  CHECK(r.http_status == 204);
  CHECK(r.error == transport_error::none);
  CHECK(r.error_text.empty());
  CHECK(r.body.empty());
  CHECK(r.paced_for == 0ms);
  CHECK(r.duration < 2s);
  CHECK(r.started >= std::chrono::floor<milliseconds>(before));
  CHECK_FALSE(r.retry_after_header);

  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].target == std::string("/api/webhooks/111/") + token + "?wait=true");
  CHECK(reqs[0].header("content-type") == "application/json");
  CHECK(reqs[0].header("user-agent").starts_with("taskhook/"));
  CHECK(reqs[0].header("expect").empty());
  CHECK(reqs[0].body == R"({"content":"hi"})");
}

TEST_CASE("a 200 answer keeps its body and headers", "[webhook]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());
  fake.enqueue({200, {{"Content-Type", "application/json"}}, R"({"id":"42"})"});

  auto r = send_one(pool, out, 1, webhook_url(fake.base_url(), "1"), "1");
  CHECK(r.http_status == 200);
  CHECK(r.body == R"({"id":"42"})");

  SECTION("a body of exactly the cap is accepted") {
    fake_response big{200, {}, std::string(64 * 1024, 'x')};
    fake.enqueue(big);
    big.chunked = true;
    fake.enqueue(big);
    for (std::uint64_t i : {2, 3}) {
      auto r2 = send_one(pool, out, i, webhook_url(fake.base_url(), "1"), "1");
      CHECK(r2.error == transport_error::none);
      CHECK(r2.body.size() == 64 * 1024);
    }
  }
}

TEST_CASE("a 500 is an HTTP status, not a transport error", "[webhook]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());
  fake.enqueue({500, {}, R"({"message":"oops"})"});

  auto r = send_one(pool, out, 1, webhook_url(fake.base_url(), "1"), "1");
  CHECK(r.http_status == 500);
  CHECK(r.error == transport_error::none);
  CHECK(r.body == R"({"message":"oops"})");
}

TEST_CASE("Retry-After on a 429 is reported in milliseconds", "[webhook]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());

  SECTION("as seconds") {
    fake.enqueue({429, {{"Retry-After", "2"}}, R"({"retry_after":1.5})"});
    auto r = send_one(pool, out, 1, webhook_url(fake.base_url(), "1"), "1");
    CHECK(r.http_status == 429);
    CHECK(r.retry_after_header == milliseconds(2000));
    CHECK(r.body == R"({"retry_after":1.5})");
  }
  SECTION("as an HTTP date") {
    auto at = std::chrono::system_clock::now() + 10s;
    fake.enqueue({429, {{"Retry-After", http_date(at)}}, ""});
    auto r = send_one(pool, out, 1, webhook_url(fake.base_url(), "1"), "1");
    CHECK(r.http_status == 429);
    REQUIRE(r.retry_after_header);
    CHECK(*r.retry_after_header > 8s);
    CHECK(*r.retry_after_header <= 10s);
  }
}

TEST_CASE("a slow receiver times out after the configured time", "[webhook]") {
  fake_discord fake;
  result_collector out;
  auto opts = loopback_options();
  opts.timeout = 300ms;
  curl_pool pool(opts);
  fake.enqueue({204, {}, "", 3s});

  auto r = send_one(pool, out, 1, webhook_url(fake.base_url(), "1"), "1");
  CHECK(r.error == transport_error::timeout);
  CHECK(r.http_status == 0);
  // libcurl's millisecond timers may fire a fraction of a millisecond early.
  CHECK(r.duration >= 295ms);
  CHECK(r.duration < 1500ms);
  CHECK_FALSE(r.error_text.empty());
  CHECK(r.error_text.find(token) == std::string::npos);
}

TEST_CASE("an answer over the size cap is too_large, unless a 2xx already came with it",
          "[webhook]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());
  const std::string big(64 * 1024 + 1, 'x');
  fake.enqueue({500, {}, big});

  auto r = send_one(pool, out, 1, webhook_url(fake.base_url(), "1"), "1");
  CHECK(r.error == transport_error::too_large);
  CHECK(r.http_status == 0);
  CHECK(r.error_text == "more than 65536 bytes");

  SECTION("also when no Content-Length announces it") {
    fake_response chunked{500, {}, big};
    chunked.chunked = true;
    fake.enqueue(chunked);
    auto late = send_one(pool, out, 2, webhook_url(fake.base_url(), "1"), "1");
    CHECK(late.error == transport_error::too_large);
  }
  SECTION("a 2xx is a delivery all the same: the server took it, and a retry would post twice") {
    fake.enqueue({200, {}, big});
    fake_response chunked{200, {}, big};
    chunked.chunked = true;
    fake.enqueue(chunked);
    for (std::uint64_t c : {2, 3}) {
      auto ok = send_one(pool, out, c, webhook_url(fake.base_url(), "1"), "1");
      CHECK(ok.error == transport_error::none);
      CHECK(ok.http_status == 200);
      CHECK(ok.body.empty());  // cut at the cap, so not kept
    }
  }
  SECTION("the connection pool is still usable afterwards") {
    auto next = send_one(pool, out, 2, webhook_url(fake.base_url(), "1"), "1");
    CHECK(next.http_status == 204);
  }
}

TEST_CASE("a closed port is a connect error", "[webhook]") {
  // Bound but not listening: connects are refused, and nobody else can take the port.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  auto base = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  result_collector out;
  curl_pool pool(loopback_options());
  auto r = send_one(pool, out, 1, webhook_url(base, "1"), "1");
  ::close(fd);
  CHECK(r.error == transport_error::connect);
  CHECK(r.http_status == 0);
  CHECK_FALSE(r.error_text.empty());
  CHECK(r.error_text.find(token) == std::string::npos);
}

TEST_CASE("the SSRF guard refuses loopback targets", "[webhook]") {
  fake_discord fake;
  result_collector out;
  auto opts = loopback_options();
  opts.allow_private_targets = false;
  curl_pool pool(opts);

  auto by_address = send_one(pool, out, 1, webhook_url(fake.base_url(), "1"), "1");
  CHECK(by_address.error == transport_error::blocked_target);
  CHECK(by_address.error_text.starts_with("127.0.0.1 is a loopback"));
  auto by_name = send_one(
      pool, out, 2, "http://localhost:" + std::to_string(fake.port()) + "/api/webhooks/1/x", "1");
  CHECK(by_name.error == transport_error::blocked_target);

  CHECK(fake.connections_accepted() == 0);
  CHECK(fake.request_count() == 0);
  CHECK(pool.stats().by_error[static_cast<int>(transport_error::blocked_target)] == 2);
}

TEST_CASE("sequential sends reuse kept-alive connections", "[webhook]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());

  for (std::uint64_t i = 1; i <= 50; ++i) {
    auto r = send_one(pool, out, i, webhook_url(fake.base_url(), "1"), "1");
    REQUIRE(r.http_status == 204);
  }
  CHECK(fake.request_count() == 50);
  CHECK(fake.connections_accepted() <= 2);
  auto s = pool.stats();
  CHECK(s.sent_total == 50);
  CHECK(s.completed_total == 50);
  CHECK(s.by_error[static_cast<int>(transport_error::none)] == 50);
  CHECK(s.in_flight == 0);
}

TEST_CASE("concurrent sends over several workers all complete", "[webhook]") {
  fake_discord fake;
  result_collector out;
  auto opts = loopback_options();
  opts.workers = 3;
  curl_pool pool(opts);
  fake.set_default({204, {}, "", 50ms});

  for (std::uint64_t i = 1; i <= 30; ++i)
    pool.submit(
        make_request(i, webhook_url(fake.base_url(), std::to_string(i)), std::to_string(i), out));
  REQUIRE(out.wait_for(30));
  for (std::uint64_t i = 1; i <= 30; ++i) CHECK(out.get(i).http_status == 204);
  CHECK(fake.request_count() == 30);
}

TEST_CASE("more requests than connection slots wait for a free slot", "[webhook]") {
  fake_discord fake;
  result_collector out;
  auto opts = loopback_options();
  opts.max_connections_per_worker = 2;
  curl_pool pool(opts);
  fake.set_default({204, {}, "", 100ms});

  auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 1; i <= 6; ++i)
    pool.submit(
        make_request(i, webhook_url(fake.base_url(), std::to_string(i)), std::to_string(i), out));
  REQUIRE(out.wait_for(6));
  CHECK(std::chrono::steady_clock::now() - start >= 300ms);  // three rounds of two
  for (std::uint64_t i = 1; i <= 6; ++i) CHECK(out.get(i).http_status == 204);
  CHECK(fake.connections_accepted() <= 2);
  auto s = pool.stats();
  CHECK(s.queued == 0);
  CHECK(s.in_flight == 0);
}

TEST_CASE("a throwing on_done does not stop the worker", "[webhook]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());

  auto bad = make_request(1, webhook_url(fake.base_url(), "1"), "1", out);
  bad.on_done = [](delivery_result&&) { throw std::runtime_error("callback failed"); };
  pool.submit(std::move(bad));
  auto r = send_one(pool, out, 2, webhook_url(fake.base_url(), "1"), "1");
  CHECK(r.http_status == 204);
  CHECK(fake.request_count() == 2);
}

TEST_CASE("an exhausted bucket paces its webhook and no other", "[webhook]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());
  fake.enqueue("/api/webhooks/1/",
               {204, {{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset-After", "0.3"}}, ""});

  auto first = send_one(pool, out, 1, webhook_url(fake.base_url(), "1"), "1");
  REQUIRE(first.http_status == 204);
  pool.submit(make_request(2, webhook_url(fake.base_url(), "1"), "1", out));
  pool.submit(make_request(3, webhook_url(fake.base_url(), "2"), "2", out));
  REQUIRE(out.wait_for(3));

  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 3);
  // The other webhook went first, unhindered.
  CHECK(reqs[1].target.starts_with("/api/webhooks/2/"));
  CHECK(out.get(3).paced_for == 0ms);
  // Held, it would have arrived at least 300 ms after the first.
  CHECK(reqs[1].arrived_steady - reqs[0].arrived_steady < 300ms);
  // The same webhook waited out the bucket's reset, measured at the receiver.
  CHECK(reqs[2].target.starts_with("/api/webhooks/1/"));
  CHECK(reqs[2].arrived_steady - reqs[0].arrived_steady >= 300ms);
  auto paced = out.get(2);
  CHECK(paced.http_status == 204);
  CHECK(paced.paced_for > 200ms);
  // Held for the bucket's reset, not for a guessed second; the margin is for a
  // busy machine waking the worker late (this bound failed once at 300 ms).
  CHECK(paced.paced_for < 900ms);
}

TEST_CASE("a 429 closes the bucket for its Retry-After", "[webhook]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());
  fake.enqueue({429, {{"Retry-After", "1"}}, R"({"retry_after":1})"});

  auto limited = send_one(pool, out, 1, webhook_url(fake.base_url(), "1"), "1");
  REQUIRE(limited.http_status == 429);
  auto next = send_one(pool, out, 2, webhook_url(fake.base_url(), "1"), "1");
  CHECK(next.http_status == 204);
  CHECK(next.paced_for > 800ms);
  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[1].arrived_steady - reqs[0].arrived_steady >= 1s);
}

TEST_CASE("shutdown lets in-flight sends finish and refuses new ones", "[webhook]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());
  fake.set_default({204, {}, "", 300ms});

  for (std::uint64_t i = 1; i <= 3; ++i)
    pool.submit(
        make_request(i, webhook_url(fake.base_url(), std::to_string(i)), std::to_string(i), out));
  REQUIRE(fake.wait_for_requests(3, 5s));
  pool.shutdown(5s);
  REQUIRE(out.size() == 3);
  for (std::uint64_t i = 1; i <= 3; ++i) CHECK(out.get(i).http_status == 204);

  // Completed on the caller's thread, before submit returns.
  pool.submit(make_request(4, webhook_url(fake.base_url(), "4"), "4", out));
  REQUIRE(out.size() == 4);
  auto refused = out.get(4);
  CHECK(refused.error == transport_error::other);
  CHECK(refused.error_text == "shutting down");
  CHECK(refused.stopping);  // not an answer: the task actor does not count it as a failure
  for (std::uint64_t i = 1; i <= 3; ++i) CHECK_FALSE(out.get(i).stopping);
  CHECK(fake.request_count() == 3);
  pool.shutdown(0ms);  // a second call is harmless
}

TEST_CASE("shutdown ends what cannot finish within the grace", "[webhook]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());
  // Webhook 1: its bucket stays closed for 10 s. Webhook 2: its receiver stalls.
  fake.enqueue("/api/webhooks/1/",
               {204, {{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset-After", "10"}}, ""});
  fake.enqueue("/api/webhooks/2/", {204, {}, "", 10s});
  REQUIRE(send_one(pool, out, 1, webhook_url(fake.base_url(), "1"), "1").http_status == 204);
  pool.submit(make_request(2, webhook_url(fake.base_url(), "1"), "1", out));
  pool.submit(make_request(3, webhook_url(fake.base_url(), "2"), "2", out));
  REQUIRE(fake.wait_for_requests(2, 5s));

  auto start = std::chrono::steady_clock::now();
  pool.shutdown(300ms);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= 300ms);
  CHECK(took < 2s);
  REQUIRE(out.size() == 3);
  for (std::uint64_t i : {2, 3}) {
    auto r = out.get(i);
    CHECK(r.error == transport_error::other);
    CHECK(r.error_text == "shutting down");
    CHECK(r.stopping);
  }
  CHECK(fake.request_count() == 2);  // the paced one never went out
  auto s = pool.stats();
  CHECK(s.in_flight == 0);
  CHECK(s.paced == 0);
  CHECK(s.queued == 0);
}

TEST_CASE("a request with not_before is held until that instant, and can be withdrawn until then",
          "[webhook][held]") {
  fake_discord fake;
  result_collector out;
  const auto t0 = std::chrono::floor<milliseconds>(std::chrono::system_clock::now());
  manual_clock clock(t0);
  curl_pool pool(loopback_options(), clock);
  auto held = [&](std::uint64_t correlation, const std::string& id, std::uint64_t ticket) {
    auto r = make_request(correlation, webhook_url(fake.base_url(), id), id, out);
    r.not_before = t0 + 10s;
    r.ticket = ticket;
    return r;
  };
  pool.submit(held(1, "1", 101));
  pool.submit(held(2, "2", 102));
  CHECK(pool.stats().held == 2);
  CHECK(pool.stats().queued == 0);
  // A send due now goes out; the worker looked at the held ones on the way.
  REQUIRE(send_one(pool, out, 3, webhook_url(fake.base_url(), "3"), "3").http_status == 204);
  CHECK(fake.request_count() == 1);
  CHECK(pool.stats().held == 2);

  CHECK(pool.cancel("2", 102));
  CHECK_FALSE(pool.cancel("2", 102));  // already gone
  CHECK_FALSE(pool.cancel("1", 999));  // never held
  CHECK(pool.stats().held == 1);

  clock.set(t0 + 10s);
  pool.submit(make_request(4, webhook_url(fake.base_url(), "4"), "4", out));  // wakes the worker
  REQUIRE(out.wait_for(3));
  auto r = out.get(1);
  CHECK(r.http_status == 204);
  CHECK(r.started == t0 + 10s);
  CHECK_FALSE(pool.cancel("1", 101));  // sent: too late to withdraw
  pool.shutdown(5s);
  CHECK(out.size() == 3);  // the withdrawn one never reports
  CHECK(fake.request_count() == 3);
  for (const auto& req : fake.requests()) CHECK(req.target.find("/api/webhooks/2/") == std::string::npos);
  CHECK(pool.stats().held == 0);
}

TEST_CASE("a held request leaves at its instant by the system clock, never before",
          "[webhook][held]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());
  auto not_before = std::chrono::ceil<milliseconds>(std::chrono::system_clock::now() + 300ms);
  auto r = make_request(1, webhook_url(fake.base_url(), "1"), "1", out);
  r.not_before = not_before;
  r.ticket = 1;
  pool.submit(std::move(r));
  REQUIRE(out.wait_for(1));
  auto arrived = std::chrono::system_clock::now();
  auto res = out.get(1);
  CHECK(res.http_status == 204);
  CHECK(res.started >= not_before);
  CHECK(arrived >= not_before);
}

TEST_CASE("held requests not yet due are refused at shutdown", "[webhook][held]") {
  fake_discord fake;
  result_collector out;
  curl_pool pool(loopback_options());
  auto r = make_request(1, webhook_url(fake.base_url(), "1"), "1", out);
  r.not_before = std::chrono::floor<milliseconds>(std::chrono::system_clock::now()) + 1h;
  r.ticket = 1;
  pool.submit(std::move(r));
  pool.shutdown(1s);
  REQUIRE(out.size() == 1);
  CHECK(out.get(1).error_text == "shutting down");
  CHECK(out.get(1).stopping);
  CHECK(fake.request_count() == 0);
  auto s = pool.stats();
  CHECK(s.held == 0);
  CHECK(s.queued == 0);
}

TEST_CASE("over HTTP/1.1 the first answer lifts the cap on connections per host",
          "[webhook][host_cap]") {
  fake_discord fake;
  result_collector out;
  auto opts = loopback_options();
  opts.max_host_connections = 2;
  curl_pool pool(opts);

  REQUIRE(send_one(pool, out, 1, webhook_url(fake.base_url(), "1"), "1").http_status == 204);
  // Eight at once, each held long enough to overlap: one connection each, as
  // HTTP/1.1 needs. Under a cap that stayed they would share two.
  fake.set_default({204, {}, "", 300ms});
  for (std::uint64_t i = 2; i <= 9; ++i)
    pool.submit(
        make_request(i, webhook_url(fake.base_url(), std::to_string(i)), std::to_string(i), out));
  REQUIRE(out.wait_for(9));
  for (std::uint64_t i = 1; i <= 9; ++i) CHECK(out.get(i).http_status == 204);
  CHECK(fake.connections_accepted() == 8);  // the first one's, reused, and seven more
  CHECK(pool.stats().connections_opened_total == 8);
}
