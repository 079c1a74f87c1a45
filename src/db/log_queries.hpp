#pragma once
/// The task_logs table behind the REST API: a tenant's attempts, filtered by
/// task, status and time, newest first. Run by reader actors.

#include "core/expected.hpp"
#include "core/read_models.hpp"
#include "db/session.hpp"

namespace taskhook::db {

/// A page of attempts and the total behind it.
expected<log_page> list_logs(session& s, const log_query& q);

/// A page of attempts; its total only `with_total` (a task's newest attempts
/// need none).
expected<log_page> logs_page(session& s, const log_query& q, bool with_total);

}  // namespace taskhook::db
