#include "webhook/held_sends.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <chrono>

namespace taskhook::webhook {

bool held_sends::hold(delivery_request&& req) {
  const instant at = *req.not_before;
  const std::uint64_t ticket = req.ticket;
  auto it = held_.emplace(at, std::move(req));
  if (ticket != 0) by_ticket_[ticket] = it;
  return it == held_.begin();
}

bool held_sends::cancel(std::uint64_t ticket) {
  auto it = by_ticket_.find(ticket);
  if (it == by_ticket_.end()) return false;
  held_.erase(it->second);
  by_ticket_.erase(it);
  return true;
}

std::optional<instant> held_sends::release_due(std::vector<delivery_request>& batch, instant now,
                                               bool all) {
  while (!held_.empty() && (all || held_.begin()->first <= now)) {
    auto it = held_.begin();
    if (it->second.ticket != 0) by_ticket_.erase(it->second.ticket);
    batch.push_back(std::move(it->second));
    held_.erase(it);
  }
  if (held_.empty()) return std::nullopt;
  return held_.begin()->first;
}

held_timer::held_timer() : fd_(timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK)) {}

held_timer::~held_timer() {
  if (fd_ >= 0) ::close(fd_);
}

void held_timer::arm(std::optional<instant> at) {
  if (at == at_) return;
  at_ = at;
  itimerspec spec{};
  if (at) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  at.value_or(instant{}).time_since_epoch())
                  .count();
    spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  }
  timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void held_timer::drain() {
  std::uint64_t expirations = 0;
  (void)!::read(fd_, &expirations, sizeof expirations);
}

}  // namespace taskhook::webhook
