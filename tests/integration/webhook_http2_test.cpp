// The curl pool against a real HTTP/2 server over TLS (Debian's nghttpd, with a
// certificate made for the test): a cold burst to a host that multiplexes
// shares the capped connections instead of opening one per transfer
// (docs/BENCHMARKS.md, "A cold burst over HTTP/2").

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/process.hpp"
#include "webhook/curl_pool.hpp"

using namespace std::chrono_literals;
using taskhook::delivery_request;
using taskhook::delivery_result;
using taskhook::webhook::curl_pool;
using taskhook::webhook::curl_pool_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* webhook_path = "/api/webhooks/1/h2-token";

/// `name`'s path, from PATH or the sbin folders (nghttpd is in /usr/sbin); "" if none.
std::string find_program(const std::string& name) {
  std::string dirs = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  dirs += ":/usr/sbin:/sbin";
  for (std::size_t at = 0; at <= dirs.size();) {
    auto end = dirs.find(':', at);
    if (end == std::string::npos) end = dirs.size();
    fs::path candidate = fs::path(dirs.substr(at, end - at)) / name;
    if (end > at && access(candidate.c_str(), X_OK) == 0) return candidate;
    at = end + 1;
  }
  return "";
}

bool accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

/// nghttpd on 127.0.0.1 over TLS (it speaks HTTP/2 only), answering POSTs to
/// `webhook_path` with 200 and a small JSON body, as Discord does with ?wait=true.
class h2_server {
 public:
  h2_server() {
    char tmpl[] = "/tmp/taskhook-h2-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir_ = tmpl;
    const std::string openssl = find_program("openssl"), nghttpd = find_program("nghttpd");
    INFO("scripts/bootstrap installs openssl and nghttp2-server (nghttpd)");
    REQUIRE(!openssl.empty());
    REQUIRE(!nghttpd.empty());
    auto cert = taskhook::test::run_command(
        {openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
         "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir_ + "/key.pem",
         "-out", cert_file()},
        {});
    INFO(cert.out);
    REQUIRE(cert.exit_code == 0);
    fs::create_directories(dir_ + "/www/api/webhooks/1");
    std::ofstream(dir_ + "/www" + webhook_path) << R"({"id":"1"})";
    port_ = taskhook::test::free_port();
    server_ = std::make_unique<taskhook::test::child>(
        std::vector<std::string>{nghttpd, "--htdocs=" + dir_ + "/www",
                                 "--max-concurrent-streams=100", std::to_string(port_),
                                 dir_ + "/key.pem", cert_file()},
        std::map<std::string, std::string>{});
    for (int i = 0; i < 500 && !accepts(port_); ++i) {
      // Not a timing assumption: polls for readiness, up to 5 s.
      if (server_->wait(10ms)) break;
    }
    INFO("nghttpd: " << server_->output());
    REQUIRE(accepts(port_));
  }
  ~h2_server() {
    server_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string cert_file() const { return dir_ + "/cert.pem"; }
  std::string url() const {
    return "https://127.0.0.1:" + std::to_string(port_) + webhook_path + "?wait=true";
  }

 private:
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<taskhook::test::child> server_;
};

struct burst_outcome {
  std::size_t ok = 0;
  std::uint64_t connections = 0;
};

/// `n` sends submitted at once to a pool that has no connection yet.
burst_outcome cold_burst(const h2_server& server, std::size_t n, std::size_t host_cap) {
  std::mutex m;
  std::condition_variable cv;
  std::size_t done = 0, ok = 0;
  curl_pool_options opts;
  opts.workers = 1;
  opts.timeout = 10s;
  opts.allow_private_targets = true;
  opts.max_connections_per_worker = 1024;  // as taskhook runs it
  opts.max_host_connections = host_cap;
  opts.ca_file = server.cert_file();
  curl_pool pool(opts);
  for (std::size_t i = 1; i <= n; ++i) {
    delivery_request r;
    r.correlation = i;
    r.url = server.url();
    r.rate_key = std::to_string(i);
    r.body = taskhook::shared_text(R"({"content":"hi"})");
    r.on_done = [&](delivery_result&& res) {
      std::lock_guard lock(m);
      ++done;
      if (res.http_status == 200) ++ok;
      cv.notify_all();
    };
    pool.submit(std::move(r));
  }
  std::unique_lock lock(m);
  REQUIRE(cv.wait_for(lock, 30s, [&] { return done == n; }));
  return {ok, pool.stats().connections_opened_total};
}

}  // namespace

TEST_CASE("a cold burst over HTTP/2 shares the capped connections", "[webhook][http2]") {
  h2_server server;
  constexpr std::size_t burst = 300;

  auto capped = cold_burst(server, burst, 4);
  CHECK(capped.ok == burst);
  CHECK(capped.connections >= 1);
  CHECK(capped.connections <= 4);

  // Without the cap, every transfer that starts before a connection has said
  // it multiplexes opens its own: the handshakes the cap saves.
  auto uncapped = cold_burst(server, burst, 0);
  CHECK(uncapped.ok == burst);
  CHECK(uncapped.connections > 4 * capped.connections);
}
