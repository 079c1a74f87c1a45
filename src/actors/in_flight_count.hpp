#pragma once
/// The number of task runs with an attempt out: a gauge for /metrics that a
/// stop can also wait on. The attempt that brings it to zero wakes the waiter,
/// so a drain blocks on a condition instead of polling the gauge.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace taskhook {

class in_flight_count {
 public:
  std::int64_t fetch_add(std::int64_t d, std::memory_order o = std::memory_order_seq_cst) {
    return value_.fetch_add(d, o);
  }
  std::int64_t fetch_sub(std::int64_t d, std::memory_order o = std::memory_order_seq_cst) {
    const std::int64_t before = value_.fetch_sub(d, o);
    if (before - d <= 0) {
      // Taking the lock orders this wake-up after a waiter's check, so it
      // cannot fall between the waiter's check and its sleep.
      { std::lock_guard lock(mutex_); }
      zero_.notify_all();
    }
    return before;
  }
  std::int64_t load(std::memory_order o = std::memory_order_seq_cst) const { return value_.load(o); }

  /// Blocks until the count is zero, at most `timeout`; true when it is.
  /// Not for actor threads: the stop sequence calls it from its own thread.
  bool wait_for_zero(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return zero_.wait_for(lock, timeout, [this] { return value_.load(std::memory_order_acquire) <= 0; });
  }

 private:
  std::atomic<std::int64_t> value_{0};
  std::mutex mutex_;
  std::condition_variable zero_;
};

}  // namespace taskhook
