#pragma once
/// Schema migrations: numbered .sql files in src/db/migrations, embedded into the
/// binary, applied in order, each in its own transaction, recorded in
/// schema_migrations with a checksum.

#include <span>
#include <string>

#include "core/embedded_file.hpp"
#include "core/expected.hpp"

namespace taskhook::db {

class connection;

/// The migrations compiled into this binary, in file order.
std::span<const embedded_file> builtin_migrations();

/// What migrate() did.
struct migrate_report {
  int applied = 0;     ///< newly applied now
  int up_to_date = 0;  ///< already applied, checksum verified
};

/// Applies every migration in `files` that is not yet recorded. Holds an advisory
/// lock so that two processes migrating at once take turns. An applied migration
/// whose checksum differs from the file's is an error: the schema no longer
/// matches the code. File names must start with a 4-digit version: NNNN_name.sql.
expected<migrate_report> migrate(connection& conn, std::span<const embedded_file> files);

}  // namespace taskhook::db
