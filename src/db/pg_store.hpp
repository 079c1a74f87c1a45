#pragma once
/// The store the actors write through, over one libpq connection.

#include <memory>
#include <string>

#include "actors/store.hpp"
#include "db/connection.hpp"

namespace taskhook::db {

class pg_store final : public store {
 public:
  /// Does not connect yet: the first call does, so the service can start its
  /// actors while the database is briefly away.
  explicit pg_store(std::string conninfo);
  ~pg_store() override;

  bool ping() override;

 private:
  /// A live connection, reconnecting if needed; nullptr when the server is away.
  connection* conn();

  std::string conninfo_;
  std::unique_ptr<connection> conn_;
};

}  // namespace taskhook::db
