#pragma once
/// The service: wires the actor system, the database and the HTTP endpoint
/// together, runs until SIGTERM or SIGINT, then stops in order.

#include <memory>
#include <optional>

#include "core/config.hpp"

namespace taskhook::db {
class connection;
}

namespace taskhook::app {

/// A connection for start-up work, retried with backoff for a while so that a
/// database that starts alongside the service is waited for. nullopt (logged)
/// when it never answers.
std::optional<std::unique_ptr<db::connection>> connect_with_retry(const config& cfg);

/// Connects (waiting for a database that is starting) and applies the
/// migrations; logs and returns false on failure.
bool apply_migrations(const config& cfg);

/// Runs the service; returns the process exit code.
int serve(const config& cfg);

}  // namespace taskhook::app
