#pragma once
/// What the actors need from persistence. src/db implements it over libpq;
/// actor tests use an in-memory fake. Calls block: only the db_actor, which runs
/// on its own thread, makes them.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "core/task.hpp"

namespace taskhook {

/// How a batch write went.
enum class write_status : std::uint8_t {
  ok,
  unavailable,  ///< the database is away: keep the batch and try again later
  rejected,     ///< the database refused the data itself: retrying cannot help
};

class store {
 public:
  virtual ~store() = default;

  /// True when the database answers a trivial query; reconnects first if the
  /// connection was lost.
  virtual bool ping() = 0;

  /// Writes attempt rows (in order) and task progress in one transaction.
  /// Progress whose revision is not the task's current one is ignored.
  virtual write_status write_batch(std::span<const attempt_row> attempts,
                                   std::span<const task_progress> progress,
                                   std::string& error_out) = 0;

  /// ACTIVE, not deleted tasks with id > after (nil: from the first), in id
  /// order, at most `limit`.
  virtual expected<std::vector<task_record>> load_active(const uuid& after,
                                                         std::uint32_t limit) = 0;
};

}  // namespace taskhook
