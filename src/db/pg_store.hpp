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
  write_status write_batch(std::span<const attempt_row> attempts,
                           std::span<const task_progress> progress,
                           std::string& error_out) override;
  expected<std::vector<task_record>> load_active(const uuid& after, std::uint32_t limit) override;

 private:
  /// A live connection, reconnecting if needed; nullptr when the server is away.
  connection* conn();

  std::string conninfo_;
  std::unique_ptr<connection> conn_;
};

/// Maps one row of the task columns (see task_columns in pg_store.cpp).
task_record task_from_row(const result& r, int row);

/// The SELECT list that task_from_row reads.
extern const char* const task_columns;

}  // namespace taskhook::db
