#pragma once
/// Where task actors hand webhook sends. The curl pool (src/webhook) implements
/// it; actor tests use a fake that records requests. submit() never blocks: the
/// outcome arrives later through the request's on_done callback.

#include <chrono>

#include "core/delivery.hpp"

namespace taskhook {

class delivery_sink {
 public:
  virtual ~delivery_sink() = default;

  /// Queues one attempt. Thread-safe; returns at once.
  virtual void submit(delivery_request req) = 0;

  /// Stops taking requests and waits up to `grace` for those in flight; the
  /// rest complete with transport_error::other ("shutting down").
  virtual void shutdown(std::chrono::milliseconds grace) = 0;
};

}  // namespace taskhook
