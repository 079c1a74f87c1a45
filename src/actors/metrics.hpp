#pragma once
/// Counters, gauges and histograms the actors update on hot paths without locks
/// (relaxed atomics), read by /metrics and the admin snapshot.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "actors/in_flight_count.hpp"
#include "actors/reaching_count.hpp"

namespace taskhook {

using counter = std::atomic<std::uint64_t>;
using gauge = std::atomic<std::int64_t>;

/// A Prometheus-style histogram with fixed upper bounds (in base units, e.g.
/// seconds). observe() is two relaxed atomic adds and a short scan.
class histogram {
 public:
  static constexpr std::size_t max_buckets = 16;

  histogram(std::initializer_list<double> bounds) {
    for (double b : bounds)
      if (n_ < max_buckets) bounds_[n_++] = b;
  }

  void observe(double v) {
    std::size_t i = 0;
    while (i < n_ && v > bounds_[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    // Sums are kept in millionths so they stay integers.
    sum_micro_.fetch_add(static_cast<std::uint64_t>(v > 0 ? v * 1e6 : 0),
                         std::memory_order_relaxed);
  }

  std::size_t bucket_count() const { return n_; }
  double bound(std::size_t i) const { return bounds_[i]; }
  /// Observations in bucket i alone (i == bucket_count(): above every bound).
  std::uint64_t count_in(std::size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  double sum() const { return static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6; }
  std::uint64_t total() const {
    std::uint64_t t = 0;
    for (std::size_t i = 0; i <= n_; ++i) t += count_in(i);
    return t;
  }

 private:
  std::array<double, max_buckets> bounds_{};
  std::size_t n_ = 0;
  std::array<std::atomic<std::uint64_t>, max_buckets + 1> counts_{};
  std::atomic<std::uint64_t> sum_micro_{0};
};

struct db_metrics {
  counter rows_written{0};      ///< task_logs rows committed
  counter progress_written{0};  ///< task updates committed
  counter batches{0};           ///< transactions committed
  counter write_failures{0};    ///< batches that failed (database away or refused)
  counter rows_rejected{0};     ///< rows dropped because the database refused them
  counter rows_dropped{0};      ///< rows dropped because the in-memory bound was hit
  gauge pending_rows{0};        ///< attempt rows and updates waiting to be written
  gauge mailbox{0};             ///< db_actor mailbox size, sampled at each write
  counter reconnects{0};        ///< outages recovered from
  counter rows_pruned{0};       ///< task_logs rows removed by retention
  histogram batch_rows{1, 10, 50, 100, 500, 1000, 5000, 10000};
  histogram write_seconds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};
};

struct task_metrics {
  gauge actors{0};              ///< live task actors
  reaching_count initialized;   ///< task actors that ran their start-up (armed or failed)
  in_flight_count in_flight;    ///< runs with an attempt being delivered
  gauge retrying{0};            ///< runs waiting for their next attempt
  counter fires_schedule{0};
  counter fires_manual{0};
  counter fires_misfire{0};
  counter attempts_success{0};
  counter attempts_retry{0};
  counter attempts_failed{0};
  counter attempts_permanent{0};
  counter attempts_rate_limited{0};
  counter skipped{0};
  counter restarts{0};
  counter give_ups{0};
  counter rate_limit_waits{0};  ///< attempts the sender held back for a Discord bucket
  /// Scheduled instant → the attempt leaving (first attempts of scheduled runs).
  histogram fire_lateness{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  /// One attempt, request to last byte.
  histogram delivery_seconds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
};

/// The node's part in the cluster (ARCHITECTURE.md, Cluster).
struct cluster_metrics {
  gauge partitions_owned{0};      ///< partitions this node holds a lease on
  counter renewals{0};            ///< renewal statements that succeeded
  counter renew_failures{0};      ///< renewal statements that failed (database away)
  counter claims{0};              ///< free partitions claimed
  counter takeovers{0};           ///< partitions taken after another node's lease ran out
  counter handovers{0};           ///< partitions released gracefully to another node
  counter lost{0};                ///< partitions dropped: deadline passed or taken by another
  counter sends_refused{0};       ///< sends the lease check stopped (held ones included)
  counter writes_refused{0};      ///< task-state writes the epoch check refused
  counter changes_applied{0};     ///< changes heard through LISTEN/NOTIFY and applied here
  counter runs_requested{0};      ///< run-now requests taken from the database
  /// One renewal statement, request to answer.
  histogram renew_seconds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
};

/// Everything, owned by the service and shared by pointer.
struct runtime_metrics {
  db_metrics db;
  task_metrics tasks;
  cluster_metrics cluster;
};

}  // namespace taskhook
