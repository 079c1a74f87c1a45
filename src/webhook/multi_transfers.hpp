#pragma once
/// One worker's libcurl multi handle and the transfers it runs: a transfer per
/// free slot on a reused easy handle, the finished ones collected, the per-host
/// connection cap lifted once a host answers over HTTP/1.x, and everything cut
/// short at the end of a shutdown. Used on the worker's thread, wakeup() aside.
/// Internal to src/webhook (it includes curl through transfer.hpp).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <unordered_set>
#include <vector>

#include "core/clock.hpp"
#include "core/delivery.hpp"
#include "webhook/curl_pool.hpp"
#include "webhook/pool_counters.hpp"
#include "webhook/rate_limit_headers.hpp"
#include "webhook/rate_pacer.hpp"
#include "webhook/transfer.hpp"

namespace spdlog {
class logger;
}

namespace taskhook::webhook {

/// What became of one transfer, for the worker to pace on and report.
struct transfer_done {
  delivery_request req;
  delivery_result result;
  rate_limit_headers limits;  ///< what the answer said of its bucket (a 429's body wait included)
  bool probe = false;         ///< as the pacer released it
  bool aborted = false;       ///< cut short by the shutdown deadline: no answer to pace on
  std::chrono::steady_clock::time_point at{};  ///< when it was seen to finish
};

class multi_transfers {
 public:
  using steady = std::chrono::steady_clock;
  using done_fn = std::function<void(transfer_done&&)>;

  /// Throws std::runtime_error when libcurl cannot make the handles. `on_done`
  /// runs for every transfer that started, on the worker's thread.
  multi_transfers(std::size_t worker_index, const curl_pool_options& opts, const wall_clock& clock,
                  pool_counters& counters, std::shared_ptr<spdlog::logger> log, done_fn on_done);
  ~multi_transfers();
  multi_transfers(const multi_transfers&) = delete;
  multi_transfers& operator=(const multi_transfers&) = delete;

  bool has_free_slot() const { return running_.size() < max_active_; }
  bool empty() const { return running_.empty(); }

  /// Starts `r` in a free slot. False when no easy handle can be made: `r` is
  /// then untouched. One that fails at once reports through on_done before
  /// this returns.
  bool start(rate_pacer::release& r, steady::time_point now);

  /// Lets libcurl move every transfer on, then reports the finished ones.
  void perform();

  /// Waits up to `wait` for the transfers' sockets, a wakeup(), or `extra_fd`
  /// (-1: none) to become readable. True when extra_fd did.
  bool poll(int extra_fd, std::chrono::milliseconds wait);

  /// Thread-safe: ends a poll() early.
  void wakeup();

  /// Cuts every running transfer short with `why`; each reports as aborted.
  void abort_all(const char* why, steady::time_point now);

 private:
  struct multi_cleanup {
    void operator()(CURLM* m) const { curl_multi_cleanup(m); }
  };
  struct share_cleanup {
    void operator()(CURLSH* s) const { curl_share_cleanup(s); }
  };
  struct slist_cleanup {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
  };

  /// Reports one attempt and frees its slot.
  void complete(transfer* t, CURLcode code, steady::time_point now, bool added);
  void note_wire(transfer::wire_use w);
  void release_slot(transfer* t);
  void log_outcome(const transfer& t, const delivery_result& res);
  /// A reused easy handle when one is free: its connection cache entry and TLS
  /// session stay warm.
  transfer* acquire();

  const std::size_t index_;
  const std::size_t max_active_;
  std::size_t host_cap_;  // CURLMOPT_MAX_HOST_CONNECTIONS; 0 once lifted (or never set)
  const wall_clock& clock_;
  pool_counters& counters_;
  std::shared_ptr<spdlog::logger> log_;
  done_fn on_done_;

  // Declared before transfers_, so the easy handles are cleaned up first.
  std::unique_ptr<CURLM, multi_cleanup> multi_;
  std::unique_ptr<CURLSH, share_cleanup> share_;
  std::unique_ptr<curl_slist, slist_cleanup> headers_;
  transfer_settings settings_;

  std::vector<std::unique_ptr<transfer>> transfers_;
  std::vector<transfer*> free_;
  std::unordered_set<transfer*> running_;
};

}  // namespace taskhook::webhook
