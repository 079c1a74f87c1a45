#include "core/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace taskhook {

std::uint64_t jitter_rng::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double jitter_rng::uniform(double lo, double hi) {
  // 53 random bits → [0, 1)
  double unit = static_cast<double>(next() >> 11) * 0x1.0p-53;
  return lo + (hi - lo) * unit;
}

std::chrono::milliseconds retry_delay(int k, std::chrono::milliseconds base,
                                      std::chrono::milliseconds cap, jitter_rng& rng) {
  k = std::max(k, 1);
  // Doubling stops mattering once it passes the cap; clamping the exponent
  // keeps the shift defined.
  int exp = std::min(k - 1, 40);
  double raw = static_cast<double>(base.count()) * std::ldexp(1.0, exp);
  double capped = std::min(raw, static_cast<double>(cap.count()));
  double jittered = capped * rng.uniform(0.8, 1.2);
  return std::chrono::milliseconds(static_cast<long long>(std::llround(jittered)));
}

}  // namespace taskhook
