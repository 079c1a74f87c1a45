#include "actors/lease_actor.hpp"

#include <spdlog/spdlog.h>

#include <array>

namespace taskhook {
namespace {

using std::chrono::milliseconds;

/// How long a handover waits for the actors it stopped and for their rows:
/// an attempt in flight is bounded by the webhook timeout (at most 300 s).
constexpr std::chrono::seconds handover_wait{310};

struct lease_state {
  std::shared_ptr<lease_store> store;
  cluster::lease_table* table = nullptr;
  std::vector<supervisor_type> shards;
  std::function<const supervisor_type&(const uuid&)> shard_for;
  db_actor_type db;
  const wall_clock* clock = nullptr;
  runtime_metrics* metrics = nullptr;
  lease_options opts;

  /// Epoch of each partition held in the database (0: not held), handovers included.
  std::array<std::int64_t, cluster::partition_count> epoch{};
  /// Until when each held partition is trusted.
  std::array<cluster::monotonic_time, cluster::partition_count> deadline{};
  cluster::partition_set moving;  ///< being handed over: no longer armed or sent
  /// Moving, disarmed, and waiting for their rows to be written before release.
  cluster::partition_set unreleased;
  bool reachable = true;
  bool tick_scheduled = false;
  bool draining = false;
  std::shared_ptr<spdlog::logger> log = spdlog::get("cluster");

  static inline const char* name = "lease_actor";

  cluster::partition_set held() const {
    cluster::partition_set s;
    for (int p = 0; p < cluster::partition_count; ++p)
      if (epoch[p] != 0) s.set(p);
    return s;
  }
  std::vector<held_lease> held_list() const {
    std::vector<held_lease> out;
    for (int p = 0; p < cluster::partition_count; ++p)
      if (epoch[p] != 0) out.push_back({p, epoch[p]});
    return out;
  }
  void publish() {
    if (metrics)
      metrics->cluster.partitions_owned.store(
          static_cast<std::int64_t>((held() & ~moving).count()), std::memory_order_relaxed);
  }
};

using lease_ptr = lease_actor_type::stateful_pointer<lease_state>;

std::string list(const cluster::partition_set& s) {
  std::string out;
  for (int p : cluster::members(s)) {
    if (!out.empty()) out += ',';
    out += std::to_string(p);
  }
  return out;
}

/// Stops the task actors of `parts` on every shard; `then` runs once all of
/// them have ended (or the wait ran out).
template <class Then>
void disarm(lease_ptr self, const cluster::partition_set& parts, Then then) {
  auto& s = self->state;
  auto left = std::make_shared<std::size_t>(s.shards.size());
  auto stopped = std::make_shared<std::uint64_t>(0);
  for (const auto& shard : s.shards)
    self->request(shard, handover_wait, disarm_atom::value, parts)
        .then(
            [left, stopped, then](std::uint64_t n) {
              *stopped += n;
              if (--*left == 0) then(*stopped);
            },
            [left, stopped, then](caf::error&) {
              if (--*left == 0) then(*stopped);
            });
}

/// The partition is no longer this node's: its lease ran out here or another
/// node holds it. Nothing of it is armed or sent from now on.
void lose(lease_ptr self, int p, const char* why) {
  auto& s = self->state;
  s.table->drop(p);
  s.epoch[p] = 0;
  s.moving.reset(p);
  if (s.metrics) s.metrics->cluster.lost.fetch_add(1, std::memory_order_relaxed);
  if (s.log)
    s.log->warn("event=lease_lost node={} partition={} reason=\"{}\"", s.opts.node.str(), p, why);
  cluster::partition_set one;
  one.set(p);
  disarm(self, one, [](std::uint64_t) {});
}

/// Streams the ACTIVE tasks of newly claimed partitions to their shards
/// (resume: the misfire policy covers fires missed while nobody held them,
/// an owed retry continues), then the run-now requests waiting for them.
void arm_claimed(lease_ptr self, const cluster::partition_set& parts) {
  auto& s = self->state;
  uuid after{};
  std::uint64_t armed = 0;
  for (;;) {
    auto page = s.store->load_partitions(parts, after, s.opts.load_page);
    if (!page) {
      // The next tick finds the partitions held and not renewed past their
      // deadline if the database is away; until then a later load retries.
      if (s.log) s.log->error("loading claimed partitions: {}", page.error_message());
      return;
    }
    for (auto& t : *page) {
      after = t.id;
      caf::anon_send(s.shard_for(t.id), upsert_atom::value, std::move(t), start_mode::resume);
    }
    armed += page->size();
    if (page->size() < s.opts.load_page) break;
  }
  if (s.log && armed > 0)
    s.log->info("event=armed node={} tasks={} partitions={}", s.opts.node.str(), armed,
                parts.count());
  auto runs = s.store->take_run_requests(parts, 10000);
  if (!runs) return;
  for (auto& r : *runs) {
    if (s.metrics) s.metrics->cluster.runs_requested.fetch_add(1, std::memory_order_relaxed);
    caf::anon_send(s.shard_for(r.task_id), run_now_atom::value, r.task_id, r.tenant_id);
  }
}

/// Keeps `parts` (disarmed, being handed over) until the rows are written:
/// they stay this node's, renewed as usual and armed nowhere, rather than
/// handed over behind their rows. The next renewal tries again.
void defer_release(lease_ptr self, const cluster::partition_set& parts, const std::string& why) {
  auto& s = self->state;
  s.unreleased |= parts;
  if (s.log)
    s.log->error("event=release_deferred node={} partitions={} reason=\"{}\"", s.opts.node.str(),
                 list(parts), why);
}

/// Releases `parts`, whose actors have ended, once the db_actor has written
/// every row it holds.
template <class Done>
void release_when_written(lease_ptr self, cluster::partition_set parts, std::uint64_t stopped,
                          Done done) {
  auto& s = self->state;
  self->request(s.db, handover_wait, sync_atom::value)
      .then(
          [self, parts, stopped, done](bool written) {
            auto& s = self->state;
            if (!written) {
              defer_release(self, parts, "rows not written");
              done(false);
              return;
            }
            // A partition lost while this waited (its deadline passed) may be
            // this node's again under a new epoch, armed: not this handover's.
            const auto leaving = parts & ~(s.held() & ~s.moving);
            if (leaving.none()) {
              done(true);
              return;
            }
            auto members = cluster::members(leaving);
            auto r = s.store->release(s.opts.node, members);
            for (int p : members) {
              s.epoch[p] = 0;
              s.moving.reset(p);
            }
            s.publish();
            if (s.metrics)
              s.metrics->cluster.handovers.fetch_add(members.size(), std::memory_order_relaxed);
            if (s.log)
              s.log->info("event=release node={} partitions={} tasks_stopped={}{}",
                          s.opts.node.str(), list(leaving), stopped,
                          r ? "" : " error=\"" + r.error_message() + "\"");
            done(true);
          },
          [self, parts, done](caf::error& err) {
            defer_release(self, parts, self->system().render(err));
            done(false);
          });
}

/// Releases `parts` once their actors have ended and their rows are written.
template <class Done>
void hand_over(lease_ptr self, cluster::partition_set parts, Done done) {
  auto& s = self->state;
  // No more arming or sending for them from this moment: a send still held
  // is refused and its run is the next owner's (the row says next_run_at).
  for (int p : cluster::members(parts)) s.table->drop(p);
  s.moving |= parts;
  s.publish();
  disarm(self, parts, [self, parts, done](std::uint64_t stopped) {
    release_when_written(self, parts, stopped, done);
  });
}

void schedule_tick(lease_ptr self) {
  auto& s = self->state;
  if (s.tick_scheduled || s.draining) return;
  s.tick_scheduled = true;
  self->delayed_send(self, s.opts.timing.renew_every(), tick_atom::value);
}

void tick(lease_ptr self) {
  auto& s = self->state;
  if (s.draining) return;
  const auto started = s.clock->monotonic_now();
  auto renewed = s.store->renew(s.opts.node, s.held_list(), s.opts.timing.lease);
  const auto answered = s.clock->monotonic_now();
  if (!renewed) {
    s.reachable = false;
    if (s.metrics) s.metrics->cluster.renew_failures.fetch_add(1, std::memory_order_relaxed);
    if (s.log) s.log->warn("event=renew_failed node={} reason=\"{}\"", s.opts.node.str(),
                           renewed.error_message());
    // Firing goes on until each lease's deadline, then pauses.
    for (int p = 0; p < cluster::partition_count; ++p)
      if (s.epoch[p] != 0 && answered >= s.deadline[p]) lose(self, p, "deadline passed");
    s.publish();
    return;
  }
  s.reachable = true;
  if (s.metrics) {
    s.metrics->cluster.renewals.fetch_add(1, std::memory_order_relaxed);
    s.metrics->cluster.renew_seconds.observe(
        std::chrono::duration<double>(answered - started).count());
  }
  const auto trusted = cluster::trusted_until(started, s.opts.timing);
  cluster::partition_set still;
  for (const auto& r : renewed->renewed) {
    if (s.epoch[r.partition] != r.epoch) continue;
    still.set(r.partition);
    s.deadline[r.partition] = trusted;
    if (!s.moving[r.partition]) s.table->extend(r.partition, r.epoch, trusted);
  }
  for (int p = 0; p < cluster::partition_count; ++p)
    if (s.epoch[p] != 0 && !still[p]) lose(self, p, "held by another node");

  // A handover held back by unwritten rows tries again (a lost partition is
  // no longer moving and not released by it).
  if (auto again = s.unreleased & s.moving; again.any()) {
    s.unreleased.reset();
    release_when_written(self, again, 0, [](bool) {});
  }

  auto step = cluster::plan_leases(s.held(), s.moving, renewed->live_nodes);
  if (step.claim > 0) {
    const auto claim_started = s.clock->monotonic_now();
    auto claimed = s.store->claim(s.opts.node, step.claim, s.held(), s.opts.timing.lease);
    if (claimed && !claimed->empty()) {
      const auto until = cluster::trusted_until(claim_started, s.opts.timing);
      cluster::partition_set fresh, taken;
      for (const auto& c : *claimed) {
        s.epoch[c.partition] = c.epoch;
        s.deadline[c.partition] = until;
        s.table->hold(c.partition, c.epoch, until);
        fresh.set(c.partition);
        if (c.previous_owner && *c.previous_owner != s.opts.node) {
          taken.set(c.partition);
          if (s.log)
            s.log->warn("event=takeover node={} partition={} epoch={} previous_owner={}",
                        s.opts.node.str(), c.partition, c.epoch, c.previous_owner->str());
        }
      }
      if (s.metrics) {
        s.metrics->cluster.takeovers.fetch_add(taken.count(), std::memory_order_relaxed);
        s.metrics->cluster.claims.fetch_add(fresh.count() - taken.count(),
                                            std::memory_order_relaxed);
      }
      if (s.log)
        s.log->info("event=claim node={} partitions={} count={} live_nodes={}",
                    s.opts.node.str(), list(fresh), fresh.count(), renewed->live_nodes);
      s.publish();
      arm_claimed(self, fresh);
    } else if (!claimed && s.log) {
      s.log->warn("event=claim_failed node={} reason=\"{}\"", s.opts.node.str(),
                  claimed.error_message());
    }
  }
  if (step.hand_over.any()) {
    if (s.log)
      s.log->info("event=handover_start node={} partitions={} live_nodes={}", s.opts.node.str(),
                  list(step.hand_over), renewed->live_nodes);
    hand_over(self, step.hand_over, [](bool) {});
  }
  s.publish();
}

lease_actor_type::behavior_type lease_actor(lease_ptr self, std::shared_ptr<lease_store> store,
                                            cluster::lease_table* table,
                                            std::vector<supervisor_type> shards,
                                            std::function<const supervisor_type&(const uuid&)> route,
                                            db_actor_type db, const wall_clock* clock,
                                            runtime_metrics* metrics, lease_options opts) {
  auto& s = self->state;
  s.store = std::move(store);
  s.table = table;
  s.shards = std::move(shards);
  s.shard_for = std::move(route);
  s.db = std::move(db);
  s.clock = clock;
  s.metrics = metrics;
  s.opts = std::move(opts);
  if (auto r = s.store->register_node(s.opts.node, s.opts.node_name); !r && s.log)
    s.log->warn("event=register_failed node={} reason=\"{}\"", s.opts.node.str(),
                r.error_message());
  if (s.log)
    s.log->info("event=join node={} name=\"{}\" lease_ms={}", s.opts.node.str(),
                s.opts.node_name, s.opts.timing.lease.count());
  return {
      [self](tick_atom) {
        // A timer tick or a nudge: either way one tick now. Only the timer's
        // own tick (sent by this actor) re-arms it: a nudge that did would
        // start a second timer beside the pending one, and every later nudge
        // another, multiplying the renewal rate.
        if (self->current_sender().get() == self->ctrl()) self->state.tick_scheduled = false;
        tick(self);
        schedule_tick(self);
      },
      [self](leases_atom) -> node_status {
        auto& s = self->state;
        return {s.opts.node, s.opts.node_name, s.held() & ~s.moving, s.reachable,
                s.opts.timing.lease};
      },
      [self](cluster_atom) -> caf::result<std::vector<node_view>> {
        auto r = self->state.store->nodes(self->state.opts.timing.lease);
        if (!r) return make_error(actor_error::database, r.error_message());
        return std::move(*r);
      },
      [self](drain_atom) -> caf::typed_response_promise<bool> {
        auto& s = self->state;
        auto promise = self->make_response_promise<bool>();
        s.draining = true;
        auto all = s.held();
        if (s.log)
          s.log->info("event=leaving node={} partitions={}", s.opts.node.str(), all.count());
        auto answer = std::make_shared<caf::typed_response_promise<bool>>(promise);
        hand_over(self, all, [self, answer](bool released) {
          auto& s = self->state;
          s.store->leave(s.opts.node);
          answer->deliver(released);
        });
        return promise;
      },
  };
}

}  // namespace

lease_actor_type spawn_lease_actor(caf::actor_system& sys, std::shared_ptr<lease_store> store,
                                   cluster::lease_table* table, const task_router& router,
                                   db_actor_type db, const wall_clock& clock,
                                   runtime_metrics* metrics, lease_options opts,
                                   bool detached) {
  std::function<const supervisor_type&(const uuid&)> route =
      [&router](const uuid& id) -> const supervisor_type& { return router.shard_for(id); };
  if (detached)
    return sys.spawn<caf::detached>(lease_actor, std::move(store), table, router.shards(),
                                    std::move(route), db, &clock, metrics, std::move(opts));
  return sys.spawn(lease_actor, std::move(store), table, router.shards(), std::move(route), db,
                   &clock, metrics, std::move(opts));
}

}  // namespace taskhook
