// classify_response: what one attempt's result means for the run (ARCHITECTURE.md,
// "Delivery semantics"): success, a wait the server asked for, a retry with
// backoff, or a permanent failure.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "core/delivery.hpp"

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using taskhook::classify_response;
using taskhook::delivery_result;
using taskhook::outcome_kind;
using taskhook::transport_error;

namespace {

delivery_result answered(int status, std::string body = {}) {
  delivery_result r;
  r.http_status = status;
  r.body = std::move(body);
  return r;
}

delivery_result failed(transport_error e, std::string text = "x") {
  delivery_result r;
  r.error = e;
  r.error_text = std::move(text);
  return r;
}

}  // namespace

TEST_CASE("2xx is a success, 400/401/403/404 permanent, other statuses a retry", "[delivery]") {
  for (int s : {200, 204, 299}) CHECK(classify_response(answered(s)).kind == outcome_kind::success);
  for (int s : {400, 401, 403, 404})
    CHECK(classify_response(answered(s)).kind == outcome_kind::permanent);
  for (int s : {301, 405, 408, 500, 502, 503})
    CHECK(classify_response(answered(s)).kind == outcome_kind::retry);
  auto gone = classify_response(answered(404, R"({"message":"Unknown Webhook","code":10015})"));
  CHECK(gone.message == "404 Unknown Webhook");
}

TEST_CASE("transport errors retry, but a refused private target is permanent", "[delivery]") {
  for (auto e : {transport_error::timeout, transport_error::connect, transport_error::too_large,
                 transport_error::other})
    CHECK(classify_response(failed(e)).kind == outcome_kind::retry);
  CHECK(classify_response(failed(transport_error::blocked_target)).kind == outcome_kind::permanent);
}

TEST_CASE("a 429 waits what the body says, else the header, at most a day", "[delivery]") {
  auto body = classify_response(answered(429, R"({"message":"slow down","retry_after":2.5})"));
  CHECK(body.kind == outcome_kind::rate_limited);
  CHECK(body.retry_after == milliseconds(2500));
  CHECK(body.message == "429 slow down");

  auto header = answered(429);
  header.retry_after_header = 3000ms;
  CHECK(classify_response(header).retry_after == milliseconds(3000));

  // The body wins over the header.
  auto both = answered(429, R"({"retry_after":0.25})");
  both.retry_after_header = 3000ms;
  CHECK(classify_response(both).retry_after == milliseconds(250));

  CHECK_FALSE(classify_response(answered(429)).retry_after);  // backoff decides

  // A broken or hostile endpoint's wait is bounded (and 1e300 s is no overflow).
  CHECK(classify_response(answered(429, R"({"retry_after":1e300})")).retry_after ==
        taskhook::max_retry_after);
  auto long_header = answered(429);
  long_header.retry_after_header = std::chrono::hours{24 * 400};
  CHECK(classify_response(long_header).retry_after == taskhook::max_retry_after);
  CHECK(taskhook::max_retry_after == std::chrono::hours{24});
}
