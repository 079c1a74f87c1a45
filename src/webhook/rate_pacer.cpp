#include "webhook/rate_pacer.hpp"

#include <algorithm>

namespace taskhook::webhook {

using std::chrono::milliseconds;

rate_pacer::rate_pacer(milliseconds max_hold, std::shared_ptr<global_limit> global)
    : max_hold_(max_hold),
      global_(global ? std::move(global) : std::make_shared<global_limit>()) {}

void rate_pacer::admit(delivery_request req, clock::time_point now) {
  // No bucket known for this webhook (the common case): nothing limits it, and
  // a bucket made here would be dropped again at once (evict_if_idle).
  if (now >= global_->until() && buckets_.find(req.rate_key) == buckets_.end()) {
    released_.push_back({std::move(req), milliseconds{0}, false});
    return;
  }
  auto it = buckets_.try_emplace(req.rate_key).first;
  it->second.waiting.push_back({std::move(req), now});
  ++held_;
  drain(it->first, it->second, now);
  evict_if_idle(it, now);
}

void rate_pacer::drain(const std::string& key, bucket& b, clock::time_point now) {
  while (!b.waiting.empty()) {
    if (b.probe_in_flight) return;  // its answer drains the rest
    if (const auto global_until = global_->until(); now < global_until) {
      arm(key, b, global_until);
      return;
    }
    bool probe = false;
    if (b.remaining == 0) {
      if (now < b.reset_at) {
        arm(key, b, b.reset_at);
        return;
      }
      // A fresh window after an exhausted one: learn its size before sending a backlog.
      probe = true;
      b.remaining = -1;
      b.probe_in_flight = true;
    } else if (b.remaining > 0) {
      // Count sends locally: answers arrive later than the next requests.
      if (now < b.reset_at)
        --b.remaining;
      else
        b.remaining = -1;
    }
    auto& front = b.waiting.front();
    released_.push_back(
        {std::move(front.req), std::chrono::duration_cast<milliseconds>(now - front.since), probe});
    b.waiting.pop_front();
    --held_;
  }
}

void rate_pacer::arm(const std::string& key, bucket& b, clock::time_point when) {
  if (b.armed_for == when) return;
  b.armed_for = when;
  timers_.push({when, key});
}

void rate_pacer::evict_if_idle(bucket_map::iterator it, clock::time_point now) {
  const bucket& b = it->second;
  // A bucket only matters while it limits something; forgetting idle ones keeps
  // the map at the size of the hot set, not of every webhook ever seen.
  if (b.waiting.empty() && !b.probe_in_flight && (b.remaining < 0 || now >= b.reset_at))
    buckets_.erase(it);
}

void rate_pacer::record_response(const std::string& rate_key, const rate_limit_headers& h,
                                 int http_status, bool probe, clock::time_point now) {
  auto it = buckets_.find(rate_key);
  bool informative = (h.remaining && h.reset_after) || http_status == 429;
  if (it == buckets_.end()) {
    if (!informative) return;
    it = buckets_.try_emplace(rate_key).first;
  }
  bucket& b = it->second;
  if (probe) b.probe_in_flight = false;
  const auto latest = now + max_hold_;

  // Remaining without a reset time cannot be used: a 0 would hold forever.
  if (h.remaining && h.reset_after) {
    // Answers to concurrent requests arrive out of order; within one window the
    // smaller count (ours already counts sends still in flight) is the true one.
    bool same_window = b.remaining >= 0 && now < b.reset_at;
    int remaining = *h.remaining;
    if (same_window) remaining = std::min(remaining, b.remaining);
    auto reset_at = now + std::chrono::ceil<milliseconds>(*h.reset_after);
    b.remaining = remaining;
    b.reset_at = std::min(latest, same_window ? std::max(b.reset_at, reset_at) : reset_at);
  }
  if (http_status == 429) {
    milliseconds wait{0};
    if (h.retry_after) wait = *h.retry_after;
    if (h.reset_after) wait = std::max(wait, std::chrono::ceil<milliseconds>(*h.reset_after));
    if (!h.retry_after && !h.reset_after) wait = std::chrono::seconds(1);  // still means: slow down
    auto until = std::min(latest, now + wait);
    if (h.global) {
      global_->extend(until);
    } else {
      b.remaining = 0;
      b.reset_at = std::max(b.reset_at, until);
    }
  }
  if (b.remaining >= 0 && b.reset_at > now) arm(it->first, b, b.reset_at);
  drain(it->first, b, now);
  evict_if_idle(it, now);
}

void rate_pacer::advance(clock::time_point now) {
  while (!timers_.empty() && timers_.top().when <= now) {
    timer t = timers_.top();
    timers_.pop();
    auto it = buckets_.find(t.key);
    if (it == buckets_.end()) continue;
    if (it->second.armed_for == t.when) it->second.armed_for = {};
    drain(it->first, it->second, now);
    evict_if_idle(it, now);
  }
}

std::vector<rate_pacer::release> rate_pacer::take_released() {
  std::vector<release> out;
  out.swap(released_);
  return out;
}

std::optional<rate_pacer::clock::time_point> rate_pacer::next_deadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.top().when;
}

std::vector<delivery_request> rate_pacer::take_held_beyond(clock::time_point deadline) {
  std::vector<delivery_request> out;
  for (auto& [key, b] : buckets_) {
    bool closed = global_->until() > deadline || (b.remaining == 0 && b.reset_at > deadline);
    if (!closed) continue;
    for (auto& h : b.waiting) out.push_back(std::move(h.req));
    held_ -= b.waiting.size();
    b.waiting.clear();
  }
  return out;
}

std::vector<delivery_request> rate_pacer::take_all() {
  std::vector<delivery_request> out;
  for (auto& [key, b] : buckets_)
    for (auto& h : b.waiting) out.push_back(std::move(h.req));
  buckets_.clear();
  timers_ = {};
  held_ = 0;
  return out;
}

}  // namespace taskhook::webhook
