#pragma once
/// The SQL behind the REST API, as functions over a session: task changes
/// (run by the db_actor, the single writer) and reads (run by reader actors on
/// their own connections). Every statement filters by tenant.

#include <optional>
#include <string>
#include <vector>

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

/// Soft delete; false when not found.
expected<std::int64_t> delete_task(session& s, const uuid& tenant, const uuid& id);

/// A tenant with one API key (stored as its hash).
expected<tenant_info> insert_tenant(session& s, const std::string& name, const key_hash& hash);

/// The default tenant exists and `hash` (the API_KEY variable) is its admin
/// key; a previous API_KEY's key is revoked. Returns the default tenant's id.
expected<uuid> ensure_admin_key(session& s, const key_hash& hash);

// -- reads (reader actors) ----------------------------------------------------

expected<task_page> list_tasks(session& s, const task_query& q);
expected<std::optional<task_detail>> get_task(session& s, const uuid& tenant, const uuid& id,
                                              int newest_logs);
expected<log_page> list_logs(session& s, const log_query& q);
expected<dashboard_stats> stats(session& s, const uuid& tenant, instant now);
expected<tenant_page> list_tenants(session& s, int page, int limit);
expected<std::vector<api_key_entry>> load_keys(session& s);
expected<task_rankings> rank_tasks(session& s, instant since, int n);

}  // namespace taskhook::db
