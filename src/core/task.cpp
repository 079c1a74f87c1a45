#include "core/task.hpp"

namespace taskhook {

std::string_view to_string(task_status s) {
  switch (s) {
    case task_status::active: return "ACTIVE";
    case task_status::inactive: return "INACTIVE";
    case task_status::failed: return "FAILED";
  }
  return "ACTIVE";
}

std::optional<task_status> parse_task_status(std::string_view s) {
  if (s == "ACTIVE") return task_status::active;
  if (s == "INACTIVE") return task_status::inactive;
  if (s == "FAILED") return task_status::failed;
  return std::nullopt;
}

std::string_view to_string(run_trigger t) {
  switch (t) {
    case run_trigger::schedule: return "schedule";
    case run_trigger::manual: return "manual";
    case run_trigger::misfire: return "misfire";
  }
  return "schedule";
}

std::optional<run_trigger> parse_run_trigger(std::string_view s) {
  if (s == "schedule") return run_trigger::schedule;
  if (s == "manual") return run_trigger::manual;
  if (s == "misfire") return run_trigger::misfire;
  return std::nullopt;
}

std::string_view to_string(attempt_status s) {
  switch (s) {
    case attempt_status::success: return "SUCCESS";
    case attempt_status::failed: return "FAILED";
    case attempt_status::retrying: return "RETRYING";
    case attempt_status::skipped: return "SKIPPED";
  }
  return "SUCCESS";
}

std::optional<attempt_status> parse_attempt_status(std::string_view s) {
  if (s == "SUCCESS") return attempt_status::success;
  if (s == "FAILED") return attempt_status::failed;
  if (s == "RETRYING") return attempt_status::retrying;
  if (s == "SKIPPED") return attempt_status::skipped;
  return std::nullopt;
}

void task_progress::merge(const task_progress& later) {
  if (later.set_next_run) {
    set_next_run = true;
    next_run_at = later.next_run_at;
  }
  if (later.last_run_at) last_run_at = later.last_run_at;
  if (later.status) {
    status = later.status;
    status_reason = later.status_reason;
  }
  if (later.set_retry) {
    set_retry = true;
    retry = later.retry;
  }
}

}  // namespace taskhook
