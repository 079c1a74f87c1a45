#include "support/fake_discord.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace taskhook::test {
namespace {

using steady = std::chrono::steady_clock;

constexpr std::size_t max_head_bytes = 64 * 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

std::string serialize(const fake_response& r, bool close) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + reason(r.status) + "\r\n";
  for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
  bool has_body = r.status >= 200 && r.status != 204 && r.status != 304;  // RFC 9110
  if (has_body && r.chunked)
    out += "Transfer-Encoding: chunked\r\n";
  else if (has_body)
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  if (!has_body) return out;
  if (!r.chunked) return out + r.body;
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", r.body.size());
  if (!r.body.empty()) out += size + r.body + "\r\n";
  return out + "0\r\n\r\n";
}

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("fake_discord: ") + what + ": " + std::strerror(errno));
}

}  // namespace

std::string recorded_request::header(std::string_view name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

/// One client connection: bytes in, answers waiting for their time, bytes out.
struct fake_discord::connection {
  struct answer {
    steady::time_point ready_at;
    std::string bytes;
    bool close = false;
  };
  int fd = -1;
  std::size_t id = 0;
  std::string in;
  std::string out;
  std::deque<answer> answers;  // HTTP/1.1 answers leave in request order
  bool close_when_sent = false;
  bool dead = false;

  ~connection() {
    if (fd >= 0) ::close(fd);
  }
};

fake_discord::fake_discord() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) fail("socket");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
  if (::listen(listen_fd_, 128) != 0) fail("listen");
  socklen_t len = sizeof addr;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) fail("getsockname");
  port_ = ntohs(addr.sin_port);
  int fds[2];
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) fail("pipe2");
  wake_read_ = fds[0];
  wake_write_ = fds[1];
  thread_ = std::thread([this] { run(); });
}

fake_discord::~fake_discord() {
  char stop = 's';
  [[maybe_unused]] auto n = ::write(wake_write_, &stop, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_read_);
  ::close(wake_write_);
}

std::string fake_discord::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void fake_discord::enqueue(std::string path_prefix, fake_response r) {
  std::lock_guard lock(mutex_);
  scripted_[std::move(path_prefix)].push_back(std::move(r));
}

void fake_discord::enqueue(fake_response r) {
  std::lock_guard lock(mutex_);
  global_.push_back(std::move(r));
}

void fake_discord::set_default(fake_response r) {
  std::lock_guard lock(mutex_);
  default_ = std::move(r);
}

std::vector<recorded_request> fake_discord::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t fake_discord::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

bool fake_discord::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

std::size_t fake_discord::connections_accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

fake_response fake_discord::next_response(const std::string& target) {
  std::lock_guard lock(mutex_);
  std::deque<fake_response>* best = nullptr;
  std::size_t best_len = 0;
  for (auto& [prefix, queue] : scripted_) {
    if (!queue.empty() && target.starts_with(prefix) &&
        (best == nullptr || prefix.size() > best_len)) {
      best = &queue;
      best_len = prefix.size();
    }
  }
  if (best == nullptr && !global_.empty()) best = &global_;
  if (best == nullptr) return default_;
  fake_response r = std::move(best->front());
  best->pop_front();
  return r;
}

void fake_discord::record(recorded_request r) {
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(r));
  }
  arrived_.notify_all();
}

/// Takes every complete request out of `c.in` and schedules its answer. False
/// when the bytes are not HTTP the fake understands.
bool fake_discord::read_requests(connection& c) {
  for (;;) {
    auto head_end = c.in.find("\r\n\r\n");
    if (head_end == std::string::npos) return c.in.size() <= max_head_bytes;
    std::string_view head(c.in.data(), head_end);
    recorded_request req;
    auto line_end = head.find("\r\n");
    std::string_view request_line = head.substr(0, line_end);
    auto sp1 = request_line.find(' ');
    auto sp2 = request_line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) return false;
    req.method = std::string(request_line.substr(0, sp1));
    req.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    while (line_end != std::string_view::npos) {
      auto start = line_end + 2;
      line_end = head.find("\r\n", start);
      auto line = head.substr(
          start, line_end == std::string_view::npos ? head.size() - start : line_end - start);
      auto colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      req.headers[lower(trim(line.substr(0, colon)))] = std::string(trim(line.substr(colon + 1)));
    }
    std::size_t body_len = 0;
    if (auto cl = req.headers.find("content-length"); cl != req.headers.end()) {
      try {
        body_len = std::stoul(cl->second);
      } catch (const std::exception&) {
        return false;
      }
    }
    if (c.in.size() < head_end + 4 + body_len) {
      if (req.header("expect") == "100-continue" && c.answers.empty() && c.out.empty())
        c.out = "HTTP/1.1 100 Continue\r\n\r\n";
      return true;  // the rest of the body is still on its way
    }
    req.body = c.in.substr(head_end + 4, body_len);
    c.in.erase(0, head_end + 4 + body_len);
    req.arrived_steady = steady::now();
    req.arrived =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    req.connection = c.id;
    bool client_closes = lower(req.header("connection")) == "close";
    std::string target = req.target;
    auto ready_at = req.arrived_steady;
    record(std::move(req));

    fake_response r = next_response(target);
    bool close = r.close || client_closes;
    c.answers.push_back({ready_at + r.delay, serialize(r, close), close});
  }
}

void fake_discord::run() {
  std::vector<std::unique_ptr<connection>> conns;
  std::size_t next_id = 1;
  std::vector<pollfd> fds;
  for (;;) {
    auto now = steady::now();
    int timeout_ms = -1;
    fds.clear();
    fds.push_back({wake_read_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (auto& c : conns) {
      short events = POLLIN;
      if (!c->out.empty()) events |= POLLOUT;
      fds.push_back({c->fd, events, 0});
      if (!c->answers.empty()) {
        auto wait = std::chrono::ceil<std::chrono::milliseconds>(
            std::max(c->answers.front().ready_at - now, steady::duration{0}));
        int ms = static_cast<int>(wait.count());
        timeout_ms = timeout_ms < 0 ? ms : std::min(timeout_ms, ms);
      }
    }
    if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) return;
    if (fds[0].revents != 0) return;  // only the destructor writes there

    if (fds[1].revents & POLLIN) {
      for (;;) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;
        auto c = std::make_unique<connection>();
        c->fd = fd;
        c->id = next_id++;
        conns.push_back(std::move(c));
        std::lock_guard lock(mutex_);
        ++accepted_;
      }
    }

    now = steady::now();
    for (std::size_t i = 0; i + 2 < fds.size(); ++i) {
      connection& c = *conns[i];
      if (fds[i + 2].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[16384];
        for (;;) {
          auto n = ::recv(c.fd, buf, sizeof buf, 0);
          if (n > 0) {
            c.in.append(buf, static_cast<std::size_t>(n));
            continue;
          }
          if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) c.dead = true;
          break;
        }
        // Requests already complete still count as received when the client hung up.
        if (!read_requests(c)) c.dead = true;
      }
      if (c.dead) continue;
      while (!c.answers.empty() && c.answers.front().ready_at <= now && !c.close_when_sent) {
        c.out += c.answers.front().bytes;
        c.close_when_sent = c.answers.front().close;
        c.answers.pop_front();
      }
      while (!c.out.empty()) {
        auto n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n > 0) {
          c.out.erase(0, static_cast<std::size_t>(n));
          continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) c.dead = true;
        break;
      }
      if (c.out.empty() && c.close_when_sent) c.dead = true;
    }
    std::erase_if(conns, [](const auto& c) { return c->dead; });
  }
}

}  // namespace taskhook::test
