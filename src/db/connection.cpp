#include "db/connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace taskhook::db {

std::optional<std::string> check_conninfo(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (opts == nullptr) {
    std::string msg = err != nullptr ? err : "not a connection string";
    PQfreemem(err);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return msg;
  }
  // libpq parses a bad port happily and fails only at connect time; catch it now.
  std::optional<std::string> bad;
  for (auto* o = opts; o->keyword != nullptr && !bad; ++o) {
    if (std::string_view(o->keyword) != "port" || o->val == nullptr) continue;
    std::string_view ports(o->val);
    while (!bad) {
      auto comma = ports.find(',');
      auto p = ports.substr(0, comma);
      long v = 0;
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
      if (!p.empty() && (ec != std::errc{} || end != p.data() + p.size() || v < 1 || v > 65535))
        bad = "invalid port \"" + std::string(p) + "\"";
      if (comma == std::string_view::npos) break;
      ports.remove_prefix(comma + 1);
    }
  }
  PQconninfoFree(opts);
  return bad;
}

int result::rows() const { return PQntuples(r_.get()); }
int result::columns() const { return PQnfields(r_.get()); }
bool result::is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
std::string_view result::get(int row, int col) const {
  return {PQgetvalue(r_.get(), row, col),
          static_cast<std::size_t>(PQgetlength(r_.get(), row, col))};
}
long result::affected() const {
  const char* n = PQcmdTuples(r_.get());
  return (n != nullptr && *n != '\0') ? std::strtol(n, nullptr, 10) : 0;
}
void result::free(pg_result* r) { PQclear(r); }

connection::connection(pg_conn* c) : conn_(c, &close) {}
connection::~connection() = default;
void connection::close(pg_conn* c) { PQfinish(c); }

expected<connection> connection::open(const std::string& conninfo) {
  // Keywords given twice: the later wins, so a connect_timeout in the user's
  // conninfo (expanded from dbname) still applies.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"3", "taskhook", conninfo.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (c == nullptr) return error{"out of memory"};
  connection conn(c);
  // Server notices ("relation already exists, skipping") are not errors: keep
  // them off stderr.
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return error{msg};
  }
  return conn;
}

expected<result> connection::check(PGresult* r) {
  result res(r);
  auto st = PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    last_sqlstate_.clear();
    return res;
  }
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state != nullptr ? state : "";
  // Only the primary message: the DETAIL of a constraint violation quotes the
  // failing row, webhook token included, and these messages reach the logs.
  const char* primary = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string msg = primary != nullptr ? primary : PQerrorMessage(conn_.get());
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return error{msg};
}

expected<result> connection::exec(const std::string& sql) {
  return check(PQexec(conn_.get(), sql.c_str()));
}

expected<result> connection::exec(const std::string& sql, const params& args) {
  std::vector<const char*> values;
  values.reserve(args.size());
  for (const auto& a : args) values.push_back(a ? a->c_str() : nullptr);
  return check(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, 0));
}

bool connection::ok() const { return PQstatus(conn_.get()) == CONNECTION_OK; }

bool connection::reset() {
  PQreset(conn_.get());
  return ok();
}

}  // namespace taskhook::db
