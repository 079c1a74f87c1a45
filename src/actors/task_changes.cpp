#include "actors/task_changes.hpp"

#include <random>

#include "core/task_lifecycle.hpp"

namespace taskhook {
namespace {

/// How long a step of a change may take before the change answers an error.
constexpr std::chrono::seconds step_timeout{5};

struct task_changes_state {
  // Declared, so CAF does not try to build the state from the actor pointer.
  task_changes_state() = default;

  db_actor_type db;
  const task_router* router = nullptr;
  const reader_pool* readers = nullptr;
  const wall_clock* clock = nullptr;
  std::mt19937_64 id_rng;

  static inline const char* name = "task_changes";
};

using changes_ptr = task_changes_type::stateful_pointer<task_changes_state>;

/// The change is durable: spawn, replace or stop the task's actor, then answer
/// with the stored task.
void apply_to_actor(changes_ptr self, caf::typed_response_promise<task_record> rp,
                    task_record t) {
  auto& shard = self->state.router->shard_for(t.id);
  self->request(shard, step_timeout, upsert_atom::value, t, start_mode::fresh)
      .then([rp, t](bool) mutable { rp.deliver(std::move(t)); },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

/// Sends a change to the db_actor, then to the task's supervisor.
template <class... Ts>
caf::typed_response_promise<task_record> change(changes_ptr self, Ts... msg) {
  auto rp = self->make_response_promise<task_record>();
  self->request(self->state.db, step_timeout, msg...)
      .then([self, rp](task_record& t) { apply_to_actor(self, rp, std::move(t)); },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::typed_response_promise<bool> remove(changes_ptr self, const uuid& tenant, const uuid& id) {
  auto rp = self->make_response_promise<bool>();
  self->request(self->state.db, step_timeout, delete_atom::value, tenant, id)
      .then(
          [self, rp, id](std::int64_t revision) mutable {
            self->request(self->state.router->shard_for(id), step_timeout, remove_atom::value, id,
                          revision)
                .then([rp](bool) mutable { rp.deliver(true); },
                      [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::typed_response_promise<instant> run_now(changes_ptr self, const uuid& id,
                                             const uuid& tenant) {
  auto rp = self->make_response_promise<instant>();
  self->request(self->state.router->shard_for(id), step_timeout, run_now_atom::value, id, tenant)
      .then([rp](instant at) mutable { rp.deliver(at); },
            [self, rp, id, tenant](caf::error& err) mutable {
              if (our_error(err) != actor_error::no_such_task) {
                rp.deliver(std::move(err));
                return;
              }
              // No actor here: an unknown task (404), one that is not ACTIVE
              // (409), or one whose partition another node holds: that node
              // runs it from a durable request (ARCHITECTURE.md, Cluster).
              self->request(self->state.readers->next(), step_timeout, detail_atom::value, tenant,
                            id)
                  .then(
                      [self, rp, id, tenant](task_detail& d) mutable {
                        if (d.task.status != task_status::active) {
                          rp.deliver(make_error(actor_error::not_active,
                                                std::string(to_string(d.task.status))));
                          return;
                        }
                        const instant at = self->state.clock->now();
                        self->request(self->state.db, step_timeout, run_now_atom::value, id,
                                      tenant, d.task.partition, at)
                            .then([rp, at](bool) mutable { rp.deliver(at); },
                                  [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
                      },
                      [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
            });
  return rp;
}

}  // namespace

task_changes_type spawn_task_changes(caf::actor_system& sys, db_actor_type db,
                                     const task_router& router, const reader_pool& readers,
                                     task_changes_options opts) {
  return sys.spawn([db, &router, &readers, opts](changes_ptr self) -> task_changes_type::behavior_type {
    auto& s = self->state;
    s.db = db;
    s.router = &router;
    s.readers = &readers;
    s.clock = opts.clock != nullptr ? opts.clock : &system_wall_clock();
    std::seed_seq seq(opts.id_seed.begin(), opts.id_seed.end());
    s.id_rng.seed(seq);
    return {
        [self](create_atom, const uuid& tenant, const task_input& in, instant now) {
          task_record t = lifecycle::new_task(in, make_uuid_v4(self->state.id_rng), tenant, now);
          return change(self, create_atom::value, std::move(t), now);
        },
        [self](patch_atom, const uuid& tenant, const uuid& id, const task_input& in, instant now) {
          return change(self, patch_atom::value, tenant, id, in, now);
        },
        [self](toggle_atom, const uuid& tenant, const uuid& id, instant now) {
          return change(self, toggle_atom::value, tenant, id, now);
        },
        [self](delete_atom, const uuid& tenant, const uuid& id) { return remove(self, tenant, id); },
        [self](run_now_atom, const uuid& id, const uuid& tenant) { return run_now(self, id, tenant); },
    };
  });
}

}  // namespace taskhook
