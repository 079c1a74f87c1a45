#include "webhook/curl_pool.hpp"

#include <curl/curl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <map>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "webhook/rate_limit.hpp"
#include "webhook/transfer.hpp"

namespace taskhook::webhook {
namespace {

using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

static_assert(static_cast<std::size_t>(transport_error::other) + 1 ==
                  std::tuple_size_v<decltype(curl_pool_stats::by_error)>,
              "curl_pool_stats::by_error needs one slot per transport_error");

constexpr const char* shutting_down = "shutting down";
/// Nothing to wait for: sleep until a submit or a curl timer wakes the worker.
constexpr milliseconds idle_poll{60000};

struct multi_cleanup {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
struct share_cleanup {
  void operator()(CURLSH* s) const { curl_share_cleanup(s); }
};
struct slist_cleanup {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

// -- library ----------------------------------------------------------------

struct curl_pool::library {
  library() {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("libcurl: curl_global_init failed");
  }
  ~library() { curl_global_cleanup(); }
  library(const library&) = delete;
  library& operator=(const library&) = delete;
};

// -- worker -----------------------------------------------------------------

/// One thread, one multi handle: its own connections, DNS cache, TLS sessions
/// and the rate-limit buckets of the webhooks routed to it.
class curl_pool::worker {
 public:
  worker(std::size_t index, const curl_pool_options& opts, const wall_clock& clock,
         counters& counters, std::shared_ptr<spdlog::logger> log,
         std::shared_ptr<global_limit> global)
      : index_(index),
        max_active_(std::max<std::size_t>(opts.max_connections_per_worker, 1)),
        host_cap_(opts.max_host_connections),
        clock_(clock),
        counters_(counters),
        log_(std::move(log)),
        multi_(curl_multi_init()),
        share_(curl_share_init()),
        pacer_(opts.max_pacing, std::move(global)) {
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    // No "Expect: 100-continue" round trip before larger payloads.
    if (headers != nullptr) headers = curl_slist_append(headers, "Expect:");
    headers_.reset(headers);
    if (!multi_ || !share_ || !headers_)
      throw std::runtime_error("libcurl: cannot create a multi or share handle");
    // Wakes the worker at a held request's instant to the microsecond; without
    // it the millisecond poll timeout still does, up to a millisecond late.
    held_timer_ = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
    // Only this worker's thread uses the share, so it needs no lock callbacks.
    curl_share_setopt(share_.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, static_cast<long>(max_active_));
    if (host_cap_ > 0)
      curl_multi_setopt(multi_.get(), CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(host_cap_));
    settings_.timeout = opts.timeout;
    settings_.max_response_bytes = opts.max_response_bytes;
    settings_.allow_private_targets = opts.allow_private_targets;
    settings_.user_agent = opts.user_agent;
    settings_.ca_file = opts.ca_file;
    settings_.headers = headers_.get();
    settings_.share = share_.get();
    settings_.clock = &clock_;
  }

  ~worker() {
    join();
    if (held_timer_ >= 0) ::close(held_timer_);
    // Only after a failed run(): easy handles must leave the multi before either goes.
    for (transfer* t : running_) curl_multi_remove_handle(multi_.get(), t->easy());
  }

  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  void start() {
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

  /// False once stopping: the caller completes `req` itself.
  bool enqueue(delivery_request& req) {
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
    if (was_empty) curl_multi_wakeup(multi_.get());
    return true;
  }

  /// True when the held request was still here (it is gone now, unsent).
  bool cancel(std::uint64_t ticket) {
    std::lock_guard lock(mutex_);
    auto it = held_by_ticket_.find(ticket);
    if (it == held_by_ticket_.end()) return false;
    held_.erase(it->second);
    held_by_ticket_.erase(it);
    counters_.held.fetch_sub(1, std::memory_order_relaxed);
    return true;
  }

  void begin_stop(steady::time_point deadline) {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    stop_deadline_ = deadline;
    curl_multi_wakeup(multi_.get());
  }

  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  using held_map = std::multimap<instant, delivery_request>;

  /// Under mutex_. Wakes the worker when this is now the first to go out.
  void hold(delivery_request&& req) {
    const instant at = *req.not_before;
    const std::uint64_t ticket = req.ticket;
    auto it = held_.emplace(at, std::move(req));
    if (ticket != 0) held_by_ticket_[ticket] = it;
    counters_.queued.fetch_sub(1, std::memory_order_relaxed);  // submit counted it as queued
    counters_.held.fetch_add(1, std::memory_order_relaxed);
    if (it == held_.begin()) curl_multi_wakeup(multi_.get());
  }

  /// Under mutex_: moves the held requests that are due into `batch`. With
  /// `all`, every one (the pool is stopping). Returns the next one's instant.
  std::optional<instant> release_due(std::vector<delivery_request>& batch, bool all) {
    const instant now = clock_.now();
    while (!held_.empty() && (all || held_.begin()->first <= now)) {
      auto it = held_.begin();
      if (it->second.ticket != 0) held_by_ticket_.erase(it->second.ticket);
      batch.push_back(std::move(it->second));
      held_.erase(it);
      counters_.held.fetch_sub(1, std::memory_order_relaxed);
      counters_.queued.fetch_add(1, std::memory_order_relaxed);
    }
    if (held_.empty()) return std::nullopt;
    return held_.begin()->first;
  }

  void run() {
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

      int running = 0;
      curl_multi_perform(multi_.get(), &running);
      collect_finished();
      sync_paced();

      now = steady::now();
      if (stopping) {
        if (running_.empty() && waiting_for_slot_.empty() && pacer_.held() == 0) break;
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
      curl_waitfd extra{held_timer_, CURL_WAIT_POLLIN, 0};
      if (held_timer_ >= 0) arm_held_timer(next_held);
      curl_multi_poll(multi_.get(), held_timer_ >= 0 ? &extra : nullptr, held_timer_ >= 0 ? 1 : 0,
                      static_cast<int>(wait.count()), nullptr);
      if (extra.revents != 0) {
        std::uint64_t expirations = 0;
        (void)!::read(held_timer_, &expirations, sizeof expirations);
      }
    }
    sync_paced();
  }

  /// Points the timerfd at the next held request's instant (the wall clock's,
  /// as not_before is), or disarms it.
  void arm_held_timer(std::optional<instant> at) {
    if (at == held_timer_at_) return;
    held_timer_at_ = at;
    itimerspec spec{};
    if (at) {
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    at.value_or(instant{}).time_since_epoch())
                    .count();
      spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
      spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
      if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
    }
    timerfd_settime(held_timer_, TFD_TIMER_ABSTIME, &spec, nullptr);
  }

  /// Starts what the pacer let go, as far as free slots allow, oldest first.
  void start_released(steady::time_point now) {
    for (auto& r : pacer_.take_released()) {
      counters_.queued.fetch_add(1, std::memory_order_relaxed);
      waiting_for_slot_.push_back(std::move(r));
    }
    // A start that fails at once completes, which comes back here: let the
    // outer call do the starting rather than recursing once per request.
    if (starting_) return;
    starting_ = true;
    while (!waiting_for_slot_.empty() && running_.size() < max_active_) {
      auto next = std::move(waiting_for_slot_.front());
      waiting_for_slot_.pop_front();
      counters_.queued.fetch_sub(1, std::memory_order_relaxed);
      start_transfer(std::move(next), now);
    }
    starting_ = false;
  }

  void start_transfer(rate_pacer::release r, steady::time_point now) {
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
    transfer* t = acquire();
    if (t == nullptr) {
      // Settles the bucket as an answer would: a probe that never went out must
      // not hold its webhook's bucket closed for good.
      pacer_.record_response(r.req.rate_key, {}, 0, r.probe, now);
      reject(std::move(r.req), "libcurl: cannot create an easy handle");
      return;
    }
    bool url_ok = t->begin(std::move(r), now);
    running_.insert(t);
    counters_.in_flight.fetch_add(1, std::memory_order_relaxed);
    counters_.sent_total.fetch_add(1, std::memory_order_relaxed);
    if (!url_ok) {
      complete(t, CURLE_URL_MALFORMAT, now, false);
    } else if (CURLMcode mc = curl_multi_add_handle(multi_.get(), t->easy()); mc != CURLM_OK) {
      t->note_error(curl_multi_strerror(mc));
      complete(t, CURLE_FAILED_INIT, now, false);
    }
  }

  void collect_finished() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      CURLcode code = msg->data.result;  // msg dies with remove_handle
      complete(t, code, steady::now(), true);
    }
  }

  /// Reports one attempt, frees its slot and lets the next requests go.
  void complete(transfer* t, CURLcode code, steady::time_point now, bool added) {
    if (added) curl_multi_remove_handle(multi_.get(), t->easy());
    delivery_result res = t->finish(code, now);
    auto limits = t->limits();
    if (res.http_status == 429 && !limits.retry_after) {
      // Discord often names the wait only in the JSON body: hold the bucket for
      // exactly that, not for a guessed second.
      res.classified = classify_response(res);
      if (res.classified->retry_after) limits.retry_after = *res.classified->retry_after;
    }
    pacer_.record_response(t->request().rate_key, limits, res.http_status, t->probe(), now);
    if (added) note_wire(t->wire());
    log_outcome(*t, res);
    delivery_request req = t->take_request();
    release_slot(t);
    deliver(req, std::move(res));
    start_released(now);
  }

  void note_wire(transfer::wire_use w) {
    if (w.connections_opened > 0)
      counters_.connections_opened.fetch_add(static_cast<std::uint64_t>(w.connections_opened),
                                             std::memory_order_relaxed);
    if (host_cap_ == 0 || w.http_major != 1) return;
    // One transfer per connection over HTTP/1.x: a cap would only throttle.
    // Transfers already waiting for the cap start as connections come free.
    curl_multi_setopt(multi_.get(), CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
    if (log_)
      log_->info("webhook worker={} host answers over HTTP/1.1: connections per host no longer "
                 "capped (was {})",
                 index_, host_cap_);
    host_cap_ = 0;
  }

  void release_slot(transfer* t) {
    running_.erase(t);
    free_.push_back(t);
    counters_.in_flight.fetch_sub(1, std::memory_order_relaxed);
  }

  void log_outcome(const transfer& t, const delivery_result& res) {
    if (!log_) return;
    const auto& key = t.request().rate_key;
    if (res.error == transport_error::blocked_target)
      log_->warn("webhook blocked target rate_key={} correlation={} reason=\"{}\"", key,
                 res.correlation, res.error_text);
    else if (res.http_status == 429)
      log_->info(
          "webhook rate limited rate_key={} correlation={} bucket={} global={} retry_after_ms={}",
          key, res.correlation, t.limits().bucket, t.limits().global,
          res.retry_after_header ? res.retry_after_header->count() : -1);
    else if (res.error != transport_error::none)
      log_->debug("webhook transport error rate_key={} correlation={} error=\"{}\"", key,
                  res.correlation, res.error_text);
  }

  /// The shutdown deadline: whatever is still running or held ends here.
  void abort_all() {
    auto now = steady::now();
    std::vector<transfer*> running(running_.begin(), running_.end());
    for (transfer* t : running) {
      curl_multi_remove_handle(multi_.get(), t->easy());
      delivery_result res = t->abort(shutting_down, now);
      res.stopping = true;
      delivery_request req = t->take_request();
      release_slot(t);
      deliver(req, std::move(res));
    }
    for (auto& r : waiting_for_slot_) {
      counters_.queued.fetch_sub(1, std::memory_order_relaxed);
      reject(std::move(r.req));
    }
    waiting_for_slot_.clear();
    for (auto& req : pacer_.take_all()) reject(std::move(req));
  }

  void reject(delivery_request req, const char* why = shutting_down) {
    delivery_result res;
    res.correlation = req.correlation;
    res.started = clock_.now();
    res.error = transport_error::other;
    res.error_text = why;
    res.stopping = why == shutting_down;
    deliver(req, std::move(res));
  }

  void deliver(delivery_request& req, delivery_result&& res) {
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

  void sync_paced() {
    std::size_t held = pacer_.held();
    // Modular arithmetic: the difference may be "negative".
    counters_.paced.fetch_add(
        static_cast<std::uint64_t>(held) - static_cast<std::uint64_t>(paced_seen_),
        std::memory_order_relaxed);
    paced_seen_ = held;
  }

  /// A reused easy handle when one is free: its connection cache entry and TLS
  /// session stay warm.
  transfer* acquire() {
    if (!free_.empty()) {
      transfer* t = free_.back();
      free_.pop_back();
      return t;
    }
    auto t = transfer::create(settings_);
    if (!t) return nullptr;
    transfers_.push_back(std::move(t));
    return transfers_.back().get();
  }

  const std::size_t index_;
  const std::size_t max_active_;
  std::size_t host_cap_;  // CURLMOPT_MAX_HOST_CONNECTIONS; 0 once lifted (or never set)
  const wall_clock& clock_;
  counters& counters_;
  std::shared_ptr<spdlog::logger> log_;

  // Declared before transfers_, so the easy handles are cleaned up first.
  std::unique_ptr<CURLM, multi_cleanup> multi_;
  int held_timer_ = -1;  // timerfd (CLOCK_REALTIME) for the next held request
  std::optional<instant> held_timer_at_;
  std::unique_ptr<CURLSH, share_cleanup> share_;
  std::unique_ptr<curl_slist, slist_cleanup> headers_;
  transfer_settings settings_;
  std::thread thread_;

  // Shared with submitters.
  std::mutex mutex_;
  std::vector<delivery_request> incoming_;
  held_map held_;  // by not_before
  std::unordered_map<std::uint64_t, held_map::iterator> held_by_ticket_;
  bool stopping_ = false;
  steady::time_point stop_deadline_{};

  // The worker thread's own.
  rate_pacer pacer_;
  std::deque<rate_pacer::release> waiting_for_slot_;
  std::vector<std::unique_ptr<transfer>> transfers_;
  std::vector<transfer*> free_;
  std::unordered_set<transfer*> running_;
  std::size_t paced_seen_ = 0;
  bool starting_ = false;
};

// -- curl_pool --------------------------------------------------------------

curl_pool::curl_pool(curl_pool_options opts, const wall_clock& clock)
    : opts_(std::move(opts)), clock_(clock), library_(std::make_unique<library>()) {
  opts_.workers = std::max(opts_.workers, 1);
  if (opts_.user_agent.empty()) opts_.user_agent = "taskhook/" TASKHOOK_VERSION;
  auto log = spdlog::get("webhook");
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  if (log && (info->features & CURL_VERSION_ASYNCHDNS) == 0)
    log->warn("libcurl {} has no threaded resolver: DNS lookups block a whole delivery worker",
              info->version);
  // Discord's global limit covers the whole sender: one for all workers.
  auto global = std::make_shared<global_limit>();
  for (int i = 0; i < opts_.workers; ++i)
    workers_.push_back(std::make_unique<worker>(i, opts_, clock_, counters_, log, global));
  try {
    for (auto& w : workers_) w->start();
  } catch (...) {
    shutdown(milliseconds{0});  // the threads already running must not outlive us
    throw;
  }
  if (log)
    log->info("webhook pool started workers={} timeout_ms={} allow_private_targets={}",
              opts_.workers, opts_.timeout.count(), opts_.allow_private_targets);
}

curl_pool::~curl_pool() {
  shutdown(milliseconds{0});
  workers_.clear();
}

curl_pool::worker& curl_pool::worker_for(const std::string& rate_key) {
  return *workers_[std::hash<std::string>{}(rate_key) % workers_.size()];
}

bool curl_pool::cancel(const std::string& rate_key, std::uint64_t ticket) {
  return ticket != 0 && worker_for(rate_key).cancel(ticket);
}

void curl_pool::submit(delivery_request req) {
  auto& w = worker_for(req.rate_key);
  counters_.queued.fetch_add(1, std::memory_order_relaxed);
  if (w.enqueue(req)) return;
  counters_.queued.fetch_sub(1, std::memory_order_relaxed);
  delivery_result res;
  res.correlation = req.correlation;
  res.started = clock_.now();
  res.error = transport_error::other;
  res.error_text = shutting_down;
  res.stopping = true;
  counters_.count(res.error);
  if (req.on_done) req.on_done(std::move(res));
}

void curl_pool::shutdown(milliseconds grace) {
  std::lock_guard lock(shutdown_mutex_);
  if (shut_down_) return;
  shut_down_ = true;
  auto deadline = steady::now() + std::max(grace, milliseconds{0});
  for (auto& w : workers_) w->begin_stop(deadline);
  for (auto& w : workers_) w->join();
}

sink_counters curl_pool::read_counters() const {
  auto st = stats();
  sink_counters c;
  c.workers = opts_.workers;
  c.held = st.held;
  c.queued = st.queued;
  c.paced = st.paced;
  c.in_flight = st.in_flight;
  c.sent_total = st.sent_total;
  c.completed_total = st.completed_total;
  c.connections_opened_total = st.connections_opened_total;
  return c;
}

curl_pool_stats curl_pool::stats() const {
  constexpr auto r = std::memory_order_relaxed;
  curl_pool_stats s;
  s.held = counters_.held.load(r);
  s.queued = counters_.queued.load(r);
  s.paced = counters_.paced.load(r);
  s.in_flight = counters_.in_flight.load(r);
  s.sent_total = counters_.sent_total.load(r);
  s.completed_total = counters_.completed_total.load(r);
  s.connections_opened_total = counters_.connections_opened.load(r);
  for (std::size_t i = 0; i < s.by_error.size(); ++i) s.by_error[i] = counters_.by_error[i].load(r);
  return s;
}

}  // namespace taskhook::webhook
