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
#include "core/read_models.hpp"
#include "core/task.hpp"
#include "core/task_input.hpp"

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

  // -- changes through the API: durable before they return --------------------

  /// Inserts `t`; next_run_at is computed for ACTIVE tasks.
  virtual expected<task_record> create_task(task_record t, instant now) = 0;
  /// nullopt: the tenant has no such task.
  virtual expected<std::optional<task_record>> patch_task(const uuid& tenant, const uuid& id,
                                                          const task_input& in, instant now) = 0;
  virtual expected<std::optional<task_record>> toggle_task(const uuid& tenant, const uuid& id,
                                                           instant now) = 0;
  /// The task's revision after the delete; 0: the tenant has no such task.
  virtual expected<std::int64_t> delete_task(const uuid& tenant, const uuid& id) = 0;
  virtual expected<tenant_info> create_tenant(const std::string& name, const key_hash& hash) = 0;

  /// Records a run-now request for whichever node holds `partition`.
  virtual expected<bool> request_run(const uuid& task, const uuid& tenant, int partition,
                                     instant scheduled_for) {
    (void)task, (void)tenant, (void)partition, (void)scheduled_for;
    return error{"run-now requests need the database"};
  }

  /// Task-state writes refused since the last call because the partition
  /// lease they were made under is no longer current (fencing).
  virtual std::uint64_t take_fenced_writes() { return 0; }
};

/// What the reader actors need: the REST API's queries. Blocking, like store.
class catalog {
 public:
  virtual ~catalog() = default;
  virtual bool ping() = 0;
  virtual expected<task_page> list_tasks(const task_query& q) = 0;
  /// nullopt: the tenant has no such task.
  virtual expected<std::optional<task_detail>> get_task(const uuid& tenant, const uuid& id) = 0;
  virtual expected<log_page> list_logs(const log_query& q) = 0;
  virtual expected<dashboard_stats> stats(const uuid& tenant, instant now) = 0;
  virtual expected<tenant_page> list_tenants(int page, int limit) = 0;
  virtual expected<std::vector<api_key_entry>> load_keys() = 0;
  /// The `n` slowest and most-retrying tasks since `since`, all tenants.
  virtual expected<task_rankings> rank_tasks(instant since, int n) = 0;
};

}  // namespace taskhook

namespace taskhook {

/// Retention: deletes old task_logs rows in small batches. Blocking.
class log_pruner {
 public:
  virtual ~log_pruner() = default;
  /// Deletes at most `batch` rows executed before `cutoff`; how many went.
  virtual expected<long> prune(instant cutoff, int batch) = 0;
};

}  // namespace taskhook
