#pragma once
/// JSON out (API.md shapes, camelCase, UTC times with milliseconds, tokens
/// masked) and query parameters in (each error names its parameter).

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/lease_store.hpp"
#include "core/read_models.hpp"
#include "core/task.hpp"
#include "core/task_input.hpp"

namespace taskhook::http {

void append_task(std::string& out, const task_record& t);
void append_log(std::string& out, const log_entry& e);
void append_meta(std::string& out, int page, int limit, std::int64_t total);

std::string task_json(const task_record& t);
std::string task_detail_json(const task_detail& d);
std::string task_page_json(const task_page& p, int page, int limit);
std::string log_page_json(const log_page& p, int page, int limit);
std::string stats_json(const dashboard_stats& s);
/// The 202 answer of a run now: `{"taskId","scheduledFor"}`.
std::string run_accepted_json(const uuid& task_id, instant scheduled_for);
std::string tenant_page_json(const tenant_page& p, int page, int limit);
/// GET /api/admin/cluster: every node with its partitions, `self` marking
/// `self_id`, and the partitions no live node holds.
std::string cluster_json(const std::vector<node_view>& nodes, const uuid& self_id,
                         std::chrono::milliseconds lease);

/// `{"error":{"code","message","details":[{"field","message"}]}}`
std::string error_body(std::string_view code, std::string_view message,
                       const std::vector<field_error>& details);

/// The `name` of a POST /api/tenants body, or why not.
struct tenant_name_result {
  std::optional<std::string> value;
  bool malformed = false;  ///< not a JSON object
  std::string error;
  explicit operator bool() const { return value.has_value(); }
};
tenant_name_result tenant_name(std::string_view body);

/// Query parameters as the API reads them. Each parser leaves its field alone
/// and adds an error naming the parameter when the text is not acceptable.
class query_reader {
 public:
  /// `get(name)` returns the raw (decoded) value of a parameter, if present.
  template <class Get>
  explicit query_reader(Get get) : get_(std::move(get)) {}

  int integer(const char* name, int def, int lo, int hi);
  std::optional<task_status> task_status_param(const char* name);
  std::optional<attempt_status> attempt_status_param(const char* name);
  std::optional<instant> time(const char* name);
  std::optional<uuid> id(const char* name);
  std::optional<std::string> text(const char* name, std::size_t max_chars);

  const std::vector<field_error>& errors() const { return errors_; }

 private:
  /// The value, or nullopt (and an error) when it is not UTF-8 text without NUL.
  std::optional<std::string> value(const char* name);

  std::function<std::optional<std::string>(const char*)> get_;
  std::vector<field_error> errors_;
};

}  // namespace taskhook::http
