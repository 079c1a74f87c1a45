#pragma once
/// Request bodies of POST /api/tasks and PATCH /api/tasks/:id: parsed, checked
/// against the rules of API.md (Task), and turned into typed fields.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/task.hpp"

namespace taskhook {

/// One rejected value: where it is and what was expected of it.
struct field_error {
  std::string field;    ///< a path such as `payload.embeds[0].fields[3].value`
  std::string message;  ///< `1025 characters; expected at most 1024`

  bool operator==(const field_error&) const = default;
};

/// POST checks required fields and fills defaults; PATCH takes any subset.
enum class input_mode { create, patch };

/// A validated create or patch body. A field is set only when it was present
/// (or defaulted on create) and passed its checks.
struct task_input {
  std::optional<std::string> name, schedule, timezone, webhook_url;
  /// The payload object as compact JSON: the client's text minus whitespace,
  /// numbers and escapes kept as sent; ready to store as jsonb.
  std::optional<std::string> payload;
  std::optional<int> max_retry;
  std::optional<task_status> status;
  /// `threadId` when the body has it: a snowflake, or an empty inner value for
  /// `null` (post into the channel itself again).
  std::optional<std::optional<std::string>> thread_id;
  /// `schedule`, compiled by the check that accepted it (parsed once per change).
  std::optional<cron::schedule> compiled_schedule;
};

/// What parse_task_input found. Answer 400 `invalid_json` when malformed_json,
/// 400 `validation_failed` when errors is not empty, else use input.
struct task_input_result {
  task_input input;
  std::vector<field_error> errors;  ///< empty = valid; document order, at most 50
  bool malformed_json = false;      ///< not JSON, not an object, or a duplicate key
  std::string json_error;           ///< what was wrong with the JSON
};

/// Parses and checks a task body. Rules: API.md, Task. Unknown fields are ignored;
/// a key that appears twice in one object makes the body malformed (we would
/// otherwise check one value and store the other).
task_input_result parse_task_input(std::string_view body, input_mode mode);

/// Discord execute-webhook rules on a JSON text (the payload object). Paths start
/// with `payload`. Used by parse_task_input; exposed for tests. The rules live in
/// discord_payload_rules.cpp.
std::vector<field_error> validate_payload(std::string_view payload_json);

/// `field: message` of the first error, for the top-level error message; empty
/// when there is none.
std::string first_error_message(const std::vector<field_error>& errors);

}  // namespace taskhook
