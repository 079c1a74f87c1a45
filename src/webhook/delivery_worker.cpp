#include "webhook/delivery_worker.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace taskhook::webhook {
namespace {

using std::chrono::milliseconds;

/// Nothing to wait for: sleep until a submit or a curl timer wakes the worker.
constexpr milliseconds idle_poll{60000};

}  // namespace

delivery_worker::delivery_worker(std::size_t index, const curl_pool_options& opts,
                                 const wall_clock& clock, pool_counters& counters,
                                 std::shared_ptr<spdlog::logger> log,
                                 std::shared_ptr<global_limit> global)
    : index_(index),
      clock_(clock),
      counters_(counters),
      log_(log),
      transfers_(index, opts, clock, counters, std::move(log),
                 [this](transfer_done&& d) { on_transfer_done(std::move(d)); }),
      pacer_(opts.max_pacing, std::move(global)) {}

delivery_worker::~delivery_worker() { join(); }

void delivery_worker::start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "webhook");  // for top, perf and the benches
    try {
      run();
    } catch (const std::exception& e) {
      // Requests still held here will never complete; make that loud.
      if (log_) log_->critical("webhook worker={} stopped: {}", index_, e.what());
    }
  });
}

bool delivery_worker::enqueue(delivery_request& req) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  if (req.not_before && *req.not_before > clock_.now()) {
    hold(std::move(req));
    return true;
  }
  bool was_empty = incoming_.empty();
  incoming_.push_back(std::move(req));
  // A non-empty queue already has a wake-up on its way. Under the lock, so
  // the multi handle cannot go away in between.
  if (was_empty) transfers_.wakeup();
  return true;
}

bool delivery_worker::cancel(std::uint64_t ticket) {
  std::lock_guard lock(mutex_);
  if (!held_.cancel(ticket)) return false;
  counters_.held.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

void delivery_worker::begin_stop(steady::time_point deadline) {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  stop_deadline_ = deadline;
  transfers_.wakeup();
}

void delivery_worker::join() {
  if (thread_.joinable()) thread_.join();
}

void delivery_worker::hold(delivery_request&& req) {
  bool first = held_.hold(std::move(req));
  counters_.queued.fetch_sub(1, std::memory_order_relaxed);  // submit counted it as queued
  counters_.held.fetch_add(1, std::memory_order_relaxed);
  if (first) transfers_.wakeup();
}

std::optional<instant> delivery_worker::release_due(std::vector<delivery_request>& batch,
                                                    bool all) {
  const std::size_t before = batch.size();
  auto next = held_.release_due(batch, clock_.now(), all);
  const auto moved = static_cast<std::uint64_t>(batch.size() - before);
  counters_.held.fetch_sub(moved, std::memory_order_relaxed);
  counters_.queued.fetch_add(moved, std::memory_order_relaxed);
  return next;
}

void delivery_worker::run() {
  std::vector<delivery_request> batch, early;
  bool stopping = false;
  steady::time_point deadline{};
  std::optional<instant> next_held;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      batch.swap(incoming_);
      stopping = stopping_;
      deadline = stop_deadline_;
      // Held fires are sent at their instant; a stop rejects the ones not due
      // (their task actors have withdrawn them already, when they drained).
      next_held = release_due(batch, false);
      if (stopping && next_held) {
        release_due(early, true);
        next_held.reset();
      }
    }
    // Outside the lock, as an on_done may call submit or cancel.
    for (auto& req : early) {
      counters_.queued.fetch_sub(1, std::memory_order_relaxed);
      reject(std::move(req));
    }
    early.clear();
    auto now = steady::now();
    for (auto& req : batch) {
      counters_.queued.fetch_sub(1, std::memory_order_relaxed);
      pacer_.admit(std::move(req), now);
    }
    batch.clear();
    if (stopping) {
      // Held requests whose bucket reopens too late cannot be helped by waiting;
      // checked every round, as a 429 during the grace can close a bucket.
      // (Outside the lock: an on_done may call submit.)
      for (auto& req : pacer_.take_held_beyond(deadline)) reject(std::move(req));
    }
    pacer_.advance(now);
    start_released(now);

    transfers_.perform();
    sync_paced();

    now = steady::now();
    if (stopping) {
      if (transfers_.empty() && waiting_for_slot_.empty() && pacer_.held() == 0) break;
      if (now >= deadline) {
        abort_all();
        break;
      }
    }
    auto wake = now + idle_poll;
    if (auto next = pacer_.next_deadline()) wake = std::min(wake, *next);
    // (value_or: GCC 12 warns, wrongly, that *next_held may be uninitialised.)
    if (next_held)
      wake = std::min(wake, now + std::max(next_held.value_or(instant{}) - clock_.now(),
                                           milliseconds{0}));
    if (stopping) wake = std::min(wake, deadline);
    // Round up: waking a little early would only spin until the deadline.
    auto wait = std::chrono::ceil<milliseconds>(std::max(wake - now, steady::duration{0}));
    if (held_timer_.fd() >= 0) held_timer_.arm(next_held);
    if (transfers_.poll(held_timer_.fd(), wait)) held_timer_.drain();
  }
  sync_paced();
}

void delivery_worker::start_released(steady::time_point now) {
  for (auto& r : pacer_.take_released()) {
    counters_.queued.fetch_add(1, std::memory_order_relaxed);
    waiting_for_slot_.push_back(std::move(r));
  }
  // A start that fails at once completes, which comes back here: let the
  // outer call do the starting rather than recursing once per request.
  if (starting_) return;
  starting_ = true;
  while (!waiting_for_slot_.empty() && transfers_.has_free_slot()) {
    auto next = std::move(waiting_for_slot_.front());
    waiting_for_slot_.pop_front();
    counters_.queued.fetch_sub(1, std::memory_order_relaxed);
    start_transfer(std::move(next), now);
  }
  starting_ = false;
}

void delivery_worker::start_transfer(rate_pacer::release r, steady::time_point now) {
  const auto& fence = r.req.fence;
  if (fence.table != nullptr && !fence.table->holds(fence.partition, fence.epoch, now)) {
    // The lease this send was prepared under ran out or moved (a stalled
    // node, a lost database, a handover): the partition's owner now decides
    // about this run, and sending it here could post it twice.
    pacer_.record_response(r.req.rate_key, {}, 0, r.probe, now);
    delivery_result res;
    res.correlation = r.req.correlation;
    res.started = clock_.now();
    res.error = transport_error::other;
    res.error_text = "not sent: the partition lease no longer holds";
    res.stopping = true;
    res.fenced = true;
    deliver(r.req, std::move(res));
    return;
  }
  if (transfers_.start(r, now)) return;
  // Settles the bucket as an answer would: a probe that never went out must
  // not hold its webhook's bucket closed for good.
  pacer_.record_response(r.req.rate_key, {}, 0, r.probe, now);
  reject(std::move(r.req), "libcurl: cannot create an easy handle");
}

void delivery_worker::on_transfer_done(transfer_done&& d) {
  if (!d.aborted)
    pacer_.record_response(d.req.rate_key, d.limits, d.result.http_status, d.probe, d.at);
  deliver(d.req, std::move(d.result));
  if (!d.aborted) start_released(d.at);
}

void delivery_worker::abort_all() {
  transfers_.abort_all(shutting_down, steady::now());
  for (auto& r : waiting_for_slot_) {
    counters_.queued.fetch_sub(1, std::memory_order_relaxed);
    reject(std::move(r.req));
  }
  waiting_for_slot_.clear();
  for (auto& req : pacer_.take_all()) reject(std::move(req));
}

void delivery_worker::reject(delivery_request req, const char* why) {
  delivery_result res;
  res.correlation = req.correlation;
  res.started = clock_.now();
  res.error = transport_error::other;
  res.error_text = why;
  res.stopping = why == shutting_down;
  deliver(req, std::move(res));
}

void delivery_worker::deliver(delivery_request& req, delivery_result&& res) {
  counters_.count(res.error);
  if (!req.on_done) return;
  try {
    req.on_done(std::move(res));
  } catch (const std::exception& e) {
    // The worker serves many webhooks: one failing callback must not stop it.
    if (log_)
      log_->error("webhook on_done threw rate_key={} correlation={}: {}", req.rate_key,
                  req.correlation, e.what());
  } catch (...) {
    if (log_)
      log_->error("webhook on_done threw rate_key={} correlation={}", req.rate_key,
                  req.correlation);
  }
}

void delivery_worker::sync_paced() {
  std::size_t held = pacer_.held();
  // Modular arithmetic: the difference may be "negative".
  counters_.paced.fetch_add(
      static_cast<std::uint64_t>(held) - static_cast<std::uint64_t>(paced_seen_),
      std::memory_order_relaxed);
  paced_seen_ = held;
}

}  // namespace taskhook::webhook
