#pragma once
/// Deterministic actor tests: CAF's test coordinator (manual time), an
/// in-memory store, a sink that records sends, and a wall clock tied to the
/// coordinator's clock so cron time and timer time move together.

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <deque>
#include <memory>
#include <vector>

#include "actors/db_actor.hpp"
#include "actors/protocol.hpp"
#include "actors/task_actor.hpp"
#include "actors/task_supervisor.hpp"
#include "core/time_format.hpp"

namespace taskhook::test {

/// Wall time = base + (test coordinator time - its start); monotonic time is
/// the coordinator's own, so lease deadlines follow manual time too.
class coordinator_clock final : public wall_clock {
 public:
  coordinator_clock(caf::scheduler::test_coordinator& sched, instant base)
      : sched_(sched), base_(base), start_(sched.clock().now()) {}
  instant now() const override {
    return base_ + std::chrono::duration_cast<std::chrono::milliseconds>(sched_.clock().now() - start_);
  }
  std::chrono::steady_clock::time_point monotonic_now() const override {
    return sched_.clock().now();
  }

 private:
  caf::scheduler::test_coordinator& sched_;
  instant base_;
  caf::actor_clock::time_point start_;
};

/// Remembers every batch; can pretend the database is away.
class fake_store final : public store {
 public:
  bool available = true;
  bool reject = false;
  std::vector<attempt_row> rows;
  std::vector<task_progress> progress;
  int batches = 0;
  int failed_writes = 0;
  std::vector<task_record> active;

  bool ping() override { return available; }
  write_status write_batch(std::span<const attempt_row> a, std::span<const task_progress> p,
                           std::string& err) override {
    if (!available) {
      ++failed_writes;
      err = "connection refused";
      return write_status::unavailable;
    }
    if (reject) {
      err = "rejected";
      return write_status::rejected;
    }
    ++batches;
    rows.insert(rows.end(), a.begin(), a.end());
    progress.insert(progress.end(), p.begin(), p.end());
    return write_status::ok;
  }
  // The API's changes are tested against PostgreSQL (tests/integration), not here.
  expected<task_record> create_task(task_record, instant) override { return error{"n/a"}; }
  expected<std::optional<task_record>> patch_task(const uuid&, const uuid&, const task_input&,
                                                  instant) override {
    return error{"n/a"};
  }
  expected<std::optional<task_record>> toggle_task(const uuid&, const uuid&, instant) override {
    return error{"n/a"};
  }
  expected<std::int64_t> delete_task(const uuid&, const uuid&) override { return error{"n/a"}; }
  expected<tenant_info> create_tenant(const std::string&, const key_hash&) override {
    return error{"n/a"};
  }
  expected<std::vector<task_record>> load_active(const uuid& after, std::uint32_t limit) override {
    std::vector<task_record> out;
    for (const auto& t : active)
      if (after < t.id && out.size() < limit) out.push_back(t);
    return out;
  }
  /// The last progress written for a task, merged.
  task_progress last_progress(const uuid& id) const {
    task_progress merged;
    merged.task_id = id;
    for (const auto& p : progress)
      if (p.task_id == id) merged.merge(p);
    return merged;
  }
};

/// Records every request with the wall time it was submitted at. A request
/// with a `not_before` and a ticket is held (cancellable) until send_held().
class fake_sink final : public delivery_sink {
 public:
  explicit fake_sink(const wall_clock& clock) : clock_(clock) {}
  struct sent {
    delivery_request req;
    instant at;
    bool held = false;       ///< withdrawable: the pool has not sent it yet
    bool cancelled = false;  ///< withdrawn by its actor
  };
  std::vector<sent> requests;
  /// Set: submit() throws std::runtime_error with this message (a crash in the
  /// task actor's handler).
  std::optional<std::string> throw_on_submit;

  void submit(delivery_request req) override {
    if (throw_on_submit) throw std::runtime_error(*throw_on_submit);
    bool held = req.not_before.has_value() && req.ticket != 0;
    requests.push_back({std::move(req), clock_.now(), held, false});
  }
  bool cancel(const std::string& rate_key, std::uint64_t ticket) override {
    for (auto& r : requests)
      if (r.held && r.req.ticket == ticket && r.req.rate_key == rate_key) {
        r.held = false;
        r.cancelled = true;
        return true;
      }
    return false;
  }
  /// The pool sends what it holds: from now on it cannot be withdrawn.
  void send_held() {
    for (auto& r : requests) r.held = false;
  }
  std::size_t live() const {
    std::size_t n = 0;
    for (const auto& r : requests) n += r.cancelled ? 0 : 1;
    return n;
  }
  void shutdown(std::chrono::milliseconds) override {}

 private:
  const wall_clock& clock_;
};

inline caf::actor_system_config& test_config() {
  static caf::actor_system_config cfg = [] {
    caf::actor_system_config c;
    c.set("scheduler.policy", caf::atom("testing"));
    c.set("logger.verbosity", caf::atom("quiet"));
    return c;
  }();
  return cfg;
}

inline instant at(const char* iso) { return *parse_iso8601(iso); }

/// Whether a caf::expected holds a value (it has no has_value() in 0.17).
template <class T>
bool ok(const caf::expected<T>& e) {
  return static_cast<bool>(e);
}

struct actor_fixture {
  caf::actor_system sys{test_config()};
  caf::scheduler::test_coordinator& sched =
      dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  coordinator_clock clock;
  std::shared_ptr<fake_store> db_store = std::make_shared<fake_store>();
  fake_sink sink{clock};
  fire_timer timer{clock};  // driven by hand: advance_to() fires what is due
  runtime_metrics metrics;
  db_actor_type db;
  std::shared_ptr<task_runtime> rt = std::make_shared<task_runtime>();

  explicit actor_fixture(instant start = at("2026-01-01T00:00:00.000Z"))
      : clock(sched, start) {
    db = spawn_db_actor(sys, db_store, &metrics, {}, /*detached=*/false);
    rt->db = db;
    rt->sink = &sink;
    rt->timer = &timer;
    rt->clock = &clock;
    rt->metrics = &metrics;
    rt->discord_api_base = "http://127.0.0.1:9";
    rt->seed = 42;
    sched.run();
  }

  ~actor_fixture() {
    // Let every actor go before the system shuts down.
    caf::anon_send_exit(db, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void run() { sched.run(); }

  /// Moves time forward to `t`, stopping at each pending timeout and fire in
  /// turn (a single jump would miss timers re-armed on the way).
  void advance_to(instant t) {
    for (;;) {
      sched.run();
      std::optional<instant> caf_due;
      const auto& timers = sched.clock().schedule();
      if (!timers.empty())
        caf_due = clock.now() + std::chrono::duration_cast<std::chrono::milliseconds>(
                                    timers.begin()->first - sched.clock().now());
      auto fire_due = timer.next_due();
      if (fire_due && *fire_due <= t && (!caf_due || *fire_due <= *caf_due)) {
        if (*fire_due > clock.now()) sched.advance_time(*fire_due - clock.now());
        sched.run();
        timer.fire_due();
        sched.run();
        continue;
      }
      if (!caf_due || *caf_due > t) break;
      sched.trigger_timeout();
      sched.run();
    }
    auto rest = t - clock.now();
    if (rest.count() > 0) sched.advance_time(rest);
    sched.run();
  }
  void advance(std::chrono::milliseconds d) { advance_to(clock.now() + d); }

  /// Answers request `i` of the sink with an HTTP status after `took`.
  void respond(std::size_t i, int status, std::string body = "",
               std::chrono::milliseconds took = std::chrono::milliseconds(40)) {
    delivery_result r;
    r.correlation = sink.requests.at(i).req.correlation;
    r.started = sink.requests.at(i).at;
    r.duration = took;
    r.http_status = status;
    r.body = std::move(body);
    sink.requests.at(i).req.on_done(std::move(r));
    sched.run();
  }
  void fail_transport(std::size_t i, transport_error e, std::string text, bool stopping = false) {
    delivery_result r;
    r.correlation = sink.requests.at(i).req.correlation;
    r.started = sink.requests.at(i).at;
    r.error = e;
    r.error_text = std::move(text);
    r.stopping = stopping;
    sink.requests.at(i).req.on_done(std::move(r));
    sched.run();
  }
  /// Ends request `i` as a stopping pool does: no answer, and not a failure.
  void cut_by_stop(std::size_t i) { fail_transport(i, transport_error::other, "shutting down", true); }

  /// Writes what the db_actor has batched (its flush timer is due after 5 ms).
  void flush() { advance(std::chrono::milliseconds(10)); }
};

inline task_record make_task(const std::string& schedule, int max_retry = 3,
                             const std::string& tz = "UTC") {
  static int n = 0;
  task_record t;
  char id[37];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", ++n);
  t.id = *uuid::parse(id);
  t.tenant_id = *uuid::parse("11111111-1111-4111-8111-111111111111");
  t.name = "task " + std::to_string(n);
  t.schedule = schedule;
  t.timezone = tz;
  t.webhook_url = "https://discord.com/api/webhooks/123456/secret-token";
  t.payload = std::make_shared<const std::string>(R"({"content":"hi"})");
  t.max_retry = max_retry;
  return t;
}

}  // namespace taskhook::test
