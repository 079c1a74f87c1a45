#pragma once
/// A counter for /metrics that start-up can also wait on until it reaches a
/// number (every task actor loaded has run its start-up), without polling it:
/// the increment that reaches the number wakes the waiter.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>

namespace taskhook {

class reaching_count {
 public:
  std::uint64_t fetch_add(std::uint64_t d, std::memory_order o = std::memory_order_seq_cst) {
    const std::uint64_t before = value_.fetch_add(d, o);
    if (before + d >= target_.load(std::memory_order_acquire)) {
      // Taking the lock orders this wake-up after the waiter's check.
      { std::lock_guard lock(mutex_); }
      reached_.notify_all();
    }
    return before;
  }
  std::uint64_t load(std::memory_order o = std::memory_order_seq_cst) const {
    return value_.load(o);
  }

  /// Blocks until the count is at least `n`, at most `timeout`; true when it
  /// is. Not for actor threads: start-up calls it from its own thread.
  bool wait_for_at_least(std::uint64_t n, std::chrono::milliseconds timeout) {
    target_.store(n, std::memory_order_release);
    std::unique_lock lock(mutex_);
    return reached_.wait_for(lock, timeout,
                             [this, n] { return value_.load(std::memory_order_acquire) >= n; });
  }

 private:
  std::atomic<std::uint64_t> value_{0};
  /// Increments below it wake nobody (a million of them at start-up).
  std::atomic<std::uint64_t> target_{std::numeric_limits<std::uint64_t>::max()};
  std::mutex mutex_;
  std::condition_variable reached_;
};

}  // namespace taskhook
