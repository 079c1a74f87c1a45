#pragma once
/// The single writer to the database. All persistence goes through its mailbox,
/// so the rows of one task never race.

#include <memory>

#include "actors/store.hpp"

namespace caf {
class actor;
class actor_system;
}  // namespace caf

namespace taskhook {

/// Spawns the db_actor on a thread of its own (its store blocks).
caf::actor spawn_db_actor(caf::actor_system& sys, std::unique_ptr<store> st);

}  // namespace taskhook
