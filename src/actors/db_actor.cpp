#include "actors/db_actor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "core/backoff.hpp"
#include <unordered_map>

namespace taskhook {
namespace {

struct db_state {
  std::shared_ptr<store> st;
  runtime_metrics* metrics = nullptr;
  db_actor_options opts;
  std::vector<attempt_row> attempts;
  std::vector<task_progress> progress;             // one entry per task, merged
  std::unordered_map<uuid, std::size_t> progress_index;
  bool flush_scheduled = false;
  bool outage = false;                             // the last write failed
  std::chrono::milliseconds retry_delay{0};
  std::optional<caf::typed_response_promise<bool>> drain_promise;
  std::shared_ptr<spdlog::logger> log = spdlog::get("db");
  // task_logs ids: time-ordered, so the primary key grows at its end.
  jitter_rng id_rng{0};  // seeded from the options at spawn
  std::int64_t id_ms = 0;
  std::uint16_t id_seq = 0;

  static inline const char* name = "db_actor";

  /// A v7 id later than every one before it from this actor: the wall
  /// millisecond, or the last one's with the next sequence number.
  uuid next_log_id() {
    auto now = opts.clock->now().time_since_epoch().count();
    if (now > id_ms) {
      id_ms = now;
      id_seq = 0;
    } else if (++id_seq > 0x0fff) {
      ++id_ms;  // 4,096 rows in one millisecond: borrow the next
      id_seq = 0;
    }
    auto random = [this] { return id_rng.next(); };
    return make_uuid_v7(id_ms, id_seq, random);
  }

  std::size_t pending() const { return attempts.size() + progress.size(); }

  void publish_pending() {
    if (metrics) metrics->db.pending_rows.store(static_cast<std::int64_t>(pending()),
                                                std::memory_order_relaxed);
  }

  void add(task_progress p) {
    auto [it, inserted] = progress_index.try_emplace(p.task_id, progress.size());
    if (inserted)
      progress.push_back(std::move(p));
    else if (progress[it->second].revision == p.revision &&
             progress[it->second].epoch == p.epoch)
      progress[it->second].merge(p);
    else
      // A newer actor's view replaces the old: a later revision, or the same
      // task armed again under a new lease epoch.
      progress[it->second] = std::move(p);
  }

  /// Keeps memory bounded during a long outage: the oldest attempt rows go first
  /// and are counted, so the loss is visible.
  void enforce_bound() {
    if (attempts.size() <= opts.max_pending) return;
    auto excess = attempts.size() - opts.max_pending;
    attempts.erase(attempts.begin(), attempts.begin() + static_cast<std::ptrdiff_t>(excess));
    if (metrics) metrics->db.rows_dropped.fetch_add(excess, std::memory_order_relaxed);
    if (log) log->error("pending attempt rows over the bound of {}: dropped the {} oldest",
                        opts.max_pending, excess);
  }

  /// One write attempt of everything pending. True when nothing is left.
  bool write() {
    if (pending() == 0) return true;
    std::string err;
    const auto started = opts.clock->monotonic_now();
    auto status = st->write_batch(attempts, progress, err);
    if (metrics && status == write_status::ok) {
      metrics->db.write_seconds.observe(
          std::chrono::duration<double>(opts.clock->monotonic_now() - started).count());
      metrics->db.batch_rows.observe(static_cast<double>(pending()));
    }
    switch (status) {
      case write_status::ok:
        if (metrics) {
          metrics->db.rows_written.fetch_add(attempts.size(), std::memory_order_relaxed);
          metrics->db.progress_written.fetch_add(progress.size(), std::memory_order_relaxed);
          metrics->db.batches.fetch_add(1, std::memory_order_relaxed);
          if (outage) metrics->db.reconnects.fetch_add(1, std::memory_order_relaxed);
          metrics->cluster.writes_refused.fetch_add(st->take_fenced_writes(),
                                                    std::memory_order_relaxed);
        }
        if (outage && log) log->info("database back: wrote {} pending rows", pending());
        outage = false;
        retry_delay = std::chrono::milliseconds{0};
        break;
      case write_status::rejected:
        // The data itself is refused (a bug, not an outage): retrying would
        // block every later row behind it forever.
        if (metrics) {
          metrics->db.write_failures.fetch_add(1, std::memory_order_relaxed);
          metrics->db.rows_rejected.fetch_add(pending(), std::memory_order_relaxed);
        }
        if (log) log->error("database refused a batch of {} rows: {}", pending(), err);
        break;
      case write_status::unavailable:
        if (metrics) metrics->db.write_failures.fetch_add(1, std::memory_order_relaxed);
        if (!outage && log)
          log->warn("database unavailable, keeping {} rows in memory: {}", pending(), err);
        outage = true;
        retry_delay = std::clamp(retry_delay * 2, opts.retry_min, opts.retry_max);
        publish_pending();
        return false;
    }
    attempts.clear();
    progress.clear();
    progress_index.clear();
    publish_pending();
    return true;
  }
};

caf::error database_error(const std::string& message) {
  return make_error(actor_error::database, message);
}

caf::result<task_record> found_or_error(expected<std::optional<task_record>> r) {
  if (!r) return database_error(r.error_message());
  if (!*r) return make_error(actor_error::no_such_task);
  return std::move(**r);
}

db_actor_type::behavior_type db_actor(db_actor_type::stateful_pointer<db_state> self,
                                      std::shared_ptr<store> st, runtime_metrics* metrics,
                                      db_actor_options opts) {
  auto& s = self->state;
  s.st = std::move(st);
  s.metrics = metrics;
  s.opts = opts;
  s.id_rng = jitter_rng(opts.id_seed);

  auto schedule_flush = [self](std::chrono::milliseconds delay) {
    if (self->state.flush_scheduled) return;
    self->state.flush_scheduled = true;
    self->delayed_send(self, delay, flush_atom::value);
  };
  auto after_add = [self, schedule_flush] {
    auto& s = self->state;
    s.enforce_bound();
    s.publish_pending();
    if (s.outage) return;  // the retry timer is already set
    if (s.pending() >= s.opts.max_batch) {
      if (!s.write()) schedule_flush(s.retry_delay);
    } else {
      schedule_flush(s.opts.flush_interval);
    }
  };

  return {
      [self](ping_atom) -> bool { return self->state.st->ping(); },
      [self, after_add](attempt_row& row) {
        if (row.id.is_nil()) row.id = self->state.next_log_id();
        self->state.attempts.push_back(std::move(row));
        after_add();
      },
      [self, after_add](task_progress& p) {
        self->state.add(std::move(p));
        after_add();
      },
      [self, schedule_flush](flush_atom) {
        auto& s = self->state;
        s.flush_scheduled = false;
        // Sampled here, on the actor's own thread, where reading it is safe.
        if (s.metrics)
          s.metrics->db.mailbox.store(static_cast<std::int64_t>(self->mailbox().size()),
                                      std::memory_order_relaxed);
        if (!s.write()) {
          schedule_flush(s.retry_delay);
          return;
        }
        if (s.drain_promise) {
          s.drain_promise->deliver(true);
          self->quit();
        }
      },
      [self](load_atom, const uuid& after,
             std::uint32_t limit) -> caf::result<std::vector<task_record>> {
        auto r = self->state.st->load_active(after, limit);
        if (!r) return caf::make_error(caf::sec::runtime_error, r.error_message());
        return std::move(*r);
      },
      [self](create_atom, task_record& t, instant now) -> caf::result<task_record> {
        auto r = self->state.st->create_task(std::move(t), now);
        if (!r) return database_error(r.error_message());
        return std::move(*r);
      },
      [self](patch_atom, const uuid& tenant, const uuid& id, const task_input& in,
             instant now) -> caf::result<task_record> {
        return found_or_error(self->state.st->patch_task(tenant, id, in, now));
      },
      [self](toggle_atom, const uuid& tenant, const uuid& id,
             instant now) -> caf::result<task_record> {
        return found_or_error(self->state.st->toggle_task(tenant, id, now));
      },
      [self](delete_atom, const uuid& tenant, const uuid& id) -> caf::result<std::int64_t> {
        auto r = self->state.st->delete_task(tenant, id);
        if (!r) return database_error(r.error_message());
        if (*r == 0) return make_error(actor_error::no_such_task);
        return *r;
      },
      [self](tenants_atom, const std::string& name,
             const key_hash& hash) -> caf::result<tenant_info> {
        auto r = self->state.st->create_tenant(name, hash);
        if (!r) return database_error(r.error_message());
        return std::move(*r);
      },
      [self](sync_atom) -> bool { return self->state.write(); },
      [self](run_now_atom, const uuid& task, const uuid& tenant, std::int16_t partition,
             instant at) -> caf::result<bool> {
        auto r = self->state.st->request_run(task, tenant, partition, at);
        if (!r) return database_error(r.error_message());
        return true;
      },
      [self, schedule_flush](drain_atom) -> caf::typed_response_promise<bool> {
        auto& s = self->state;
        auto promise = self->make_response_promise<bool>();
        if (s.write()) {
          promise.deliver(true);
          self->quit();
          return promise;
        }
        // Keep trying while the database is away; the caller bounds the wait.
        s.drain_promise = promise;
        schedule_flush(s.retry_delay);
        return promise;
      },
  };
}

}  // namespace

db_actor_type spawn_db_actor(caf::actor_system& sys, std::shared_ptr<store> st,
                             runtime_metrics* metrics, db_actor_options opts, bool detached) {
  if (detached) return sys.spawn<caf::detached>(db_actor, std::move(st), metrics, opts);
  return sys.spawn(db_actor, std::move(st), metrics, opts);
}

}  // namespace taskhook
