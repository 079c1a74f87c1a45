#include "webhook/curl_pool.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "webhook/delivery_worker.hpp"

namespace taskhook::webhook {
namespace {

using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

static_assert(static_cast<std::size_t>(transport_error::other) + 1 ==
                  std::tuple_size_v<decltype(curl_pool_stats::by_error)>,
              "curl_pool_stats::by_error needs one slot per transport_error");

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
    workers_.push_back(std::make_unique<delivery_worker>(i, opts_, clock_, counters_, log, global));
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

delivery_worker& curl_pool::worker_for(const std::string& rate_key) {
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
