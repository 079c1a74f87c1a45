#include "support/pg.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include "support/process.hpp"

namespace taskhook::test {
namespace {

std::string random_suffix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rd() % 100000);
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string test_cluster_url() {
  const char* url = std::getenv("TASKHOOK_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0')
    throw std::runtime_error(
        "TASKHOOK_TEST_DATABASE_URL is not set: run the tests through scripts/test, or start "
        "a cluster with scripts/pg start and export its URL");
  return url;
}

std::string with_database(const std::string& url, const std::string& name) {
  // A later dbname keyword overrides the URI's path.
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "dbname=" + name;
}

std::vector<std::vector<std::string>> query(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = trim(PQerrorMessage(c));
    PQfinish(c);
    throw std::runtime_error("connect: " + msg);
  }
  PGresult* r = PQexec(c, sql.c_str());
  auto st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    std::string msg = trim(PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
    throw std::runtime_error(sql + ": " + msg);
  }
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < PQntuples(r); ++i) {
    std::vector<std::string> row;
    for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetvalue(r, i, j));
    rows.push_back(std::move(row));
  }
  PQclear(r);
  PQfinish(c);
  return rows;
}

scratch_database::scratch_database()
    : server_url_(test_cluster_url()), name_("test_" + random_suffix()) {
  query(server_url_, "CREATE DATABASE " + name_);
  url_ = with_database(server_url_, name_);
}

scratch_database::~scratch_database() {
  try {
    query(server_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // A leaked scratch database dies with the test cluster.
  }
}

private_cluster::private_cluster() : port_(free_port()) {
  char tmpl[] = "/tmp/thpg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  start();
}

void private_cluster::start() {
  auto r = run_command({"/bin/bash", TASKHOOK_SOURCE_DIR "/scripts/pg", "start", "--dir", dir_,
                        "--port", std::to_string(port_)},
                       {});
  if (r.exit_code != 0) throw std::runtime_error("scripts/pg start failed: " + r.out);
  // stdout and stderr are merged: the URL is the line that looks like one.
  auto pos = r.out.find("postgresql://");
  url_ = trim(r.out.substr(pos, r.out.find('\n', pos) - pos));
}

void private_cluster::stop() {
  run_command({"/bin/bash", TASKHOOK_SOURCE_DIR "/scripts/pg", "stop", "--dir", dir_}, {});
}

private_cluster::~private_cluster() {
  stop();
  // As root, scripts/pg may keep the cluster elsewhere and link to it from dir_:
  // remove what the link points at too.
  char target[4096];
  auto n = readlink((dir_ + "/cluster").c_str(), target, sizeof target - 1);
  if (n > 0) run_command({"/bin/rm", "-rf", std::string(target, static_cast<std::size_t>(n))}, {});
  run_command({"/bin/rm", "-rf", dir_}, {});
}

}  // namespace taskhook::test
