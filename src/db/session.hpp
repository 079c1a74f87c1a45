#pragma once
/// A connection that comes back by itself: connects lazily, reconnects when
/// the server went away, and runs a statement again once if the connection
/// broke under it.

#include <chrono>
#include <memory>
#include <string>

#include "db/connection.hpp"

namespace taskhook::db {

class session {
 public:
  /// With `statement_timeout` (0: none), the server cancels a statement that
  /// runs longer, so a slow read cannot hold its connection after its caller
  /// has given up on it.
  explicit session(std::string conninfo,
                   std::chrono::milliseconds statement_timeout = std::chrono::milliseconds{0})
      : conninfo_(std::move(conninfo)), statement_timeout_(statement_timeout) {}

  /// A live connection, or nullptr when the server is away (the reason is in
  /// last_error()).
  connection* get();

  /// Runs `sql` with `args`, reconnecting once if the connection was broken.
  expected<result> exec(const std::string& sql, const params& args = {});

  const std::string& last_error() const { return last_error_; }

 private:
  /// The session's settings, on every new or reset connection (PQreset starts a
  /// new server session, which forgets them).
  void configure();

  std::string conninfo_;
  std::chrono::milliseconds statement_timeout_;
  std::unique_ptr<connection> conn_;
  std::string last_error_;
};

}  // namespace taskhook::db
