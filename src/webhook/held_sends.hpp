#pragma once
/// Sends prepared ahead of their instant (a delivery_request's not_before) and
/// held by a worker until the wall clock reaches it: the queue, in instant
/// order and by ticket, and the timer that wakes the worker at the instant.

#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/delivery.hpp"
#include "core/time_format.hpp"

namespace taskhook::webhook {

/// The held requests of one worker. Not thread-safe: the worker guards it with
/// the lock submitters take.
class held_sends {
 public:
  /// Holds `req` until its not_before. True when it is now the first to go out,
  /// so the worker must wake to aim its timer at it.
  bool hold(delivery_request&& req);

  /// True when the request with `ticket` was still held (it is gone now, unsent).
  bool cancel(std::uint64_t ticket);

  /// Moves the requests due at `now` into `batch`, earliest first; with `all`,
  /// every one (the pool is stopping). Returns the next one's instant.
  std::optional<instant> release_due(std::vector<delivery_request>& batch, instant now, bool all);

 private:
  using held_map = std::multimap<instant, delivery_request>;

  held_map held_;  // by not_before
  std::unordered_map<std::uint64_t, held_map::iterator> by_ticket_;
};

/// A CLOCK_REALTIME timerfd aimed at the first held request's instant: it wakes
/// the worker to the microsecond, where the millisecond poll timeout alone may
/// be up to a millisecond late. Used only on the worker's thread.
class held_timer {
 public:
  held_timer();  ///< fd() is -1 when the kernel refuses a timerfd
  ~held_timer();
  held_timer(const held_timer&) = delete;
  held_timer& operator=(const held_timer&) = delete;

  /// For the worker's poll; -1: none.
  int fd() const { return fd_; }

  /// Aims the timer at `at` (the wall clock's, as not_before is), or disarms it.
  void arm(std::optional<instant> at);

  /// Consumes an expiry, so the fd stops polling readable.
  void drain();

 private:
  int fd_ = -1;
  std::optional<instant> at_;
};

}  // namespace taskhook::webhook
