#pragma once
/// The single writer to the database. All persistence goes through its mailbox,
/// so the rows of one task never race. It batches: what arrives within
/// `flush_interval` goes to PostgreSQL in one transaction; while the database is
/// away it keeps the batch (bounded), retries with backoff, and loses nothing it
/// was given.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "actors/metrics.hpp"
#include "actors/protocol.hpp"
#include "core/clock.hpp"
#include "core/ports/store.hpp"

namespace taskhook {

struct db_actor_options {
  std::chrono::milliseconds flush_interval{5};
  std::size_t max_batch = 5000;         ///< write at once when this many are pending
  std::size_t max_pending = 2'000'000;  ///< memory bound while the database is away
  std::chrono::milliseconds retry_min{100};
  std::chrono::milliseconds retry_max{5000};
  /// What time it is (task_logs ids are time-ordered) and how long writes take.
  const wall_clock* clock = &system_wall_clock();
  /// Seeds the random part of task_logs ids; the caller draws it.
  std::uint64_t id_seed = 0;
};

/// Spawns the db_actor. `detached` gives it a thread of its own, which a
/// blocking store needs; tests with an in-memory store pass false so the test
/// coordinator schedules it.
db_actor_type spawn_db_actor(caf::actor_system& sys, std::shared_ptr<store> st,
                             runtime_metrics* metrics, db_actor_options opts = {},
                             bool detached = true);

}  // namespace taskhook
