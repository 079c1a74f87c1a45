#include "app/change_follower.hpp"

#include <spdlog/spdlog.h>

namespace taskhook::app {
namespace {

constexpr std::uint32_t page = 1000;

}  // namespace

change_follower::change_follower(std::string conninfo, const task_router& router,
                                 lease_actor_type leases, const cluster::lease_table& table,
                                 const wall_clock& clock, runtime_metrics* metrics,
                                 std::int64_t after_seq)
    : store_(conninfo),
      router_(router),
      leases_(std::move(leases)),
      table_(table),
      clock_(clock),
      metrics_(metrics),
      last_seq_(after_seq),
      listener_(std::move(conninfo), {"taskhook_changes", "taskhook_runs", "taskhook_leases"},
                [this](const std::string& channel) { on_notify(channel); }) {}

change_follower::~change_follower() { listener_.stop(); }

void change_follower::on_notify(const std::string& channel) {
  if (channel == "taskhook_changes")
    apply_changes();
  else if (channel == "taskhook_runs")
    take_runs();
  else if (channel == "taskhook_leases")
    caf::anon_send(leases_, tick_atom::value);
}

void change_follower::apply_changes() {
  for (;;) {
    auto changes = store_.changes_after(last_seq_, page);
    if (!changes) {
      if (auto log = spdlog::get("cluster"))
        log->warn("reading announced changes: {}", changes.error_message());
      return;  // the next notification or reconnect reads again from last_seq_
    }
    for (auto& c : *changes) {
      last_seq_ = c.seq;
      auto& shard = router_.shard_for(c.task.id);
      if (c.deleted)
        caf::anon_send(shard, remove_atom::value, c.task.id, c.task.revision);
      else
        caf::anon_send(shard, upsert_atom::value, std::move(c.task), start_mode::announced);
      if (metrics_) metrics_->cluster.changes_applied.fetch_add(1, std::memory_order_relaxed);
    }
    if (changes->size() < page) return;
  }
}

void change_follower::take_runs() {
  auto held = table_.held_at(clock_.monotonic_now());
  if (held.none()) return;
  auto runs = store_.take_run_requests(held, page);
  if (!runs) return;
  for (auto& r : *runs) {
    if (metrics_) metrics_->cluster.runs_requested.fetch_add(1, std::memory_order_relaxed);
    caf::anon_send(router_.shard_for(r.task_id), run_now_atom::value, r.task_id, r.tenant_id);
  }
}

}  // namespace taskhook::app
