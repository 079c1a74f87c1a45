#pragma once
/// The webhook pool: K delivery workers (delivery_worker.hpp), each a libcurl
/// multi handle on its own thread, behind the delivery_sink interface. Keeps connections alive, caps
/// time and response size, refuses private targets (SSRF) and paces requests
/// per Discord rate-limit bucket. libcurl stays out of this header.

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ports/delivery_sink.hpp"
#include "webhook/pool_counters.hpp"

namespace taskhook::webhook {

class delivery_worker;  // delivery_worker.hpp

struct curl_pool_options {
  int workers = 1;                               ///< WEBHOOK_WORKERS
  std::chrono::milliseconds timeout{10000};      ///< WEBHOOK_TIMEOUT_MS, connect to last byte
  bool allow_private_targets = false;            ///< ALLOW_PRIVATE_TARGETS
  std::size_t max_response_bytes = 64 * 1024;    ///< a larger answer is transport_error::too_large
  std::size_t max_connections_per_worker = 256;  ///< concurrent transfers (and cached connections)
  /// Connections a worker may open to one host while that host may speak
  /// HTTP/2 (0: no cap). Over HTTP/2 libcurl multiplexes transfers on a
  /// connection, but opens one more for every transfer that starts before a
  /// connection has confirmed it: one TLS handshake per transfer of a cold
  /// burst (docs/BENCHMARKS.md, "A cold burst over HTTP/2"). The first answer
  /// over HTTP/1.x lifts the cap for good: there it would only throttle.
  std::size_t max_host_connections = 0;
  std::string ca_file;  ///< PEM certificates to verify hosts with; empty: the system's
  std::string user_agent;                        ///< empty: "taskhook/<version>"
  /// Longest a request is held for an exhausted rate-limit bucket, whatever the
  /// server asks; after that it is sent and a 429 reaches the task actor.
  std::chrono::milliseconds max_pacing{60000};
};

/// A snapshot of the pool's counters (for /metrics).
struct curl_pool_stats {
  std::uint64_t held = 0;             ///< prepared ahead of their not_before
  std::uint64_t queued = 0;           ///< accepted, waiting for a worker or a free slot
  std::uint64_t paced = 0;            ///< held back for a rate-limit bucket
  std::uint64_t in_flight = 0;        ///< transfers running
  std::uint64_t sent_total = 0;       ///< transfers started
  std::uint64_t completed_total = 0;  ///< outcomes reported, rejected ones included
  std::uint64_t connections_opened_total = 0;  ///< new connections (TCP, and TLS over https)
  /// Outcomes by transport_error (index = enum value; `none` = an HTTP status arrived).
  std::array<std::uint64_t, 6> by_error{};
};

class curl_pool final : public delivery_sink {
 public:
  /// Starts the worker threads. `clock` stamps delivery_result::started and must
  /// outlive the pool. Throws std::runtime_error if libcurl cannot be set up.
  explicit curl_pool(curl_pool_options opts, const wall_clock& clock = system_wall_clock());
  ~curl_pool() override;  ///< shutdown(0) if nobody did

  curl_pool(const curl_pool&) = delete;
  curl_pool& operator=(const curl_pool&) = delete;

  /// Routes by rate_key, so one webhook's bucket lives in one worker. After
  /// shutdown began, on_done runs at once on the caller's thread with
  /// transport_error::other "shutting down".
  /// A request with a `not_before` still ahead is held by its worker and
  /// released at that wall-clock instant (by `clock`), never earlier.
  void submit(delivery_request req) override;
  bool cancel(const std::string& rate_key, std::uint64_t ticket) override;

  /// Stops taking requests, lets in-flight and held ones finish for up to
  /// `grace`, completes the rest with "shutting down", and joins the workers.
  /// Later calls return at once. Not from an on_done: it joins that thread.
  void shutdown(std::chrono::milliseconds grace) override;

  /// Lock-free reads; the fields are not one consistent snapshot.
  curl_pool_stats stats() const;
  sink_counters read_counters() const override;

 private:
  struct library;  // curl_global_init / curl_global_cleanup

  delivery_worker& worker_for(const std::string& rate_key);

  curl_pool_options opts_;
  const wall_clock& clock_;
  pool_counters counters_;
  std::unique_ptr<library> library_;  // declared before workers_: outlives them
  std::vector<std::unique_ptr<delivery_worker>> workers_;
  std::mutex shutdown_mutex_;
  bool shut_down_ = false;
};

}  // namespace taskhook::webhook
