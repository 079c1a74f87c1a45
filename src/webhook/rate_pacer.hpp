#pragma once
/// Pacing by Discord rate limit: the per-worker pacer that holds a request back
/// while its webhook's bucket is exhausted instead of sending it into a 429, and
/// the global limit all workers share. Pure and single-threaded (the global
/// limit aside); time is passed in, so tests drive it exactly.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/delivery.hpp"
#include "webhook/rate_limit_headers.hpp"

namespace taskhook::webhook {

/// Discord's global limit (a 429 with X-RateLimit-Global: true): it covers the
/// whole sender, so every worker's pacer shares one. Thread-safe.
class global_limit {
 public:
  using clock = std::chrono::steady_clock;

  /// Until when nothing may be sent (in the past: no limit).
  clock::time_point until() const {
    return clock::time_point(clock::duration(until_.load(std::memory_order_acquire)));
  }
  /// Closes everything until `t`, unless it is closed longer already.
  void extend(clock::time_point t) {
    auto want = t.time_since_epoch().count();
    auto have = until_.load(std::memory_order_relaxed);
    while (have < want && !until_.compare_exchange_weak(have, want, std::memory_order_acq_rel)) {
    }
  }

 private:
  std::atomic<clock::rep> until_{clock::time_point::min().time_since_epoch().count()};
};

/// Holds requests per rate_key while the bucket is exhausted (remaining 0 until
/// its reset, or a 429) and lets them go in arrival order when it reopens.
/// After a reset only one request goes out first (the probe) and the others wait
/// for its answer, so a backlog does not hit a fresh window all at once.
class rate_pacer {
 public:
  using clock = std::chrono::steady_clock;

  /// A request the pacer lets go.
  struct release {
    delivery_request req;
    std::chrono::milliseconds paced_for{0};  ///< time held back
    bool probe = false;                      ///< pass back to record_response
  };

  /// `max_hold` bounds how long any request is held, whatever a server asks:
  /// a task actor waiting on its outcome must not stall for hours. `global`:
  /// the limit shared with the other workers' pacers (nullptr: one of its own).
  explicit rate_pacer(std::chrono::milliseconds max_hold = std::chrono::seconds(60),
                      std::shared_ptr<global_limit> global = nullptr);

  /// Queues `req` behind its bucket; it is released at once if the bucket is open.
  void admit(delivery_request req, clock::time_point now);

  /// Updates the bucket from a finished attempt (every attempt that was released,
  /// transport errors included, so a probe never stays outstanding).
  void record_response(const std::string& rate_key, const rate_limit_headers& h, int http_status,
                       bool probe, clock::time_point now);

  /// Releases what has become due by `now` and forgets idle buckets.
  void advance(clock::time_point now);

  /// Requests released since the last call, in release order.
  std::vector<release> take_released();

  /// The earliest time advance() may have something to do.
  std::optional<clock::time_point> next_deadline() const;

  /// Removes held requests whose bucket stays closed past `deadline` (for a
  /// bounded shutdown: waiting cannot help them).
  std::vector<delivery_request> take_held_beyond(clock::time_point deadline);

  /// Removes every held request.
  std::vector<delivery_request> take_all();

  std::size_t held() const { return held_; }
  std::size_t buckets() const { return buckets_.size(); }

 private:
  struct held_request {
    delivery_request req;
    clock::time_point since;
  };
  struct bucket {
    int remaining = -1;  ///< -1: unknown, so not limiting
    clock::time_point reset_at{};
    clock::time_point armed_for{};  ///< avoids one timer per held request
    bool probe_in_flight = false;
    std::deque<held_request> waiting;
  };
  struct timer {
    clock::time_point when;
    std::string key;
    bool operator>(const timer& o) const { return when > o.when; }
  };
  using bucket_map = std::unordered_map<std::string, bucket>;

  void drain(const std::string& key, bucket& b, clock::time_point now);
  void arm(const std::string& key, bucket& b, clock::time_point when);
  void evict_if_idle(bucket_map::iterator it, clock::time_point now);

  std::chrono::milliseconds max_hold_;
  bucket_map buckets_;
  std::priority_queue<timer, std::vector<timer>, std::greater<>> timers_;
  std::shared_ptr<global_limit> global_;
  std::vector<release> released_;
  std::size_t held_ = 0;
};

}  // namespace taskhook::webhook
