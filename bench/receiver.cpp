// bench_receiver: a cheap stand-in for Discord's webhook endpoint, for bench/run.
//
// One thread, epoll, HTTP/1.1 keep-alive on 127.0.0.1. Every request is answered
// "204 No Content" at once and its arrival is stamped (the kernel's receive time
// of the bytes, CLOCK_REALTIME, via SO_TIMESTAMPNS, so the figure does not depend
// on when this thread gets a core on a machine it shares with taskhook and
// PostgreSQL). The arrivals go into a buffer preallocated at start (untouched
// pages cost nothing until used).
//
// Lateness of an arrival: arrival − the whole second it falls in (every
// scheduled fire of the bench is on a whole second), or arrival − --base when a
// base instant is given (the burst scenario: the minute boundary).
//
//   bench_receiver [--port P] [--duration S] [--capacity N] [--id-base B]
//                  [--from EPOCH_S] [--to EPOCH_S] [--base EPOCH_S]
//
// stdout: the port on the first line; on SIGTERM/SIGINT or after --duration,
// one JSON line of figures over [--from, --to) (default: everything).
//
// Control requests (not recorded), for the script while the run goes on:
//   GET /_bench/count                          {"count":N,"connections":C}
//   GET /_bench/stats?from=S&to=S&base=S       the JSON figures over a window
//   GET /_bench/fires?from=S&to=S&tasks=N      fires by X-Taskhook-Scheduled-For: sent,
//                                              sent more than once, never sent
// Webhook paths "/api/webhooks/<id>/<token>" have their id recorded (minus
// --id-base, as 32 bits) so duplicates and missing (task, second) pairs show.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stamped_recv.hpp"

namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;

std::int64_t wall_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * ns_per_s + ts.tv_nsec;
}

struct arrival {
  std::int64_t at_ns;   ///< kernel receive stamp of the request's bytes
  std::uint32_t id;     ///< webhook id − id_base (UINT32_MAX: not a webhook path)
  std::int32_t lag_us;  ///< from the stamp to this thread parsing it
  /// X-Taskhook-Scheduled-For in whole seconds (0: no such header): the fire
  /// this send belongs to, whichever node sent it and however late.
  std::int64_t scheduled_s = 0;
};

/// `2026-12-07T10:00:05.000Z` → seconds since the epoch; 0 when malformed.
std::int64_t iso_seconds(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  std::tm tm{};
  std::string text(v.substr(0, 19));
  if (text.size() < 19 || strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

struct options {
  int port = 0;
  double duration_s = 0;  // 0: until a signal
  std::size_t capacity = 20'000'000;
  std::uint64_t id_base = 0;
  std::optional<std::int64_t> from_s, to_s, base_s;
};

struct conn {
  std::vector<char> in;
  std::string out;
  std::int64_t stamp_ns = 0;
  bool continued = false;  ///< "100 Continue" sent for the request being read
};

class receiver {
 public:
  explicit receiver(const options& o) : opt_(o) {
    buf_.reset(new arrival[o.capacity]);  // default-initialised: pages stay untouched
  }

  int run();

 private:
  void accept_all();
  void on_readable(int fd, conn& c);
  bool parse(int fd, conn& c);
  void flush(int fd, conn& c);
  void close_conn(int fd);
  void want_write(int fd, bool on);
  /// Fires (scheduled second, webhook) with a scheduled second in [from, to):
  /// how many were sent, how many more than once, and, given the number of
  /// per-second tasks, how many never.
  std::string fires(std::optional<std::int64_t> from_s, std::optional<std::int64_t> to_s,
                    std::optional<std::int64_t> tasks) const;
  std::string stats(std::optional<std::int64_t> from_s, std::optional<std::int64_t> to_s,
                    std::optional<std::int64_t> base_s) const;
  std::string control(std::string_view target) const;

  options opt_;
  std::unique_ptr<arrival[]> buf_;
  std::size_t n_ = 0;
  std::uint64_t overflow_ = 0;
  std::uint64_t bad_ = 0;
  std::uint64_t accepted_ = 0;
  int listen_fd_ = -1;
  int epoll_ = -1;
  int signal_fd_ = -1;
  std::unordered_map<int, conn> conns_;
};

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

template <class T>
T pct(const std::vector<T>& sorted, double p) {
  if (sorted.empty()) return T{};
  auto idx = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(idx, sorted.size() - 1)];
}

std::optional<std::int64_t> query_int(std::string_view q, std::string_view key) {
  std::size_t at = 0;
  while (at < q.size()) {
    auto amp = q.find('&', at);
    auto part = q.substr(at, amp == std::string_view::npos ? std::string_view::npos : amp - at);
    if (part.size() > key.size() && part.starts_with(key) && part[key.size()] == '=')
      return std::strtoll(std::string(part.substr(key.size() + 1)).c_str(), nullptr, 10);
    if (amp == std::string_view::npos) break;
    at = amp + 1;
  }
  return std::nullopt;
}

std::string receiver::fires(std::optional<std::int64_t> from_s, std::optional<std::int64_t> to_s,
                            std::optional<std::int64_t> tasks) const {
  // Per (scheduled second, webhook id): how many sends, whenever they arrived.
  const std::int64_t lo = from_s.value_or(INT64_MIN), hi = to_s.value_or(INT64_MAX);
  std::vector<std::uint64_t> keys;
  for (std::size_t i = 0; i < n_; ++i) {
    const arrival& a = buf_[i];
    if (a.scheduled_s == 0 || a.id == UINT32_MAX || a.scheduled_s < lo || a.scheduled_s >= hi)
      continue;
    keys.push_back((static_cast<std::uint64_t>(a.scheduled_s) << 32) | a.id);
  }
  std::sort(keys.begin(), keys.end());
  std::uint64_t distinct = 0, duplicates = 0;  // duplicates: fires sent more than once
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    ++distinct;
    if (j - i > 1) ++duplicates;
    i = j;
  }
  std::int64_t expected = -1;
  if (tasks && from_s && to_s) expected = *tasks * (*to_s - *from_s);
  char tmp[256];
  std::snprintf(tmp, sizeof tmp,
                "{\"sends\":%zu,\"fires\":%" PRIu64 ",\"duplicates\":%" PRIu64
                ",\"expected\":%" PRId64 ",\"missing\":%" PRId64 "}",
                keys.size(), distinct, duplicates, expected,
                expected < 0 ? -1 : expected - static_cast<std::int64_t>(distinct));
  return tmp;
}

std::string receiver::stats(std::optional<std::int64_t> from_s, std::optional<std::int64_t> to_s,
                            std::optional<std::int64_t> base_s) const {
  const std::int64_t lo = from_s ? *from_s * ns_per_s : INT64_MIN;
  const std::int64_t hi = to_s ? *to_s * ns_per_s : INT64_MAX;
  std::vector<std::int64_t> late;  // ns
  std::vector<std::int32_t> lag;
  std::vector<std::uint64_t> keys;  // (second << 32) | id, for duplicates
  std::map<std::int64_t, std::pair<std::uint64_t, std::int64_t>> per_second;  // n, max late
  std::int64_t first = INT64_MAX, last = INT64_MIN;
  std::uint64_t ids_seen = 0;
  std::vector<std::uint32_t> ids;
  for (std::size_t i = 0; i < n_; ++i) {
    const arrival& a = buf_[i];
    if (a.at_ns < lo || a.at_ns >= hi) continue;
    const std::int64_t sec = a.at_ns / ns_per_s;
    const std::int64_t l = base_s ? a.at_ns - *base_s * ns_per_s : a.at_ns % ns_per_s;
    late.push_back(l);
    lag.push_back(a.lag_us);
    first = std::min(first, a.at_ns);
    last = std::max(last, a.at_ns);
    if (a.id != UINT32_MAX) {
      keys.push_back((static_cast<std::uint64_t>(sec) << 32) | a.id);
      ids.push_back(a.id);
    }
    auto& ps = per_second[sec];
    ++ps.first;
    ps.second = std::max(ps.second, l);
  }
  std::sort(late.begin(), late.end());
  std::sort(lag.begin(), lag.end());
  std::sort(keys.begin(), keys.end());
  std::sort(ids.begin(), ids.end());
  const auto distinct_keys =
      static_cast<std::uint64_t>(std::unique(keys.begin(), keys.end()) - keys.begin());
  ids_seen = static_cast<std::uint64_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
  double sum = 0;
  for (auto v : late) sum += static_cast<double>(v);
  auto ms = [](std::int64_t ns) { return static_cast<double>(ns) / 1e6; };
  // The window's length for the rate: as given, else first to last arrival.
  double span_s = (from_s && to_s) ? static_cast<double>(*to_s - *from_s)
                  : late.empty()   ? 0.0
                                   : static_cast<double>(last - first) / 1e9;
  const std::int64_t ref = base_s ? *base_s * ns_per_s : from_s ? *from_s * ns_per_s : first;

  std::string out;
  char tmp[512];
  std::snprintf(
      tmp, sizeof tmp,
      "{\"count\":%zu,\"per_s\":%.1f,\"lateness_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,"
      "\"p999\":%.3f,\"max\":%.3f,\"mean\":%.3f},",
      late.size(), span_s > 0 ? static_cast<double>(late.size()) / span_s : 0.0,
      ms(pct(late, 0.5)), ms(pct(late, 0.9)), ms(pct(late, 0.99)), ms(pct(late, 0.999)),
      late.empty() ? 0.0 : ms(late.back()), late.empty() ? 0.0 : sum / late.size() / 1e6);
  out += tmp;
  std::snprintf(tmp, sizeof tmp,
                "\"first_ms\":%.3f,\"last_ms\":%.3f,\"read_lag_ms\":{\"p50\":%.3f,\"p99\":%.3f,"
                "\"max\":%.3f},\"tasks_seen\":%" PRIu64 ",\"duplicates\":%" PRIu64 ",",
                late.empty() ? 0.0 : ms(first - ref), late.empty() ? 0.0 : ms(last - ref),
                pct(lag, 0.5) / 1e3, pct(lag, 0.99) / 1e3,
                lag.empty() ? 0.0 : lag.back() / 1e3, ids_seen,
                static_cast<std::uint64_t>(keys.size()) - distinct_keys);
  out += tmp;
  // Per second of arrival: counts and the latest lateness in it.
  std::snprintf(tmp, sizeof tmp, "\"per_second_t0\":%" PRId64 ",\"per_second_n\":[",
                per_second.empty() ? std::int64_t{0} : per_second.begin()->first);
  out += tmp;
  std::string maxes = "\"per_second_max_ms\":[";
  bool firstp = true;
  std::int64_t prev = per_second.empty() ? 0 : per_second.begin()->first - 1;
  for (const auto& [sec, v] : per_second) {
    for (std::int64_t gap = prev + 1; gap < sec; ++gap) {  // empty seconds count as 0
      out += firstp ? "0" : ",0";
      maxes += firstp ? "0" : ",0";
      firstp = false;
    }
    std::snprintf(tmp, sizeof tmp, "%s%" PRIu64, firstp ? "" : ",", v.first);
    out += tmp;
    std::snprintf(tmp, sizeof tmp, "%s%.1f", firstp ? "" : ",", ms(v.second));
    maxes += tmp;
    firstp = false;
    prev = sec;
  }
  out += "],";
  out += maxes;
  std::snprintf(tmp, sizeof tmp,
                "],\"total\":%zu,\"overflow\":%" PRIu64 ",\"bad_requests\":%" PRIu64
                ",\"connections\":%" PRIu64 ",\"open_connections\":%zu,\"cpu_s\":%.3f}",
                n_, overflow_, bad_, accepted_, conns_.size(), cpu_seconds());
  out += tmp;
  return out;
}

std::string receiver::control(std::string_view target) const {
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  if (path == "/_bench/fires") return fires(query_int(query, "from"), query_int(query, "to"),
                                            query_int(query, "tasks"));
  if (path == "/_bench/count") {
    char tmp[128];
    std::snprintf(tmp, sizeof tmp, "{\"count\":%zu,\"connections\":%" PRIu64 "}", n_, accepted_);
    return tmp;
  }
  return stats(query_int(query, "from"), query_int(query, "to"), query_int(query, "base"));
}

void receiver::close_conn(int fd) {
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  conns_.erase(fd);
}

void receiver::want_write(int fd, bool on) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  ::epoll_ctl(epoll_, EPOLL_CTL_MOD, fd, &ev);
}

void receiver::accept_all() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    conns_[fd].in.reserve(4096);
    ++accepted_;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
  }
}

/// Answers every complete request in c.in; false on something that is not HTTP/1.1.
bool receiver::parse(int fd, conn& c) {
  static constexpr std::string_view no_content =
      "HTTP/1.1 204 No Content\r\nServer: bench-receiver\r\n\r\n";
  std::string_view all(c.in.data(), c.in.size());
  std::size_t pos = 0;
  for (;;) {
    auto head_end = all.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos) break;
    std::string_view head = all.substr(pos, head_end - pos);
    std::size_t body = 0;
    bool expect = false;
    std::int64_t scheduled_s = 0;
    for (std::size_t at = 0; (at = head.find('\n', at)) != std::string_view::npos;) {
      ++at;
      std::size_t left = head.size() - at;
      if (left > 15 && strncasecmp(head.data() + at, "content-length:", 15) == 0)
        body = std::strtoull(head.data() + at + 15, nullptr, 10);
      else if (left > 7 && strncasecmp(head.data() + at, "expect:", 7) == 0)
        expect = true;
      else if (left > 25 && strncasecmp(head.data() + at, "x-taskhook-scheduled-for:", 25) == 0)
        scheduled_s = iso_seconds(head.substr(at + 25, std::min<std::size_t>(left - 25, 40)));
      else if (left > 18 && strncasecmp(head.data() + at, "transfer-encoding:", 18) == 0)
        return false;  // curl sends a Content-Length for webhook bodies
    }
    const std::size_t total = head_end + 4 + body - pos;
    if (all.size() - pos < total) {
      if (expect && !c.continued) {
        c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        c.continued = true;
      }
      break;
    }
    c.continued = false;
    // Request line: METHOD SP TARGET SP VERSION
    auto sp1 = head.find(' ');
    auto sp2 = sp1 == std::string_view::npos ? sp1 : head.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return false;
    std::string_view target = head.substr(sp1 + 1, sp2 - sp1 - 1);
    if (target.starts_with("/_bench/")) {
      std::string body_text = control(target);
      char hdr[160];
      std::snprintf(hdr, sizeof hdr,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                    body_text.size() + 1);
      c.out += hdr;
      c.out += body_text;
      c.out += '\n';
    } else {
      const std::int64_t now = wall_ns();
      std::uint32_t id = UINT32_MAX;
      constexpr std::string_view prefix = "/api/webhooks/";
      if (target.starts_with(prefix))
        id = static_cast<std::uint32_t>(
            std::strtoull(target.data() + prefix.size(), nullptr, 10) - opt_.id_base);
      if (n_ < opt_.capacity) {
        const std::int64_t at = c.stamp_ns != 0 ? c.stamp_ns : now;
        buf_[n_++] = {at, id,
                      static_cast<std::int32_t>(std::min<std::int64_t>((now - at) / 1000, INT32_MAX)),
                      scheduled_s};
      } else {
        ++overflow_;
      }
      c.out += no_content;
    }
    pos += total;
  }
  if (pos > 0) c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(pos));
  (void)fd;
  return true;
}

void receiver::flush(int fd, conn& c) {
  std::size_t sent = 0;
  while (sent < c.out.size()) {
    auto n = ::send(fd, c.out.data() + sent, c.out.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      c.out.erase(0, sent);
      want_write(fd, true);
      return;
    }
    close_conn(fd);
    return;
  }
  c.out.clear();
}

void receiver::on_readable(int fd, conn& c) {
  char buf[65536];
  bool dead = false;
  for (;;) {
    auto r = taskhook::bench::recv_stamped(fd, buf, sizeof buf, c.stamp_ns);
    if (r > 0) {
      c.in.insert(c.in.end(), buf, buf + r);
      if (static_cast<std::size_t>(r) < sizeof buf) break;  // drained
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) dead = true;
    break;
  }
  if (!parse(fd, c)) {
    ++bad_;
    dead = true;
  }
  if (!c.out.empty()) flush(fd, c);
  if (dead && conns_.count(fd)) close_conn(fd);
}

int receiver::run() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(opt_.port));
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 4096) != 0) {
    std::fprintf(stderr, "bench_receiver: bind/listen: %s\n", std::strerror(errno));
    return 1;
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  std::printf("%d\n", ntohs(addr.sin_port));
  std::fflush(stdout);

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  signal_fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  for (int fd : {listen_fd_, signal_fd_}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
  }

  const std::int64_t deadline =
      opt_.duration_s > 0 ? wall_ns() + static_cast<std::int64_t>(opt_.duration_s * 1e9) : 0;
  std::vector<epoll_event> events(512);
  for (bool stop = false; !stop;) {
    int timeout_ms = -1;
    if (deadline != 0) {
      auto left = deadline - wall_ns();
      if (left <= 0) break;
      timeout_ms = static_cast<int>(std::min<std::int64_t>(left / 1'000'000 + 1, 1000));
    }
    int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == signal_fd_) {
        stop = true;
        continue;
      }
      if (fd == listen_fd_) {
        accept_all();
        continue;
      }
      auto it = conns_.find(fd);
      if (it == conns_.end()) continue;
      conn& c = it->second;
      if (events[i].events & EPOLLOUT) {
        flush(fd, c);
        if (!conns_.count(fd)) continue;
        if (c.out.empty()) want_write(fd, false);
      }
      if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) on_readable(fd, c);
    }
  }
  std::printf("%s\n", stats(opt_.from_s, opt_.to_s, opt_.base_s).c_str());
  std::fflush(stdout);
  return 0;
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: bench_receiver [--port P] [--duration S] [--capacity N] [--id-base B]\n"
               "                      [--from EPOCH_S] [--to EPOCH_S] [--base EPOCH_S]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (a == "--port") o.port = std::atoi(value());
    else if (a == "--duration") o.duration_s = std::atof(value());
    else if (a == "--capacity") o.capacity = std::strtoull(value(), nullptr, 10);
    else if (a == "--id-base") o.id_base = std::strtoull(value(), nullptr, 10);
    else if (a == "--from") o.from_s = std::strtoll(value(), nullptr, 10);
    else if (a == "--to") o.to_s = std::strtoll(value(), nullptr, 10);
    else if (a == "--base") o.base_s = std::strtoll(value(), nullptr, 10);
    else usage();
  }
  if (o.capacity == 0) usage();
  receiver r(o);
  return r.run();
}
