#pragma once
/// Where task actors hand webhook sends. The curl pool (src/webhook) implements
/// it; actor tests use a fake that records requests. submit() never blocks: the
/// outcome arrives later through the request's on_done callback.

#include <chrono>
#include <cstdint>

#include "core/delivery.hpp"

namespace taskhook {

/// What a sink reports to /metrics.
struct sink_counters {
  int workers = 0;
  std::uint64_t held = 0;       ///< prepared ahead of their time (not_before)
  std::uint64_t queued = 0;     ///< accepted, waiting for a worker or a free slot
  std::uint64_t paced = 0;      ///< held back for a rate-limit bucket
  std::uint64_t in_flight = 0;  ///< transfers running
  std::uint64_t sent_total = 0;
  std::uint64_t completed_total = 0;
  std::uint64_t connections_opened_total = 0;  ///< new connections to webhook hosts
};

class delivery_sink {
 public:
  virtual ~delivery_sink() = default;

  /// Lock-free reads of the sink's counters.
  virtual sink_counters read_counters() const { return {}; }

  /// Queues one attempt. Thread-safe; returns at once.
  virtual void submit(delivery_request req) = 0;

  /// Withdraws a request submitted with a `not_before` (and a ticket) that is
  /// still held. True: it will not be sent and its on_done will not run. False:
  /// it is already on its way (or unknown), and its on_done will run as usual.
  virtual bool cancel(const std::string& rate_key, std::uint64_t ticket) = 0;

  /// Stops taking requests and waits up to `grace` for those in flight; the
  /// rest complete with transport_error::other ("shutting down").
  virtual void shutdown(std::chrono::milliseconds grace) = 0;
};

}  // namespace taskhook
