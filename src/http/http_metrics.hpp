#pragma once
/// Requests by route and status, with latency, counted without locks. Routes
/// and statuses are fixed sets, so every counter is a slot in an array.

#include <array>
#include <string_view>

#include "actors/metrics.hpp"

namespace taskhook::http {

enum class route : std::uint8_t {
  health, metrics, docs, dashboard, tasks_create, tasks_list, task_get, task_patch, task_delete,
  task_toggle, task_run, task_logs, logs, stats, cron_preview, tenants_create, tenants_list,
  admin_actors, admin_cluster, not_found, count_
};

/// The route label, as Prometheus shows it (`POST /api/tasks`).
std::string_view route_label(route r);

class http_metrics {
 public:
  static constexpr std::array<int, 16> statuses{200, 201, 202, 204, 304, 400, 401, 403,
                                                404, 409, 413, 415, 429, 500, 503, 0};

  void record(route r, int status, double seconds) {
    auto ri = static_cast<std::size_t>(r);
    requests_[ri][status_index(status)].fetch_add(1, std::memory_order_relaxed);
    latency_[ri].observe(seconds);
  }
  std::uint64_t requests(route r, std::size_t status_slot) const {
    return requests_[static_cast<std::size_t>(r)][status_slot].load(std::memory_order_relaxed);
  }
  const histogram& latency(route r) const { return latency_[static_cast<std::size_t>(r)]; }

 private:
  static std::size_t status_index(int status) {
    for (std::size_t i = 0; i + 1 < statuses.size(); ++i)
      if (statuses[i] == status) return i;
    return statuses.size() - 1;  // anything else: "other"
  }
  static constexpr std::size_t route_count = static_cast<std::size_t>(route::count_);
  std::array<std::array<counter, statuses.size()>, route_count> requests_{};
  std::array<histogram, route_count> latency_ = make_latency();

  static std::array<histogram, route_count> make_latency() {
    return make_latency_impl(std::make_index_sequence<route_count>{});
  }
  template <std::size_t... I>
  static std::array<histogram, route_count> make_latency_impl(std::index_sequence<I...>) {
    return {((void)I, histogram{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                0.5, 1, 2.5, 5})...};
  }
};

}  // namespace taskhook::http
