#include "webhook/multi_transfers.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace taskhook::webhook {

multi_transfers::multi_transfers(std::size_t worker_index, const curl_pool_options& opts,
                                 const wall_clock& clock, pool_counters& counters,
                                 std::shared_ptr<spdlog::logger> log, done_fn on_done)
    : index_(worker_index),
      max_active_(std::max<std::size_t>(opts.max_connections_per_worker, 1)),
      host_cap_(opts.max_host_connections),
      clock_(clock),
      counters_(counters),
      log_(std::move(log)),
      on_done_(std::move(on_done)),
      multi_(curl_multi_init()),
      share_(curl_share_init()) {
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  // No "Expect: 100-continue" round trip before larger payloads.
  if (headers != nullptr) headers = curl_slist_append(headers, "Expect:");
  headers_.reset(headers);
  if (!multi_ || !share_ || !headers_)
    throw std::runtime_error("libcurl: cannot create a multi or share handle");
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

multi_transfers::~multi_transfers() {
  // Only after a failed run: easy handles must leave the multi before either goes.
  for (transfer* t : running_) curl_multi_remove_handle(multi_.get(), t->easy());
}

bool multi_transfers::start(rate_pacer::release& r, steady::time_point now) {
  transfer* t = acquire();
  if (t == nullptr) return false;
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
  return true;
}

void multi_transfers::perform() {
  int running = 0;
  curl_multi_perform(multi_.get(), &running);
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    transfer* t = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
    CURLcode code = msg->data.result;  // msg dies with remove_handle
    complete(t, code, steady::now(), true);
  }
}

bool multi_transfers::poll(int extra_fd, std::chrono::milliseconds wait) {
  curl_waitfd extra{extra_fd, CURL_WAIT_POLLIN, 0};
  curl_multi_poll(multi_.get(), extra_fd >= 0 ? &extra : nullptr, extra_fd >= 0 ? 1 : 0,
                  static_cast<int>(wait.count()), nullptr);
  return extra.revents != 0;
}

void multi_transfers::wakeup() { curl_multi_wakeup(multi_.get()); }

void multi_transfers::abort_all(const char* why, steady::time_point now) {
  std::vector<transfer*> running(running_.begin(), running_.end());
  for (transfer* t : running) {
    curl_multi_remove_handle(multi_.get(), t->easy());
    transfer_done d;
    d.result = t->abort(why, now);
    d.result.stopping = true;
    d.aborted = true;
    d.at = now;
    d.req = t->take_request();
    release_slot(t);
    on_done_(std::move(d));
  }
}

void multi_transfers::complete(transfer* t, CURLcode code, steady::time_point now, bool added) {
  if (added) curl_multi_remove_handle(multi_.get(), t->easy());
  transfer_done d;
  d.result = t->finish(code, now);
  d.limits = t->limits();
  if (d.result.http_status == 429 && !d.limits.retry_after) {
    // Discord often names the wait only in the JSON body: hold the bucket for
    // exactly that, not for a guessed second.
    d.result.classified = classify_response(d.result);
    if (d.result.classified->retry_after) d.limits.retry_after = *d.result.classified->retry_after;
  }
  d.probe = t->probe();
  d.at = now;
  if (added) note_wire(t->wire());
  log_outcome(*t, d.result);
  d.req = t->take_request();
  release_slot(t);
  on_done_(std::move(d));
}

void multi_transfers::note_wire(transfer::wire_use w) {
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

void multi_transfers::release_slot(transfer* t) {
  running_.erase(t);
  free_.push_back(t);
  counters_.in_flight.fetch_sub(1, std::memory_order_relaxed);
}

void multi_transfers::log_outcome(const transfer& t, const delivery_result& res) {
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

transfer* multi_transfers::acquire() {
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

}  // namespace taskhook::webhook
