#pragma once
/// One delivery worker of the webhook pool: a thread that takes submitted
/// requests, holds the early ones until their instant (held_sends), paces them
/// by rate-limit bucket (rate_pacer) and runs them on its multi handle
/// (multi_transfers), reporting every outcome through the request's on_done.
/// Internal to src/webhook.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/delivery.hpp"
#include "webhook/curl_pool.hpp"
#include "webhook/held_sends.hpp"
#include "webhook/multi_transfers.hpp"
#include "webhook/pool_counters.hpp"
#include "webhook/rate_pacer.hpp"

namespace spdlog {
class logger;
}

namespace taskhook::webhook {

/// The error text of a request the pool completes because it is stopping.
inline constexpr const char* shutting_down = "shutting down";

/// Its own connections, DNS cache, TLS sessions and the rate-limit buckets of
/// the webhooks routed to it.
class delivery_worker {
 public:
  using steady = std::chrono::steady_clock;

  delivery_worker(std::size_t index, const curl_pool_options& opts, const wall_clock& clock,
                  pool_counters& counters, std::shared_ptr<spdlog::logger> log,
                  std::shared_ptr<global_limit> global);
  ~delivery_worker();

  delivery_worker(const delivery_worker&) = delete;
  delivery_worker& operator=(const delivery_worker&) = delete;

  void start();

  /// False once stopping: the caller completes `req` itself.
  bool enqueue(delivery_request& req);

  /// True when the held request was still here (it is gone now, unsent).
  bool cancel(std::uint64_t ticket);

  void begin_stop(steady::time_point deadline);

  void join();

 private:
  /// Under mutex_. Wakes the worker when this is now the first to go out.
  void hold(delivery_request&& req);
  /// Under mutex_: moves the held requests that are due into `batch`. With
  /// `all`, every one (the pool is stopping). Returns the next one's instant.
  std::optional<instant> release_due(std::vector<delivery_request>& batch, bool all);

  void run();

  /// Starts what the pacer let go, as far as free slots allow, oldest first.
  void start_released(steady::time_point now);
  void start_transfer(rate_pacer::release r, steady::time_point now);
  /// A transfer ended: settle its bucket, report it, let the next ones go.
  void on_transfer_done(transfer_done&& d);

  /// The shutdown deadline: whatever is still running or held ends here.
  void abort_all();
  void reject(delivery_request req, const char* why = shutting_down);
  void deliver(delivery_request& req, delivery_result&& res);
  void sync_paced();

  const std::size_t index_;
  const wall_clock& clock_;
  pool_counters& counters_;
  std::shared_ptr<spdlog::logger> log_;

  multi_transfers transfers_;
  held_timer held_timer_;
  std::thread thread_;

  // Shared with submitters.
  std::mutex mutex_;
  std::vector<delivery_request> incoming_;
  held_sends held_;
  bool stopping_ = false;
  steady::time_point stop_deadline_{};

  // The worker thread's own.
  rate_pacer pacer_;
  std::deque<rate_pacer::release> waiting_for_slot_;
  std::size_t paced_seen_ = 0;
  bool starting_ = false;
};

}  // namespace taskhook::webhook
