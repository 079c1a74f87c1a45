#include "db/connection.hpp"

#include <libpq-fe.h>

#include <cstdlib>

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
  PQconninfoFree(opts);
  return std::nullopt;
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
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return error{msg};
  }
  return conn;
}

namespace {
expected<result> check(PGconn* c, PGresult* r) {
  result res(r);
  auto st = PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return res;
  std::string msg = r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(c);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return error{msg};
}
}  // namespace

expected<result> connection::exec(const std::string& sql) {
  return check(conn_.get(), PQexec(conn_.get(), sql.c_str()));
}

expected<result> connection::exec(const std::string& sql, const params& args) {
  std::vector<const char*> values;
  values.reserve(args.size());
  for (const auto& a : args) values.push_back(a ? a->c_str() : nullptr);
  return check(conn_.get(),
               PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, 0));
}

bool connection::ok() const { return PQstatus(conn_.get()) == CONNECTION_OK; }

bool connection::reset() {
  PQreset(conn_.get());
  return ok();
}

}  // namespace taskhook::db
