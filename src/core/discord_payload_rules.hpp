#pragma once
/// Discord's execute-webhook rules (API.md, Task: payload): content or an
/// embed, the per-part and all-embeds length limits in code points, typed
/// members, storable pass-through values. Internal to src/core (it brings in
/// simdjson); the public entry is validate_payload in task_input.hpp.

#include "core/json_checks.hpp"

namespace taskhook {

/// Checks the `payload` member of a task body; paths start with `payload`.
void discord_payload_at(json_checks::element e, json_checks::error_sink& out);

}  // namespace taskhook
