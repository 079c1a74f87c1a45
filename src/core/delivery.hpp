#pragma once
/// One webhook delivery attempt: what is sent, what came back, and what that
/// means for the task (Delivery semantics in ARCHITECTURE.md).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/cluster/lease_table.hpp"
#include "core/task.hpp"
#include "core/time_format.hpp"
#include "core/uuid.hpp"

namespace taskhook {

/// Bytes shared without copying: a view, and a reference to whatever keeps
/// them alive (for a task's payload, its compiled definition, so every send of
/// a task shares the one copy).
class shared_text {
 public:
  shared_text() = default;
  shared_text(std::shared_ptr<const void> owner, std::string_view text)
      : owner_(std::move(owner)), text_(text) {}
  /// Owns `text` alone.
  explicit shared_text(std::string text) {
    auto s = std::make_shared<const std::string>(std::move(text));
    text_ = *s;
    owner_ = std::move(s);
  }
  std::string_view view() const { return text_; }

 private:
  std::shared_ptr<const void> owner_;
  std::string_view text_;
};

/// Why an attempt got no HTTP answer.
enum class transport_error : std::uint8_t {
  none,            ///< an HTTP status arrived
  timeout,         ///< WEBHOOK_TIMEOUT_MS passed
  connect,         ///< DNS, refused, reset, TLS: the receiver could not be reached
  blocked_target,  ///< the SSRF guard refused the address
  too_large,       ///< the response exceeded the size cap
  other,
};

/// What an attempt's outcome means for the run.
enum class outcome_kind : std::uint8_t {
  success,       ///< 2xx
  retry,         ///< 5xx, timeout, connection error, other odd statuses
  rate_limited,  ///< 429: retry after the time the server asked for
  permanent,     ///< 400/401/403/404, blocked target: retrying cannot help
};

struct outcome {
  outcome_kind kind = outcome_kind::retry;
  /// For rate_limited: how long the server asked us to wait.
  std::optional<std::chrono::milliseconds> retry_after;
  /// One line for task_logs.message: `204 No Content`, `404 Unknown Webhook`,
  /// `timeout after 10000 ms`, ...
  std::string message;
};

struct delivery_result;

/// Who an attempt is, sent with it as `X-Taskhook-Task-Id`,
/// `X-Taskhook-Scheduled-For`, `X-Taskhook-Attempt` and `X-Taskhook-Trigger`
/// so a receiver can de-duplicate (ARCHITECTURE.md, Delivery semantics).
struct delivery_identity {
  uuid task_id;
  instant scheduled_for{};
  int attempt = 0;  ///< the row's retryCount
  run_trigger trigger = run_trigger::schedule;
};

/// The lease an attempt was prepared under: the sender checks, right before
/// the request leaves, that this node still holds it (ARCHITECTURE.md,
/// Fencing). No table: not fenced.
struct delivery_fence {
  const cluster::lease_table* table = nullptr;
  int partition = 0;
  std::int64_t epoch = 0;
};

/// What a delivery worker needs to make one attempt.
struct delivery_request {
  std::uint64_t correlation = 0;  ///< echoed in the result
  std::string url;                ///< full target URL, `?wait=true` included
  std::string rate_key;           ///< the webhook (id) whose rate-limit bucket applies
  shared_text body;               ///< the JSON payload, shared, never copied
  /// A fire prepared ahead of its time: the sink holds it and sends it at this
  /// wall-clock instant, never earlier. Unset: send as soon as possible.
  std::optional<instant> not_before;
  /// Names a held request for delivery_sink::cancel; unique among the requests
  /// held at one time (task actors use their actor id). 0: cannot be cancelled.
  std::uint64_t ticket = 0;
  /// Sent as headers; unset (tools, tests of the pool): none.
  std::optional<delivery_identity> identity;
  delivery_fence fence;
  /// Called once, from a worker thread, with the outcome.
  std::function<void(delivery_result&&)> on_done;
};

/// What one attempt produced. The body is kept only for error messages, capped.
struct delivery_result {
  std::uint64_t correlation = 0;
  instant started{};                   ///< when the request left
  std::chrono::milliseconds duration{0};
  int http_status = 0;                 ///< 0 when transport_error != none
  transport_error error = transport_error::none;
  std::string error_text;              ///< transport error detail
  std::string body;                    ///< response body (at most 64 KiB)
  std::optional<std::chrono::milliseconds> retry_after_header;  ///< Retry-After, if sent
  /// Milliseconds the sender held the request back for a rate-limit bucket.
  std::chrono::milliseconds paced_for{0};
  /// Refused or cut short because the sender is stopping (error `other`): not
  /// an answer from the webhook, so not a failure of the run. Whether a cut
  /// short request reached the host is unknown.
  bool stopping = false;
  /// Not sent because the lease it was prepared under no longer holds (also
  /// `stopping`: whoever holds the partition now owns the run).
  bool fenced = false;
  /// The outcome, when the sender already had to classify the answer (a 429's
  /// wait from its body paces the bucket): outcome_of uses it instead of
  /// parsing the answer twice.
  std::optional<outcome> classified;
};

/// The longest wait a 429 can ask for; a longer one (a broken or hostile
/// endpoint's `retry_after: 1e300`) waits this long.
inline constexpr std::chrono::milliseconds max_retry_after{std::chrono::hours{24}};

/// Classifies an attempt. 429 waits `retry_after` from the JSON body (seconds,
/// possibly fractional) or the Retry-After header, at most max_retry_after;
/// Discord's error text (`{"message": ...}`) goes into the message.
outcome classify_response(const delivery_result& r);

/// The attempt's outcome, classified once: the sender's classification when it
/// made one, else classify_response.
outcome outcome_of(delivery_result& r);

}  // namespace taskhook
