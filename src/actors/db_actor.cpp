#include "actors/db_actor.hpp"

#include "actors/protocol.hpp"

namespace taskhook {
namespace {

// CAF needs copyable spawn arguments, hence the shared_ptr; this actor is its
// only owner.
caf::behavior db_actor(caf::event_based_actor* self, std::shared_ptr<store> st) {
  return {
      [st](ping_atom) -> bool { return st->ping(); },
      [self](drain_atom) -> bool {
        self->quit();
        return true;
      },
  };
}

}  // namespace

caf::actor spawn_db_actor(caf::actor_system& sys, std::unique_ptr<store> st) {
  return sys.spawn<caf::detached>(db_actor, std::shared_ptr<store>(std::move(st)));
}

}  // namespace taskhook
