#pragma once
/// Counters the actors update on hot paths without locks (relaxed atomics),
/// read by /metrics and the admin snapshot.

#include <atomic>
#include <cstdint>

namespace taskhook {

using counter = std::atomic<std::uint64_t>;
using gauge = std::atomic<std::int64_t>;

struct db_metrics {
  counter rows_written{0};      ///< task_logs rows committed
  counter progress_written{0};  ///< task updates committed
  counter batches{0};           ///< transactions committed
  counter write_failures{0};    ///< batches that failed (database away or refused)
  counter rows_rejected{0};     ///< rows dropped because the database refused them
  counter rows_dropped{0};      ///< rows dropped because the in-memory bound was hit
  gauge pending_rows{0};        ///< attempt rows and updates waiting to be written
  counter reconnects{0};        ///< outages recovered from
};

struct task_metrics {
  gauge actors{0};              ///< live task actors
  gauge in_flight{0};           ///< runs with an attempt being delivered
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
};

/// Everything, owned by the service and shared by pointer.
struct runtime_metrics {
  db_metrics db;
  task_metrics tasks;
};

}  // namespace taskhook
