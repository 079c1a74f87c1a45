#pragma once
/// Counts for the dashboard and the admin snapshot: a tenant's tasks by status
/// and attempts of the last 24 hours, and the slowest and most-retrying tasks.

#include "core/expected.hpp"
#include "core/read_models.hpp"
#include "db/session.hpp"

namespace taskhook::db {

/// GET /api/dashboard/stats: counts as of `now`.
expected<dashboard_stats> stats(session& s, const uuid& tenant, instant now);

/// The `n` slowest and most-retrying tasks since `since`, all tenants.
expected<task_rankings> rank_tasks(session& s, instant since, int n);

}  // namespace taskhook::db
