#include "db/session.hpp"

namespace taskhook::db {

connection* session::get() {
  if (conn_ && conn_->ok()) return conn_.get();
  if (conn_ && conn_->reset()) {
    configure();
    return conn_.get();
  }
  auto fresh = connection::open(conninfo_);
  if (!fresh) {
    last_error_ = fresh.error_message();
    conn_.reset();
    return nullptr;
  }
  conn_ = std::make_unique<connection>(std::move(*fresh));
  configure();
  return conn_.get();
}

void session::configure() {
  // Timestamps are read as epoch milliseconds; UTC keeps date functions honest.
  conn_->exec("SET TIME ZONE 'UTC'");
  if (statement_timeout_.count() > 0)
    conn_->exec("SET statement_timeout = " + std::to_string(statement_timeout_.count()));
}

expected<result> session::exec(const std::string& sql, const params& args) {
  for (int attempt = 0;; ++attempt) {
    auto* c = get();
    if (c == nullptr) return error{"database unavailable: " + last_error_};
    auto r = args.empty() ? c->exec(sql) : c->exec(sql, args);
    if (r || c->ok() || attempt == 1) return r;
  }
}

}  // namespace taskhook::db
