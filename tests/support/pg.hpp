#pragma once
/// Real PostgreSQL for integration and end-to-end tests: a scratch database per
/// test in the cluster scripts/test started, or a whole private cluster of the
/// test's own when the test needs to stop and start the server.

#include <string>
#include <vector>

namespace taskhook::test {

/// The cluster scripts/test started (TASKHOOK_TEST_DATABASE_URL). Fails the test
/// run with a clear message when it is not set.
std::string test_cluster_url();

/// `url` pointed at database `name` on the same server.
std::string with_database(const std::string& url, const std::string& name);

/// Runs `sql` and returns its rows, each column as text ("" for NULL).
/// Throws std::runtime_error with the server's message on failure.
std::vector<std::vector<std::string>> query(const std::string& url, const std::string& sql);

/// A fresh, empty database, dropped when the object dies.
class scratch_database {
 public:
  scratch_database();
  ~scratch_database();
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

/// A PostgreSQL cluster of this test's own (scripts/pg with a temporary folder),
/// for tests that stop the server.
class private_cluster {
 public:
  private_cluster();
  ~private_cluster();  ///< stops the server and removes its folder
  private_cluster(const private_cluster&) = delete;
  private_cluster& operator=(const private_cluster&) = delete;
  const std::string& url() const { return url_; }
  void start();
  void stop();

 private:
  std::string dir_;
  int port_;
  std::string url_;
};

}  // namespace taskhook::test
