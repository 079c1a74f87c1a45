#pragma once
/// The REST API's read models: the filters it reads the database with, and
/// what comes back: pages, log entries, tenants, keys and dashboard counts.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/task.hpp"
#include "core/time_format.hpp"
#include "core/uuid.hpp"

namespace taskhook {

/// GET /api/tasks
struct task_query {
  uuid tenant;
  int page = 1;
  int limit = 20;
  std::optional<task_status> status;
  std::optional<std::string> search;  ///< name contains, case-insensitive
};

/// GET /api/tasks/:id/logs and GET /api/logs
struct log_query {
  uuid tenant;
  std::optional<uuid> task_id;
  std::optional<attempt_status> status;
  std::optional<instant> from;  ///< inclusive, on execution_time
  std::optional<instant> to;    ///< exclusive
  int page = 1;
  int limit = 20;
};

/// One task_logs row as the API shows it.
struct log_entry {
  uuid id;
  attempt_row row;
  instant created_at{};
};

struct task_page {
  std::vector<task_record> items;
  std::int64_t total = 0;
};

struct log_page {
  std::vector<log_entry> items;
  std::int64_t total = 0;
};

/// A task with its newest logs (GET /api/tasks/:id).
struct task_detail {
  task_record task;
  std::vector<log_entry> logs;
};

struct dashboard_stats {
  std::int64_t total_tasks = 0;
  std::int64_t active_tasks = 0;
  std::int64_t inactive_tasks = 0;
  std::int64_t failed_tasks = 0;
  std::int64_t executions = 0;  ///< every log row of the last 24 hours
  std::int64_t success = 0;
  std::int64_t failed = 0;
  std::int64_t retrying = 0;
  std::int64_t skipped = 0;
};

struct tenant_info {
  uuid id;
  std::string name;
  bool is_default = false;
  instant created_at{};
};

struct tenant_page {
  std::vector<tenant_info> items;
  std::int64_t total = 0;
};

/// A task among the slowest or most-retrying of the last hour (admin snapshot).
struct task_rank {
  uuid task_id;
  std::string name;
  double value = 0;  ///< average duration in ms, or number of retries
};

struct task_rankings {
  std::vector<task_rank> slowest;
  std::vector<task_rank> most_retrying;
};

using key_hash = std::array<std::uint8_t, 32>;

/// An API key as the auth layer knows it: only the hash.
struct api_key_entry {
  key_hash hash{};
  uuid tenant;
  bool admin = false;
};

}  // namespace taskhook
