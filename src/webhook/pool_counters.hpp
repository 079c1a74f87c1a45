#pragma once
/// What the webhook pool's workers count, shared by all of them: atomics, so
/// /metrics never takes a lock.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "core/delivery.hpp"

namespace taskhook::webhook {

struct pool_counters {
  std::atomic<std::uint64_t> held{0}, queued{0}, paced{0}, in_flight{0}, sent_total{0}, completed_total{0},
      connections_opened{0};
  std::array<std::atomic<std::uint64_t>, 6> by_error{};

  void count(transport_error e) {
    by_error[static_cast<std::size_t>(e)].fetch_add(1, std::memory_order_relaxed);
    completed_total.fetch_add(1, std::memory_order_relaxed);
  }
};

}  // namespace taskhook::webhook
