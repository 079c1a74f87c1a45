#pragma once
/// A connection that comes back by itself: connects lazily, reconnects when
/// the server went away, and runs a statement again once if the connection
/// broke under it.

#include <memory>
#include <string>

#include "db/connection.hpp"

namespace taskhook::db {

class session {
 public:
  explicit session(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  /// A live connection, or nullptr when the server is away (the reason is in
  /// last_error()).
  connection* get();

  /// Runs `sql` with `args`, reconnecting once if the connection was broken.
  expected<result> exec(const std::string& sql, const params& args = {});

  const std::string& last_error() const { return last_error_; }

 private:
  std::string conninfo_;
  std::unique_ptr<connection> conn_;
  std::string last_error_;
};

}  // namespace taskhook::db
