#pragma once
/// Which partitions this node may act on right now: the fencing state shared
/// by the lease actor (which writes it) and everything that must not act on a
/// lease it no longer holds (the supervisors when they arm a task, the webhook
/// pool before every send). Lock-free; safe from any thread. Where no table
/// is given (actor tests), nothing is fenced.

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>

#include "core/cluster/lease_plan.hpp"

namespace taskhook::cluster {

class lease_table {
 public:
  /// This node took `partition` under `epoch`, trusted until `deadline`.
  void hold(int partition, std::int64_t epoch, monotonic_time deadline);
  /// A renewal moved the deadline of a partition held under `epoch`.
  void extend(int partition, std::int64_t epoch, monotonic_time deadline);
  /// Not held any more (released, lost, or past its deadline).
  void drop(int partition);

  /// True when `partition` is held under `epoch` and `now` is before its
  /// deadline: the check before a send.
  bool holds(int partition, std::int64_t epoch, monotonic_time now) const;
  /// The epoch `partition` is held under at `now`, if it is.
  std::optional<std::int64_t> epoch_at(int partition, monotonic_time now) const;
  /// Every partition held at `now`.
  partition_set held_at(monotonic_time now) const;

 private:
  struct slot {
    /// 0: not held. Epochs start at 1 (the first claim raises 0 to 1).
    std::atomic<std::int64_t> epoch{0};
    /// Nanoseconds of the monotonic clock; 0: not held.
    std::atomic<std::int64_t> deadline_ns{0};
  };
  std::array<slot, partition_count> slots_;
};

}  // namespace taskhook::cluster
