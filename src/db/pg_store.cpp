#include "db/pg_store.hpp"

#include <spdlog/spdlog.h>

namespace taskhook::db {

pg_store::pg_store(std::string conninfo) : conninfo_(std::move(conninfo)) {}
pg_store::~pg_store() = default;

connection* pg_store::conn() {
  if (conn_ && conn_->ok()) return conn_.get();
  if (conn_ && conn_->reset()) return conn_.get();
  auto fresh = connection::open(conninfo_);
  if (!fresh) {
    if (auto log = spdlog::get("db")) log->warn("database unreachable: {}", fresh.error_message());
    conn_.reset();
    return nullptr;
  }
  conn_ = std::make_unique<connection>(std::move(*fresh));
  return conn_.get();
}

bool pg_store::ping() {
  auto* c = conn();
  if (c == nullptr) return false;
  auto r = c->exec("SELECT 1");
  if (r) return true;
  // The connection may have died since the last call: one fresh try.
  c = conn();
  return c != nullptr && c->exec("SELECT 1").has_value();
}

}  // namespace taskhook::db
