#pragma once
/// The tasks table behind the REST API: changes (run by the db_actor, the
/// single writer) and reads (run by reader actors on their own connections).
/// Every statement filters by tenant.

#include <cstdint>
#include <optional>

#include "core/expected.hpp"
#include "core/read_models.hpp"
#include "core/task.hpp"
#include "core/task_input.hpp"
#include "db/session.hpp"

namespace taskhook::db {

// -- changes (db_actor) -------------------------------------------------------

/// Inserts a new task as lifecycle::new_task made it (next_run_at included).
expected<task_record> insert_task(session& s, task_record t, instant now);

/// Applies a validated patch; nullopt when the tenant has no such task.
expected<std::optional<task_record>> patch_task(session& s, const uuid& tenant, const uuid& id,
                                                const task_input& in, instant now);

/// ACTIVE → INACTIVE; INACTIVE or FAILED → ACTIVE. nullopt when not found.
expected<std::optional<task_record>> toggle_task(session& s, const uuid& tenant, const uuid& id,
                                                 instant now);

/// Soft delete; the task's revision after it, 0 when not found.
expected<std::int64_t> delete_task(session& s, const uuid& tenant, const uuid& id);

// -- reads (reader actors) ----------------------------------------------------

expected<task_page> list_tasks(session& s, const task_query& q);
/// The task with its `newest_logs` newest attempts; nullopt when not found.
expected<std::optional<task_detail>> get_task(session& s, const uuid& tenant, const uuid& id,
                                              int newest_logs);

}  // namespace taskhook::db
