#include "actors/task_supervisor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_map>

namespace taskhook {
namespace {

/// The actor holds the task's definition and hands it back in its exit report
/// (a restart spawns from it), so the entry needs only the handle and the
/// partition: a map node of 40 bytes (the uuid hash is not cached), a 48-byte
/// allocation. Anything more (a pointer, the revision) would take it to 64:
/// recent_changes below holds what the ordering check needs, crash_log the
/// crash times of the few tasks that crashed.
struct entry {
  task_actor_type actor;
  /// The task's partition: a lost or handed-over partition stops its actors.
  std::uint8_t partition = 0;
};

using task_map = std::unordered_map<uuid, entry>;
/// Recent crash times of the tasks that crashed (almost none do).
using crash_map = std::unordered_map<uuid, std::vector<caf::actor_clock::time_point>>;

/// The latest revision of each task changed lately through the API (created,
/// patched, toggled, deleted) or ended by its actor. Each change reaches the
/// shard through a helper actor of its own, and CAF orders messages only per
/// sender: a toggle's update can overtake the one of the toggle before it. An
/// older change that arrives after a newer one is then ignored, instead of
/// bringing back an actor the database no longer has, stopping one it has, or
/// running an older definition. Kept for a minute, far longer than a change
/// takes to arrive (a helper waits at most 5 s for the db_actor), then
/// forgotten: the map holds the last minute's changes, not an entry per task.
class recent_changes {
 public:
  static constexpr std::chrono::seconds keep{60};

  void note(const uuid& id, std::int64_t revision, caf::actor_clock::time_point now) {
    forget_before(now - keep);
    auto& last = latest_[id];
    last.revision = std::max(last.revision, revision);
    last.at = now;
    order_.push_back({now, id});
  }

  /// True when a newer revision than `revision` came first. (The same one
  /// again replaces, as a repeated change always did.)
  bool stale(const uuid& id, std::int64_t revision) const {
    auto it = latest_.find(id);
    return it != latest_.end() && revision < it->second.revision;
  }

  /// True when `revision` or a newer one was already applied (a change
  /// announced by the database after this node made it itself).
  bool applied(const uuid& id, std::int64_t revision) const {
    auto it = latest_.find(id);
    return it != latest_.end() && revision <= it->second.revision;
  }

 private:
  struct latest {
    std::int64_t revision = 0;
    caf::actor_clock::time_point at;  ///< of the last change noted
  };
  struct noted {
    caf::actor_clock::time_point at;
    uuid id;
  };

  void forget_before(caf::actor_clock::time_point t) {
    while (!order_.empty() && order_.front().at < t) {
      auto it = latest_.find(order_.front().id);
      // Unless a later change of the same task is still within the minute.
      if (it != latest_.end() && it->second.at == order_.front().at) latest_.erase(it);
      order_.pop_front();
    }
  }

  std::unordered_map<uuid, latest> latest_;
  std::deque<noted> order_;
};

/// A disarm waiting for the actors it stopped to end.
struct pending_disarm {
  caf::typed_response_promise<std::uint64_t> promise;
  std::uint64_t stopped = 0;
  std::uint64_t waiting = 0;
};

struct supervisor_state {
  std::shared_ptr<const task_runtime> rt;
  supervisor_options opts;
  /// Shared with the functor that stops them, which runs after the state is gone.
  std::shared_ptr<task_map> tasks_ptr = std::make_shared<task_map>();
  task_map& tasks = *tasks_ptr;
  recent_changes changes;
  crash_map crash_log;
  /// Actors stopped by a disarm that have not ended yet → the disarm.
  std::unordered_map<caf::actor_id, std::shared_ptr<pending_disarm>> disarming;
  supervisor_stats stats;
  std::shared_ptr<spdlog::logger> log = spdlog::get("actors");

  static inline const char* name = "task_supervisor";
};

using sup_ptr = supervisor_type::stateful_pointer<supervisor_state>;

/// Drops a task's entry, and with it its crash history.
void forget(supervisor_state& s, task_map::iterator it) {
  if (!s.crash_log.empty()) s.crash_log.erase(it->first);
  s.tasks.erase(it);
}

/// Spawns the task's actor. It reports its end to this supervisor itself
/// (exited_atom, through the runtime's `supervisor`), rather than through a
/// monitor or an attached functor: no allocation per actor for it.
void spawn_for(sup_ptr self, entry& e, std::shared_ptr<const task_def> def, task_times times,
               start_mode mode) {
  e.actor = spawn_task_actor(self, self->state.rt, std::move(def), times, mode);
}

/// FAILED with `why` and no next run, in the database, for a task this
/// supervisor will not run.
void mark_failed(sup_ptr self, const uuid& id, std::int64_t revision, std::string why) {
  task_progress p;
  p.task_id = id;
  p.revision = revision;
  p.set_next_run = true;
  p.status = task_status::failed;
  p.status_reason = std::move(why);
  p.set_retry = true;  // a run it may have owed ends here
  self->send(self->state.rt->db, std::move(p));
}

/// Asks the old actor to finish its attempt in flight and quit. The caller
/// drops its entry, so the exit it reports later is no longer this
/// supervisor's business.
void retire(entry& e) { caf::anon_send(e.actor, drain_atom::value); }

void on_exited(sup_ptr self, std::shared_ptr<const task_def>& def, caf::actor_id aid,
               const caf::error& reason) {
  auto& s = self->state;
  const uuid& id = def->id;
  if (auto d = s.disarming.find(aid); d != s.disarming.end()) {
    auto wait = std::move(d->second);
    s.disarming.erase(d);
    if (--wait->waiting == 0) wait->promise.deliver(wait->stopped);
    return;
  }
  auto it = s.tasks.find(id);
  // Removed, or replaced since: the report is about a retired actor.
  if (it == s.tasks.end() || it->second.actor.id() != aid) return;
  entry& e = it->second;
  if (!reason) {  // quit by itself: failed for good, or drained
    s.changes.note(id, def->revision, self->clock().now());
    forget(s, it);
    return;
  }
  auto now = self->clock().now();
  auto& crashes = s.crash_log[id];
  crashes.push_back(now);
  std::erase_if(crashes, [&](auto t) { return now - t > s.opts.crash_window; });
  const std::string why_down = self->system().render(reason);
  if (static_cast<int>(crashes.size()) >= s.opts.max_crashes) {
    ++s.stats.give_ups;
    if (s.rt->metrics) s.rt->metrics->tasks.give_ups.fetch_add(1, std::memory_order_relaxed);
    std::string why = "gave up after " + std::to_string(crashes.size()) + " crashes in " +
                      std::to_string(s.opts.crash_window.count()) + " s: " + why_down;
    if (s.log) s.log->error("task={} {}", id.str(), why);
    mark_failed(self, id, def->revision, why);
    forget(s, it);
    return;
  }
  ++s.stats.restarts;
  if (s.rt->metrics) s.rt->metrics->tasks.restarts.fetch_add(1, std::memory_order_relaxed);
  if (s.log) s.log->warn("task={} actor crashed ({}), restarting", id.str(), why_down);
  spawn_for(self, e, std::move(def), {}, start_mode::fresh);
}

supervisor_type::behavior_type supervisor(sup_ptr self, std::shared_ptr<const task_runtime> rt,
                                          supervisor_options opts) {
  // This shard's own copy of the runtime: its actors report their end here.
  auto own = std::make_shared<task_runtime>(*rt);
  own->supervisor = self->address();
  self->state.rt = std::move(own);
  self->state.opts = opts;
  // A supervisor that goes down takes its task actors with it: an orphan would
  // keep firing with nobody to route to it.
  self->attach_functor([children = self->state.tasks_ptr] {
    for (const auto& [id, e] : *children)
      caf::anon_send_exit(e.actor, caf::exit_reason::user_shutdown);
  });
  return {
      [self](upsert_atom, task_record& task, start_mode mode) -> bool {
        auto& s = self->state;
        if (s.changes.stale(task.id, task.revision)) return true;  // a newer one came first
        if (mode == start_mode::announced && s.changes.applied(task.id, task.revision))
          return true;  // made here, heard back from the database
        // Changes through the API race each other; a load does not, and is not kept.
        if (mode != start_mode::resume) s.changes.note(task.id, task.revision, self->clock().now());
        auto it = s.tasks.find(task.id);
        if (it != s.tasks.end()) {
          retire(it->second);
          forget(s, it);
        }
        if (task.status != task_status::active) return true;
        // Armed only where this node holds the partition, under that epoch:
        // its sends and writes count while that holding lasts.
        std::int64_t epoch = 0;
        if (s.rt->leases != nullptr) {
          auto held = s.rt->leases->epoch_at(task.partition, s.rt->clock->monotonic_now());
          if (!held) return true;  // another node's task
          epoch = *held;
        }
        std::string template_problem;
        auto def = compile_task(task, &template_problem);
        if (!def) {
          // Never runs: FAILED with the reason, as a task that fails for good.
          if (s.log) s.log->error("task={} failed: {}", task.id.str(), def.error_message());
          mark_failed(self, task.id, task.revision, def.error_message());
          return true;
        }
        if (!template_problem.empty() && s.log)
          s.log->warn("task={} payload is not a valid template: {}", task.id.str(),
                      template_problem);
        def->epoch = static_cast<std::int32_t>(epoch);
        auto& e = s.tasks[task.id];
        e.partition = static_cast<std::uint8_t>(def->partition);
        spawn_for(self, e, std::make_shared<const task_def>(std::move(*def)),
                  {task.next_run_at, task.last_run_at, task.retry},
                  mode == start_mode::announced ? start_mode::fresh : mode);
        return true;
      },
      [self](remove_atom, const uuid& id, std::int64_t revision) -> bool {
        auto& s = self->state;
        if (s.changes.stale(id, revision)) return false;  // a newer change came first
        s.changes.note(id, revision, self->clock().now());
        auto it = s.tasks.find(id);
        if (it == s.tasks.end()) return false;
        retire(it->second);
        forget(s, it);
        return true;
      },
      [self](run_now_atom, const uuid& id, const uuid& tenant) -> caf::result<instant> {
        auto it = self->state.tasks.find(id);
        if (it == self->state.tasks.end()) return make_error(actor_error::no_such_task);
        return self->delegate(it->second.actor, run_now_atom::value, tenant);  // it checks the tenant
      },
      [self](get_atom, const uuid& id) -> caf::result<task_snapshot> {
        auto it = self->state.tasks.find(id);
        if (it == self->state.tasks.end()) return make_error(actor_error::no_such_task);
        return self->delegate(it->second.actor, get_atom::value);
      },
      [self](lookup_atom, const uuid& id) -> caf::result<task_actor_type> {
        auto it = self->state.tasks.find(id);
        if (it == self->state.tasks.end()) return make_error(actor_error::no_such_task);
        return it->second.actor;
      },
      [self](stats_atom) -> supervisor_stats {
        auto st = self->state.stats;
        st.actors = self->state.tasks.size();
        st.mailbox = self->mailbox().size();
        return st;
      },
      [self](disarm_atom, const cluster::partition_set& parts)
          -> caf::typed_response_promise<std::uint64_t> {
        auto& s = self->state;
        auto wait = std::make_shared<pending_disarm>();
        wait->promise = self->make_response_promise<std::uint64_t>();
        for (auto it = s.tasks.begin(); it != s.tasks.end();) {
          if (!parts[it->second.partition]) {
            ++it;
            continue;
          }
          s.disarming.emplace(it->second.actor.id(), wait);
          retire(it->second);
          if (!s.crash_log.empty()) s.crash_log.erase(it->first);
          it = s.tasks.erase(it);
          ++wait->stopped;
        }
        wait->waiting = wait->stopped;
        if (wait->waiting == 0) wait->promise.deliver(std::uint64_t{0});
        return wait->promise;
      },
      [self](drain_atom) -> bool {
        // Fire and forget: at a million actors a request each would take longer
        // than a container's stop grace. Each actor quits once its attempt in
        // flight is recorded; drain_router waits on the in-flight count for that.
        auto& s = self->state;
        for (auto& [id, e] : s.tasks) retire(e);
        s.tasks.clear();
        s.crash_log.clear();
        self->quit();
        return true;
      },
      [self](exited_atom, std::shared_ptr<const task_def>& def, caf::actor_id aid,
             const caf::error& reason) { on_exited(self, def, aid, reason); },
  };
}

}  // namespace

supervisor_type spawn_task_supervisor(caf::actor_system& sys,
                                      std::shared_ptr<const task_runtime> rt,
                                      supervisor_options opts) {
  return sys.spawn(supervisor, std::move(rt), opts);
}

task_router::task_router(caf::actor_system& sys, std::shared_ptr<const task_runtime> rt,
                         std::size_t shards, supervisor_options opts) {
  shards = std::max<std::size_t>(shards, 1);
  for (std::size_t i = 0; i < shards; ++i) shards_.push_back(spawn_task_supervisor(sys, rt, opts));
}

const supervisor_type& task_router::shard_for(const uuid& task_id) const {
  return shards_[std::hash<uuid>{}(task_id) % shards_.size()];
}

expected<std::uint64_t> load_active_tasks(caf::actor_system& sys, const db_actor_type& db,
                                          const task_router& router, std::uint32_t page_size) {
  caf::scoped_actor self{sys};
  uuid after{};
  std::uint64_t total = 0;
  std::optional<std::string> failure;
  for (;;) {
    std::vector<task_record> page;
    self->request(db, caf::infinite, load_atom::value, after, page_size)
        .receive([&](std::vector<task_record>& rows) { page = std::move(rows); },
                 [&](caf::error& err) { failure = sys.render(err); });
    if (failure) return error{"loading ACTIVE tasks: " + *failure};
    for (auto& t : page) {
      after = t.id;
      auto& shard = router.shard_for(t.id);
      caf::anon_send(shard, upsert_atom::value, std::move(t), start_mode::resume);
    }
    total += page.size();
    if (page.size() < page_size) break;
  }
  // Mailboxes are ordered: once every shard answers, every upsert before was handled.
  for (const auto& shard : router.shards())
    self->request(shard, caf::infinite, stats_atom::value)
        .receive([](supervisor_stats&) {}, [](caf::error&) {});
  return total;
}

bool drain_router(caf::actor_system& sys, const task_router& router,
                  runtime_metrics* metrics, std::chrono::milliseconds timeout) {
  caf::scoped_actor self{sys};
  bool ok = true;
  for (const auto& shard : router.shards())
    self->request(shard, timeout, drain_atom::value)
        .receive([](bool) {}, [&](caf::error&) { ok = false; });
  return wait_for_attempts(metrics, timeout) && ok;
}

bool wait_for_attempts(runtime_metrics* metrics, std::chrono::milliseconds timeout) {
  if (metrics == nullptr) return true;
  // A task actor lowers the count only after its attempt's row is on its way
  // to the db_actor, so zero means every row of an attempt in flight is queued.
  return metrics->tasks.in_flight.wait_for_zero(timeout);
}

}  // namespace taskhook
