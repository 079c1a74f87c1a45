#include "core/cluster/lease_table.hpp"

#include <limits>

namespace taskhook::cluster {
namespace {

std::int64_t ns(monotonic_time t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

// Writers change the deadline on both sides of an epoch change and readers
// read the epoch on both sides of the deadline (sequentially consistent), so
// a reader never pairs one holding's epoch with another holding's deadline.

void lease_table::hold(int partition, std::int64_t epoch, monotonic_time deadline) {
  auto& s = slots_[partition];
  s.deadline_ns.store(0);
  s.epoch.store(epoch);
  s.deadline_ns.store(ns(deadline));
}

void lease_table::extend(int partition, std::int64_t epoch, monotonic_time deadline) {
  auto& s = slots_[partition];
  if (s.epoch.load() == epoch) s.deadline_ns.store(ns(deadline));
}

void lease_table::drop(int partition) {
  auto& s = slots_[partition];
  s.deadline_ns.store(0);
  s.epoch.store(0);
}

std::optional<std::int64_t> lease_table::epoch_at(int partition, monotonic_time now) const {
  if (partition < 0 || partition >= partition_count) return std::nullopt;
  const auto& s = slots_[partition];
  const auto before = s.epoch.load();
  const auto deadline = s.deadline_ns.load();
  const auto after = s.epoch.load();
  if (before == 0 || before != after || ns(now) >= deadline) return std::nullopt;
  return before;
}

bool lease_table::holds(int partition, std::int64_t epoch, monotonic_time now) const {
  auto held = epoch_at(partition, now);
  return held && *held == epoch;
}

partition_set lease_table::held_at(monotonic_time now) const {
  partition_set out;
  for (int p = 0; p < partition_count; ++p)
    if (epoch_at(p, now)) out.set(p);
  return out;
}

}  // namespace taskhook::cluster
