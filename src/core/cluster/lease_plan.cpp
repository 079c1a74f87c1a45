#include "core/cluster/lease_plan.hpp"

#include <algorithm>

namespace taskhook::cluster {

std::chrono::milliseconds lease_timing::margin() const {
  return std::clamp<std::chrono::milliseconds>(lease / 10, std::chrono::milliseconds(100),
                                               std::chrono::milliseconds(2000));
}

monotonic_time trusted_until(monotonic_time request_started, const lease_timing& t) {
  return request_started + t.lease - t.margin();
}

int fair_share(int live_nodes) {
  const int nodes = std::max(live_nodes, 1);
  return (partition_count + nodes - 1) / nodes;
}

lease_step plan_leases(const partition_set& held, const partition_set& moving, int live_nodes) {
  lease_step step;
  const int share = fair_share(live_nodes);
  // Partitions on their way out still count: they are held until released.
  const int holding = static_cast<int>(held.count());
  const int staying = static_cast<int>((held & ~moving).count());
  if (staying > share) {
    int excess = staying - share;
    for (int p = partition_count - 1; p >= 0 && excess > 0; --p)
      if (held[p] && !moving[p]) {
        step.hand_over.set(p);
        --excess;
      }
  } else if (holding < share) {
    step.claim = share - holding;
  }
  return step;
}

std::vector<int> members(const partition_set& s) {
  std::vector<int> out;
  out.reserve(s.count());
  for (int p = 0; p < partition_count; ++p)
    if (s[p]) out.push_back(p);
  return out;
}

}  // namespace taskhook::cluster
