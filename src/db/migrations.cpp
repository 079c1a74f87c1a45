#include "db/migrations.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <string_view>
#include <vector>

#include "db/connection.hpp"

namespace taskhook {
extern const embedded_file embedded_migrations[];
extern const std::size_t embedded_migrations_count;
}  // namespace taskhook

namespace taskhook::db {
namespace {

// Any constant works; it only has to be the same for every taskhook process.
constexpr const char* lock_key = "7385201946";

constexpr const char* create_table_sql = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version     integer PRIMARY KEY,
  name        text NOT NULL,
  checksum    text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
))sql";

constexpr const char* applied_sql = "SELECT checksum FROM schema_migrations WHERE version = $1";
constexpr const char* record_sql =
    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)";

std::optional<int> version_of(std::string_view name) {
  int v = 0;
  if (name.size() < 6 || name[4] != '_') return std::nullopt;
  auto [p, ec] = std::from_chars(name.data(), name.data() + 4, v);
  if (ec != std::errc{} || p != name.data() + 4) return std::nullopt;
  return v;
}

expected<bool> run(connection& conn, const embedded_file& f, int version) {
  auto begin = conn.exec("BEGIN");
  if (!begin) return begin.get_error();
  auto body = conn.exec(std::string(f.bytes()));
  if (!body) {
    conn.exec("ROLLBACK");
    return error{std::string(f.path) + ": " + body.error_message()};
  }
  auto rec = conn.exec(record_sql, {std::to_string(version), std::string(f.path), f.sha256});
  if (!rec) {
    conn.exec("ROLLBACK");
    return rec.get_error();
  }
  auto commit = conn.exec("COMMIT");
  if (!commit) return commit.get_error();
  return true;
}

}  // namespace

std::span<const embedded_file> builtin_migrations() {
  return {embedded_migrations, embedded_migrations_count};
}

expected<migrate_report> migrate(connection& conn, std::span<const embedded_file> files) {
  auto log = spdlog::get("db");
  auto lock = conn.exec(std::string("SELECT pg_advisory_lock(") + lock_key + ")");
  if (!lock) return lock.get_error();
  struct unlock_guard {
    connection& c;
    ~unlock_guard() { c.exec(std::string("SELECT pg_advisory_unlock(") + lock_key + ")"); }
  } unlock{conn};

  auto created = conn.exec(create_table_sql);
  if (!created) return created.get_error();

  // The whole list is checked before anything runs.
  std::vector<int> versions;
  for (const auto& f : files) {
    auto version = version_of(f.path);
    if (!version || (!versions.empty() && *version <= versions.back()))
      return error{std::string(f.path) +
                   ": migration files must be named NNNN_name.sql with increasing numbers"};
    versions.push_back(*version);
  }

  migrate_report report;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& f = files[i];
    const auto* version = &versions[i];
    auto applied = conn.exec(applied_sql, {std::to_string(*version)});
    if (!applied) return applied.get_error();
    if (applied->rows() == 1) {
      if (applied->get(0, 0) != f.sha256)
        return error{std::string(f.path) + ": already applied with checksum " +
                     std::string(applied->get(0, 0)) + ", but the file's is " + f.sha256 +
                     "; an applied migration must never change, add a new one instead"};
      ++report.up_to_date;
      continue;
    }
    auto ok = run(conn, f, *version);
    if (!ok) return ok.get_error();
    ++report.applied;
    if (log) log->info("applied migration {}", f.path);
  }
  return report;
}

}  // namespace taskhook::db
