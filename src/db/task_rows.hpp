#pragma once
/// The tasks table as rows: the column list every task SELECT or RETURNING
/// reads, and the mapping of one such row to a task_record. Shared by the
/// store (loading active tasks) and the API's statements.

#include <string>

#include "core/task.hpp"
#include "db/connection.hpp"

namespace taskhook::db {

/// The SELECT list that task_from_row reads.
extern const char* const task_columns;

/// `sql` with every `{cols}` replaced by task_columns.
std::string with_task_columns(const char* sql);

/// Maps one row of the task columns.
task_record task_from_row(const result& r, int row);

}  // namespace taskhook::db
