#pragma once
/// A scriptable Discord stand-in for tests: a real HTTP/1.1 server on
/// 127.0.0.1 (port 0, so tests run in parallel) with keep-alive, recording
/// every request. One thread, poll(); a delayed answer holds only its own
/// connection.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace taskhook::test {

/// One scripted answer.
struct fake_response {
  int status = 204;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  ///< held this long after the request arrived
  bool close = false;                  ///< answer with Connection: close, then close
  bool chunked = false;  ///< body in one chunk, no Content-Length: the size is known late
};

/// One request as the fake received it.
struct recorded_request {
  std::string method;
  std::string target;                          ///< path and query, as sent
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
  std::chrono::sys_time<std::chrono::milliseconds> arrived;  ///< when the body was complete
  std::chrono::steady_clock::time_point arrived_steady;      ///< the same, for exact intervals
  std::size_t connection = 0;  ///< which accepted connection carried it, from 1

  /// The header's value, or "" (name in any case).
  std::string header(std::string_view name) const;
};

class fake_discord {
 public:
  /// Binds 127.0.0.1:0 and starts serving. Throws std::runtime_error on failure.
  fake_discord();
  ~fake_discord();  ///< stops the thread; open connections are closed

  fake_discord(const fake_discord&) = delete;
  fake_discord& operator=(const fake_discord&) = delete;

  std::uint16_t port() const { return port_; }
  /// `http://127.0.0.1:<port>`.
  std::string base_url() const;

  /// Queues an answer for the next request whose target starts with
  /// `path_prefix` (the longest matching prefix with answers left wins).
  void enqueue(std::string path_prefix, fake_response r);
  /// Queues an answer for the next request no prefix script claims.
  void enqueue(fake_response r);
  /// The answer once the queues are empty (initially 204, empty).
  void set_default(fake_response r);

  std::vector<recorded_request> requests() const;
  std::size_t request_count() const;
  /// Waits until at least `n` requests arrived; false on timeout.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;
  /// TCP connections accepted so far (keep-alive tests).
  std::size_t connections_accepted() const;

 private:
  struct connection;

  void run();
  fake_response next_response(const std::string& target);
  bool read_requests(connection& c);
  void record(recorded_request r);

  int listen_fd_ = -1;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;

  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<recorded_request> requests_;
  std::map<std::string, std::deque<fake_response>> scripted_;
  std::deque<fake_response> global_;
  fake_response default_;
  std::size_t accepted_ = 0;
};

}  // namespace taskhook::test
