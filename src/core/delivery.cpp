#include "core/delivery.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>

namespace taskhook {
namespace {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

/// Discord's error JSON: {"message": "...", "code": 10015, "retry_after": 0.5}.
struct discord_error {
  std::string message;
  std::optional<double> retry_after_s;
};

discord_error parse_discord_error(const std::string& body) {
  discord_error out;
  if (body.empty() || body.size() > 64 * 1024) return out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS) return out;
  std::string_view msg;
  if (doc["message"].get_string().get(msg) == simdjson::SUCCESS)
    out.message = std::string(msg.substr(0, 500));
  double ra = 0;
  if (doc["retry_after"].get_double().get(ra) == simdjson::SUCCESS && std::isfinite(ra) && ra >= 0)
    out.retry_after_s = ra;
  return out;
}

std::string status_line(int status, const std::string& detail) {
  std::string out = std::to_string(status);
  if (!detail.empty()) {
    out += " " + detail;
  } else if (auto phrase = reason_phrase(status); !phrase.empty()) {
    out += " ";
    out += phrase;
  }
  return out;
}

}  // namespace

outcome classify_response(const delivery_result& r) {
  using std::chrono::milliseconds;
  switch (r.error) {
    case transport_error::none: break;
    case transport_error::timeout:
      return {outcome_kind::retry, std::nullopt, "timeout: " + r.error_text};
    case transport_error::connect:
      return {outcome_kind::retry, std::nullopt, "connection failed: " + r.error_text};
    case transport_error::blocked_target:
      return {outcome_kind::permanent, std::nullopt,
              "refused: the webhook resolves to a private or local address"};
    case transport_error::too_large:
      return {outcome_kind::retry, std::nullopt, "response too large: " + r.error_text};
    case transport_error::other:
      return {outcome_kind::retry, std::nullopt, "delivery failed: " + r.error_text};
  }

  const int s = r.http_status;
  if (s >= 200 && s < 300) return {outcome_kind::success, std::nullopt, status_line(s, "")};
  auto err = parse_discord_error(r.body);
  if (s == 429) {
    std::optional<milliseconds> wait;
    // Bounded before the conversion: a double beyond long long's range is undefined.
    constexpr double max_s = static_cast<double>(max_retry_after.count()) / 1000.0;
    if (err.retry_after_s)
      wait = milliseconds(
          static_cast<long long>(std::ceil(std::min(*err.retry_after_s, max_s) * 1000.0)));
    else if (r.retry_after_header)
      wait = std::min(*r.retry_after_header, max_retry_after);
    return {outcome_kind::rate_limited, wait, status_line(s, err.message)};
  }
  if (s == 400 || s == 401 || s == 403 || s == 404)
    return {outcome_kind::permanent, std::nullopt, status_line(s, err.message)};
  return {outcome_kind::retry, std::nullopt, status_line(s, err.message)};
}

outcome outcome_of(delivery_result& r) {
  if (r.classified) return std::move(*r.classified);
  return classify_response(r);
}

}  // namespace taskhook
