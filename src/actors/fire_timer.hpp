#pragma once
/// The pending fires of all task actors in one structure. CAF's own timers
/// (`delayed_send`) keep every pending message in a multimap: O(log n) per
/// fire with a million tasks, a pre-built message (~150 bytes) per idle task,
/// and a strong reference that keeps a deleted task's actor in memory until
/// its timer runs out (up to a year for a yearly task). Here a fire is a
/// 40-byte slot in a slab, in a bucket per due instant (cron fires share whole
/// seconds, so a second's thousands of fires are one bucket); arming is
/// O(log b) in the number of distinct pending instants, cancelling is O(1)
/// once the bucket is found, and the message is made when the fire is due.
/// Targets are held weakly: an actor cancels its slot when it ends.
///
/// Driven by its own thread (start/stop), or by hand (fire_due) in tests.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/clock.hpp"

namespace caf {
class actor_control_block;
}

namespace taskhook {

/// Names one pending fire. Stale (and harmless to cancel) once it fired or
/// was cancelled: slots are reused with a new stamp.
struct fire_handle {
  std::uint32_t slot = 0;
  std::uint32_t stamp = 0;
};

class fire_timer {
 public:
  /// Times are read from `clock`, which must outlive the timer.
  explicit fire_timer(const wall_clock& clock);
  ~fire_timer();  ///< stop()
  fire_timer(const fire_timer&) = delete;
  fire_timer& operator=(const fire_timer&) = delete;

  /// Starts the thread that sends each fire when the clock reaches it.
  void start();
  /// Joins that thread; later fires are not sent. Cancelling still works.
  void stop();

  /// Sends (fire_atom, generation) to `target` once `clock` reaches `due`,
  /// replacing the target's `previous` pending fire. The target must cancel
  /// its handle before it is destroyed (task actors do so when they end).
  fire_handle arm(fire_handle previous, instant due, caf::actor_control_block* target,
                  std::uint32_t generation);
  void cancel(fire_handle h);

  /// Sends every fire that is due by the clock; returns how many were sent.
  std::size_t fire_due();
  /// When the next pending fire is due.
  std::optional<instant> next_due() const;
  std::size_t pending() const;

 private:
  struct slot {
    instant due{};
    caf::actor_control_block* target = nullptr;
    std::uint32_t generation = 0;
    std::uint32_t stamp = 0;
    std::uint32_t prev = 0;  ///< 0: first in its bucket
    std::uint32_t next = 0;  ///< 0: last
  };

  void unlink(std::uint32_t i);   // under mutex_
  void release(std::uint32_t i);  // under mutex_: back to the free list, stamp bumped
  void run();

  const wall_clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<slot> slots_;  // [0] unused: index 0 means "none"
  std::vector<std::uint32_t> free_;
  std::map<instant, std::uint32_t> buckets_;  // due -> first slot
  std::size_t pending_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace taskhook
