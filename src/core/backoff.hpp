#pragma once
/// Retry delays: exponential backoff with ±20 % jitter from a seeded generator,
/// so tests can assert exact values.

#include <chrono>
#include <cstdint>

namespace taskhook {

/// splitmix64: tiny, fast, and the same sequence on every platform (the
/// standard distributions are not).
class jitter_rng {
 public:
  explicit jitter_rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi);

 private:
  std::uint64_t state_;
};

/// Retry k (k = 1..max_retry) waits min(cap, base · 2^(k-1)), jittered uniformly
/// within ±20 %.
std::chrono::milliseconds retry_delay(int k, std::chrono::milliseconds base,
                                      std::chrono::milliseconds cap, jitter_rng& rng);

}  // namespace taskhook
