#pragma once
/// One libpq connection with RAII, synchronous queries and errors as values.
/// Blocking: use it only from detached actors or start-up code, never on a
/// Pistache thread or a cooperatively scheduled actor.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

struct pg_conn;
struct pg_result;

namespace taskhook::db {

/// nullopt when libpq accepts `conninfo` (URI or key=value), else its reason.
std::optional<std::string> check_conninfo(const std::string& conninfo);

/// A query result; rows and columns by index, text format.
class result {
 public:
  explicit result(pg_result* r) : r_(r, &free) {}
  int rows() const;
  int columns() const;
  bool is_null(int row, int col) const;
  std::string_view get(int row, int col) const;
  /// The number of rows an INSERT/UPDATE/DELETE touched.
  long affected() const;

 private:
  static void free(pg_result* r);
  std::unique_ptr<pg_result, void (*)(pg_result*)> r_;
};

/// Query parameters in text format; nullopt is SQL NULL.
using params = std::vector<std::optional<std::string>>;

class connection {
 public:
  /// Connects, with a short connect timeout unless the conninfo sets one.
  static expected<connection> open(const std::string& conninfo);

  connection(connection&&) noexcept = default;
  connection& operator=(connection&&) noexcept = default;
  ~connection();

  /// Runs one or more statements without parameters.
  expected<result> exec(const std::string& sql);
  /// Runs one statement with $1.. parameters.
  expected<result> exec(const std::string& sql, const params& args);

  /// False once the server has gone away; reset() tries to reconnect.
  bool ok() const;
  bool reset();

  /// SQLSTATE of the last failed statement ("" when the failure had none).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

  pg_conn* native() { return conn_.get(); }

 private:
  explicit connection(pg_conn* c);
  static void close(pg_conn* c);
  expected<result> check(pg_result* r);
  std::unique_ptr<pg_conn, void (*)(pg_conn*)> conn_;
  std::string last_sqlstate_;
};

}  // namespace taskhook::db
