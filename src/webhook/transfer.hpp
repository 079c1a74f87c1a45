#pragma once
/// One delivery attempt on a reusable libcurl easy handle: the options every
/// attempt shares, the callbacks (response-size cap, rate-limit headers, the
/// SSRF guard) and how curl's result becomes a delivery_result. Internal to
/// src/webhook, the one header here that includes curl.

#include <curl/curl.h>
#include <netinet/in.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/delivery.hpp"
#include "webhook/rate_pacer.hpp"

namespace taskhook::webhook {

/// What all attempts of one worker share. The handles and the clock must
/// outlive every transfer made with them.
struct transfer_settings {
  std::chrono::milliseconds timeout{10000};
  std::size_t max_response_bytes = 64 * 1024;
  bool allow_private_targets = false;
  std::string user_agent;
  std::string ca_file;  ///< empty: libcurl's default certificates
  curl_slist* headers = nullptr;
  CURLSH* share = nullptr;
  const wall_clock* clock = nullptr;
};

class transfer {
 public:
  using steady = std::chrono::steady_clock;

  /// An easy handle with the shared options set; nullptr if libcurl cannot make one.
  static std::unique_ptr<transfer> create(const transfer_settings& s);
  ~transfer();
  transfer(const transfer&) = delete;
  transfer& operator=(const transfer&) = delete;

  CURL* easy() const { return easy_; }

  /// Takes the next attempt and points the handle at it. False when curl refuses
  /// the URL; finish() then reports it.
  bool begin(rate_pacer::release r, steady::time_point now);

  /// The attempt's result for curl's result code (CURLE_OK: an HTTP status arrived).
  delivery_result finish(CURLcode code, steady::time_point now);
  /// The result of an attempt cut short, e.g. at the end of a shutdown grace.
  delivery_result abort(const char* why, steady::time_point now);
  /// Detail for an error curl itself did not describe (e.g. a failed add_handle).
  void note_error(const char* text);

  /// Hands the request back once curl no longer reads its body.
  delivery_request take_request() { return std::move(req_); }

  /// How the finished attempt used the wire.
  struct wire_use {
    long connections_opened = 0;  ///< 0 when it reused a connection
    int http_major = 0;           ///< 1, 2 or 3; 0 when no answer arrived
  };
  wire_use wire() const;

  const delivery_request& request() const { return req_; }
  const rate_limit_headers& limits() const { return limits_; }
  bool probe() const { return probe_; }

 private:
  explicit transfer(const transfer_settings& s);

  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* self);
  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* self);
  static curl_socket_t on_open_socket(void* self, curlsocktype purpose, curl_sockaddr* a);

  transport_error classify(CURLcode code) const;
  std::string describe(CURLcode code, transport_error kind) const;

  /// The worker's headers, with the attempt's X-Taskhook-* identity first.
  void set_identity_headers();

  CURL* easy_ = nullptr;
  curl_slist* shared_headers_ = nullptr;  ///< the worker's (not owned)
  curl_slist* own_headers_ = nullptr;     ///< this attempt's identity, then the shared ones
  std::size_t max_bytes_;
  bool allow_private_;
  const wall_clock* clock_;

  // The attempt in progress.
  delivery_request req_;  // owns the body CURLOPT_POSTFIELDS points into
  delivery_result result_;
  std::string body_;
  rate_limit_headers limits_;
  steady::time_point t0_;
  std::chrono::milliseconds paced_for_{0};
  bool probe_ = false;
  bool blocked_ = false;  // curl only reports a failed connect; this says why
  bool too_large_ = false;
  char blocked_address_[INET6_ADDRSTRLEN] = {};
  char errbuf_[CURL_ERROR_SIZE] = {};
};

}  // namespace taskhook::webhook
