#pragma once
/// Every atom, message type and actor interface of taskhook, in one place.
/// Reading this file tells you how the actors talk to each other.
///
/// Include it only from .cpp files: it pulls in CAF.

#include <caf/all.hpp>

namespace taskhook {

// -- atoms (at most 10 characters each) ---------------------------------------

/// db_actor: is the database reachable? Answers bool.
using ping_atom = caf::atom_constant<caf::atom("ping")>;

/// Any actor: finish what is in flight, write what is pending, then quit.
/// Answers once everything it owns is durable.
using drain_atom = caf::atom_constant<caf::atom("drain")>;

}  // namespace taskhook
