#pragma once
/// The store and catalog the actors use, over libpq sessions.

#include <memory>
#include <string>
#include <utility>

#include "core/ports/store.hpp"
#include "db/connection.hpp"
#include "db/session.hpp"

namespace taskhook::db {

/// The db_actor's store: one session, used only from the db_actor's thread.
class pg_store final : public store {
 public:
  /// Does not connect yet: the first call does, so the service can start its
  /// actors while the database is briefly away.
  explicit pg_store(std::string conninfo) : session_(std::move(conninfo)) {}

  bool ping() override;
  write_status write_batch(std::span<const attempt_row> attempts,
                           std::span<const task_progress> progress,
                           std::string& error_out) override;
  expected<std::vector<task_record>> load_active(const uuid& after, std::uint32_t limit) override;
  expected<task_record> create_task(task_record t, instant now) override;
  expected<std::optional<task_record>> patch_task(const uuid& tenant, const uuid& id,
                                                  const task_input& in, instant now) override;
  expected<std::optional<task_record>> toggle_task(const uuid& tenant, const uuid& id,
                                                   instant now) override;
  expected<std::int64_t> delete_task(const uuid& tenant, const uuid& id) override;
  expected<tenant_info> create_tenant(const std::string& name, const key_hash& hash) override;
  expected<bool> request_run(const uuid& task, const uuid& tenant, int partition,
                             instant scheduled_for) override;
  std::uint64_t take_fenced_writes() override { return std::exchange(fenced_writes_, 0); }

 private:
  session session_;
  std::uint64_t fenced_writes_ = 0;
};

/// A reader actor's catalog: one session of its own. `statement_timeout`
/// bounds each read (0: none).
class pg_catalog final : public catalog {
 public:
  explicit pg_catalog(std::string conninfo,
                      std::chrono::milliseconds statement_timeout = std::chrono::milliseconds{0})
      : session_(std::move(conninfo), statement_timeout) {}

  bool ping() override;
  expected<task_page> list_tasks(const task_query& q) override;
  expected<std::optional<task_detail>> get_task(const uuid& tenant, const uuid& id) override;
  expected<log_page> list_logs(const log_query& q) override;
  expected<dashboard_stats> stats(const uuid& tenant, instant now) override;
  expected<tenant_page> list_tenants(int page, int limit) override;
  expected<std::vector<api_key_entry>> load_keys() override;
  expected<task_rankings> rank_tasks(instant since, int n) override;

 private:
  session session_;
};

/// Retention's own session.
class pg_pruner final : public log_pruner {
 public:
  explicit pg_pruner(std::string conninfo) : session_(std::move(conninfo)) {}
  expected<long> prune(instant cutoff, int batch) override;

 private:
  session session_;
};

}  // namespace taskhook::db
