// Delivery lateness under load: N per-second tasks (`* * * * * *`) in a private
// PostgreSQL, the real taskhook binary, and an in-process receiver on loopback
// that answers every POST with 204 (keep-alive) and stamps its arrival.
//
// Every task fires on whole seconds, so an arrival's lateness is its wall time
// minus the whole second it belongs to (arrival floored to the second). Only
// seconds inside the measurement window count: [ready + warmup, + duration).
// Prints one summary line and one JSON line (docs/BENCHMARKS.md, "Delivery
// lateness"). The taskhook CPU share comes from /proc/<pid>/stat.
//
// Usage: delivery_latency [--tasks N] [--duration S] [--warmup S] [--workers K]
//                         [--log-level L] [--binary PATH] [--per-second]

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "stamped_recv.hpp"
#include "support/pg.hpp"
#include "support/process.hpp"

namespace {

using namespace std::chrono_literals;
using taskhook::test::child;
using taskhook::test::private_cluster;
using taskhook::test::query;

constexpr std::uint64_t webhook_base = 900000000000000000ULL;

std::int64_t wall_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// -- receiver -----------------------------------------------------------------

struct arrival {
  std::int64_t at_ns;    ///< when the request's last bytes reached the socket (kernel stamp)
  std::int64_t read_ns;  ///< when the receiver thread read them (CLOCK_REALTIME)
  std::uint32_t task;    ///< webhook id - webhook_base
};

/// A lean HTTP/1.1 sink: one thread, epoll, keep-alive, answers 204 at once.
class receiver {
 public:
  explicit receiver(std::size_t expected) {
    arrivals_.reserve(expected);
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 1024) != 0)
      throw std::runtime_error(std::string("receiver: bind/listen: ") + std::strerror(errno));
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    add(listen_fd_);
    add(stop_fd_);
    thread_ = std::thread([this] { run(); });
  }

  ~receiver() { stop(); }

  void stop() {
    if (!thread_.joinable()) return;
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
    thread_.join();
    for (auto& [fd, c] : conns_) ::close(fd);
    conns_.clear();
    ::close(listen_fd_);
    ::close(stop_fd_);
    ::close(epoll_);
  }

  int port() const { return port_; }
  /// Only after stop().
  const std::vector<arrival>& arrivals() const { return arrivals_; }
  std::uint64_t bad_requests() const { return bad_; }
  std::size_t connections() const { return accepted_; }

 private:
  struct conn {
    std::string in;
    std::string out;
    std::int64_t stamp_ns = 0;  ///< kernel receive time of the latest bytes read
  };

  void add(int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
  }

  void close_conn(int fd) {
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    conns_.erase(fd);
  }

  /// Parses every complete request in c.in; false on garbage.
  bool parse(conn& c) {
    static constexpr std::string_view reply = "HTTP/1.1 204 No Content\r\nServer: bench\r\n\r\n";
    std::size_t pos = 0;
    for (;;) {
      auto head_end = c.in.find("\r\n\r\n", pos);
      if (head_end == std::string::npos) break;
      std::string_view head(c.in.data() + pos, head_end - pos);
      std::size_t body = 0;
      // Header names in any case; curl sends "Content-Length".
      for (std::size_t at = 0; (at = head.find('\n', at)) != std::string_view::npos;) {
        ++at;
        if (head.size() - at > 15 && strncasecmp(head.data() + at, "content-length:", 15) == 0) {
          body = std::strtoull(head.data() + at + 15, nullptr, 10);
          break;
        }
      }
      std::size_t total = head_end + 4 + body - pos;
      if (c.in.size() - pos < total) break;
      const std::int64_t now = wall_ns();
      // "POST /api/webhooks/<id>/<token>?wait=true HTTP/1.1"
      constexpr std::string_view prefix = "POST /api/webhooks/";
      if (!head.starts_with(prefix)) return false;
      std::uint64_t id = std::strtoull(head.data() + prefix.size(), nullptr, 10);
      arrivals_.push_back(
          {c.stamp_ns != 0 ? c.stamp_ns : now, now, static_cast<std::uint32_t>(id - webhook_base)});
      c.out += reply;
      pos += total;
    }
    c.in.erase(0, pos);
    return true;
  }

  void flush(int fd, conn& c) {
    while (!c.out.empty()) {
      auto n = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n > 0) {
        c.out.erase(0, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.fd = fd;
        ::epoll_ctl(epoll_, EPOLL_CTL_MOD, fd, &ev);
        return;
      }
      close_conn(fd);
      return;
    }
  }

  void run() {
    std::vector<epoll_event> events(256);
    char buf[65536];
    for (;;) {
      int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), -1);
      if (n < 0 && errno == EINTR) continue;
      for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == stop_fd_) return;
        if (fd == listen_fd_) {
          for (;;) {
            int cfd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (cfd < 0) break;
            int one = 1;
            ::setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            // Kernel receive stamps: the arrival time does not depend on when
            // this thread gets a core (it shares two with taskhook).
            ::setsockopt(cfd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
            conns_[cfd];
            ++accepted_;
            add(cfd);
          }
          continue;
        }
        auto it = conns_.find(fd);
        if (it == conns_.end()) continue;
        conn& c = it->second;
        bool dead = false;
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
          for (;;) {
            auto r = taskhook::bench::recv_stamped(fd, buf, sizeof buf, c.stamp_ns);
            if (r > 0) {
              c.in.append(buf, static_cast<std::size_t>(r));
              continue;
            }
            if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) dead = true;
            break;
          }
          if (!parse(c)) {
            ++bad_;
            dead = true;
          }
        }
        if (dead) {
          close_conn(fd);
          continue;
        }
        if ((events[i].events & EPOLLOUT) && c.out.empty()) {
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.fd = fd;
          ::epoll_ctl(epoll_, EPOLL_CTL_MOD, fd, &ev);
        }
        flush(fd, c);
      }
    }
  }

  int listen_fd_ = -1;
  int epoll_ = -1;
  int stop_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::unordered_map<int, conn> conns_;
  std::vector<arrival> arrivals_;
  std::uint64_t bad_ = 0;
  std::size_t accepted_ = 0;
};

// -- measuring ----------------------------------------------------------------

/// utime + stime of `pid`, in clock ticks.
std::uint64_t process_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(s.substr(close + 2));
  std::string f;
  std::uint64_t utime = 0, stime = 0;
  // Fields after the command: state(3) ppid(4) ... utime(14) stime(15).
  for (int i = 3; i <= 15 && (fields >> f); ++i) {
    if (i == 14) utime = std::stoull(f);
    if (i == 15) stime = std::stoull(f);
  }
  return utime + stime;
}

/// utime + stime of every thread of `pid`, summed by thread name (the curl
/// workers, the main thread and Pistache's are all "taskhook"; CAF names its own).
std::map<std::string, std::uint64_t> thread_ticks(pid_t pid) {
  std::map<std::string, std::uint64_t> out;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(entry.path() / "stat");
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto open = s.find('(');
    auto close = s.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::string name = s.substr(open + 1, close - open - 1);
    std::istringstream fields(s.substr(close + 2));
    std::string f;
    std::uint64_t ticks = 0;
    for (int i = 3; i <= 15 && (fields >> f); ++i)
      if (i == 14 || i == 15) ticks += std::stoull(f);
    out[name] += ticks;
  }
  return out;
}

/// The PostgreSQL server of the private cluster whose socket folder is `sock`
/// (the postmaster, found by its -k argument) and its children.
std::vector<pid_t> postgres_pids(const std::string& sock) {
  std::vector<pid_t> all;
  pid_t postmaster = 0;
  std::map<pid_t, pid_t> parent;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = std::stoi(name);
    std::ifstream cmd(entry.path() / "cmdline");
    std::string line((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    std::replace(line.begin(), line.end(), '\0', ' ');
    if (line.find("-k " + sock + " ") != std::string::npos) postmaster = pid;
    std::ifstream st(entry.path() / "stat");
    std::string s((std::istreambuf_iterator<char>(st)), std::istreambuf_iterator<char>());
    auto close = s.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(s.substr(close + 2));
    std::string state;
    pid_t ppid = 0;
    fields >> state >> ppid;
    parent[pid] = ppid;
  }
  if (postmaster == 0) return all;
  all.push_back(postmaster);
  for (auto [pid, ppid] : parent)
    if (ppid == postmaster) all.push_back(pid);
  return all;
}

std::uint64_t ticks_of(const std::vector<pid_t>& pids) {
  std::uint64_t sum = 0;
  for (pid_t p : pids) sum += process_ticks(p);
  return sum;
}

/// Busy and total jiffies of the whole machine (all cores), from /proc/stat.
std::pair<std::uint64_t, std::uint64_t> machine_ticks() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  std::uint64_t v[10] = {};
  in >> cpu;
  for (auto& x : v) in >> x;
  std::uint64_t idle = v[3] + v[4];
  std::uint64_t total = 0;
  for (int i = 0; i < 8; ++i) total += v[i];  // guest time is already in user
  return {total - idle, total};
}

double self_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto idx = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(idx, sorted.size() - 1)];
}

std::string arg_value(int& i, int argc, char** argv) {
  if (i + 1 >= argc) {
    std::fprintf(stderr, "delivery_latency: %s needs a value\n", argv[i]);
    std::exit(2);
  }
  return argv[++i];
}

}  // namespace

int main(int argc, char** argv) {
  int tasks = 1000;
  int duration_s = 30;
  int warmup_s = 5;
  std::string workers = "1";
  std::string log_level = "info";
  std::string binary = TASKHOOK_BINARY;
  bool per_second_out = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--tasks")
      tasks = std::stoi(arg_value(i, argc, argv));
    else if (a == "--duration")
      duration_s = std::stoi(arg_value(i, argc, argv));
    else if (a == "--warmup")
      warmup_s = std::stoi(arg_value(i, argc, argv));
    else if (a == "--workers")
      workers = arg_value(i, argc, argv);
    else if (a == "--log-level")
      log_level = arg_value(i, argc, argv);
    else if (a == "--binary")
      binary = arg_value(i, argc, argv);
    else if (a == "--per-second")
      per_second_out = true;
    else {
      std::fprintf(stderr,
                   "usage: delivery_latency [--tasks N] [--duration S] [--warmup S] "
                   "[--workers K] [--log-level L] [--binary PATH] [--per-second]\n");
      return 2;
    }
  }
  if (tasks < 1 || duration_s < 1 || warmup_s < 0) {
    std::fprintf(stderr, "delivery_latency: --tasks and --duration must be >= 1\n");
    return 2;
  }

  std::fprintf(stderr, "starting a private PostgreSQL...\n");
  private_cluster pg;
  const std::string& url = pg.url();
  {
    auto r = taskhook::test::run_command(
        {binary, "migrate"}, {{"DATABASE_URL", url}, {"API_KEY", "bench-admin-key-0123456789"}});
    if (r.exit_code != 0) {
      std::fprintf(stderr, "migrate failed:\n%s\n", r.out.c_str());
      return 1;
    }
  }
  auto tenant = query(url, "INSERT INTO tenants (name) VALUES ('bench') RETURNING id")[0][0];
  query(url,
        "INSERT INTO tasks (tenant_id, name, schedule, webhook_url, payload, max_retry) "
        "SELECT '" +
            tenant +
            "', 'bench ' || g, '* * * * * *', "
            "'https://discord.com/api/webhooks/' || (" +
            std::to_string(webhook_base) +
            "::numeric + g) || '/bench-token_' || g, "
            "'{\"content\": \"tick\"}'::jsonb, 3 FROM generate_series(0, " +
            std::to_string(tasks - 1) + ") AS g");

  receiver sink(static_cast<std::size_t>(tasks) *
                static_cast<std::size_t>(duration_s + warmup_s + 30));
  std::map<std::string, std::string> env{
      {"DATABASE_URL", url},
      {"API_KEY", "bench-admin-key-0123456789"},
      {"HOST", "127.0.0.1"},
      {"PORT", std::to_string(taskhook::test::free_port())},
      {"APP_ENV", "test"},
      {"LOG_LEVEL", log_level},
      {"WEBHOOK_WORKERS", workers},
      {"DISCORD_API_BASE", "http://127.0.0.1:" + std::to_string(sink.port())},
      {"ALLOW_PRIVATE_TARGETS", "true"}};
  std::fprintf(stderr, "starting taskhook with %d per-second tasks...\n", tasks);
  child svc({binary, "serve"}, env);
  if (!svc.wait_for_output("listening on", 60s)) {
    std::fprintf(stderr, "taskhook did not start:\n%s\n", svc.output().c_str());
    return 1;
  }

  std::fprintf(stderr, "taskhook pid %d ready\n", static_cast<int>(svc.pid()));
  // The window: whole seconds, starting after the warm-up.
  const std::int64_t ready_s = wall_ns() / 1'000'000'000;
  const std::int64_t first_s = ready_s + 1 + warmup_s;
  const std::int64_t end_s = first_s + duration_s;  // exclusive
  auto sleep_until_s = [](std::int64_t s, std::int64_t extra_ns) {
    auto wait = s * 1'000'000'000 + extra_ns - wall_ns();
    if (wait > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
  };
  // Sample CPU half a second before each edge: no burst is running then.
  sleep_until_s(first_s, -500'000'000);
  // The socket folder from the URL (...?host=<dir>&port=...).
  std::string sock = url.substr(url.find("host=") + 5);
  sock = sock.substr(0, sock.find('&'));
  const auto pg_pids = postgres_pids(sock);
  const auto t0_ticks = process_ticks(svc.pid());
  const auto t0_threads = thread_ticks(svc.pid());
  const auto pg0 = ticks_of(pg_pids);
  const auto m0 = machine_ticks();
  const double self0 = self_cpu_seconds();
  const std::int64_t t0 = wall_ns();
  std::fprintf(stderr, "measuring %d s...\n", duration_s);
  sleep_until_s(end_s, -500'000'000);
  const auto t1_ticks = process_ticks(svc.pid());
  const auto t1_threads = thread_ticks(svc.pid());
  const auto pg1 = ticks_of(pg_pids);
  const auto m1 = machine_ticks();
  const double self1 = self_cpu_seconds();
  const std::int64_t t1 = wall_ns();
  // Let the last second's stragglers arrive, then stop cleanly.
  sleep_until_s(end_s, 1'500'000'000);
  svc.signal(SIGTERM);
  auto code = svc.wait(60s);
  sink.stop();

  // -- figures ------------------------------------------------------------------
  std::vector<double> lateness_ms;
  std::vector<double> read_lag_ms;  // socket to receiver thread: our own delay, not taskhook's
  std::vector<std::uint32_t> per_task(static_cast<std::size_t>(tasks), 0);
  std::map<std::int64_t, std::pair<double, double>> per_second;  // first and last arrival
  std::uint64_t doubles = 0;
  std::unordered_map<std::uint64_t, std::uint8_t> seen;  // (task, second) buckets
  seen.reserve(static_cast<std::size_t>(tasks) * static_cast<std::size_t>(duration_s) * 2);
  for (const auto& a : sink.arrivals()) {
    std::int64_t s = a.at_ns / 1'000'000'000;
    if (s < first_s || s >= end_s || a.task >= static_cast<std::uint32_t>(tasks)) continue;
    double late = static_cast<double>(a.at_ns % 1'000'000'000) / 1e6;
    lateness_ms.push_back(late);
    read_lag_ms.push_back(static_cast<double>(a.read_ns - a.at_ns) / 1e6);
    ++per_task[a.task];
    auto key = (static_cast<std::uint64_t>(s) << 20) | a.task;
    if (seen[key]++ > 0) ++doubles;
    auto [it, fresh] = per_second.try_emplace(s, late, late);
    if (!fresh) {
      it->second.first = std::min(it->second.first, late);
      it->second.second = std::max(it->second.second, late);
    }
  }
  if (per_second_out) {
    // One line per second of the window: how the burst of that second drained.
    std::map<std::int64_t, std::vector<double>> by_second;
    for (const auto& a : sink.arrivals()) {
      std::int64_t s = a.at_ns / 1'000'000'000;
      if (s >= first_s && s < end_s)
        by_second[s].push_back(static_cast<double>(a.at_ns % 1'000'000'000) / 1e6);
    }
    for (auto& [s, v] : by_second) {
      std::sort(v.begin(), v.end());
      std::fprintf(stderr, "second %lld n=%zu first=%.1f p50=%.1f p90=%.1f last=%.1f\n",
                   static_cast<long long>(s), v.size(), v.front(), percentile(v, 0.5),
                   percentile(v, 0.9), v.back());
    }
  }
  std::sort(lateness_ms.begin(), lateness_ms.end());
  std::sort(read_lag_ms.begin(), read_lag_ms.end());
  std::vector<double> firsts, lasts;
  for (auto& [s, fl] : per_second) {
    firsts.push_back(fl.first);
    lasts.push_back(fl.second);
  }
  std::sort(firsts.begin(), firsts.end());
  std::sort(lasts.begin(), lasts.end());

  const std::uint64_t expected =
      static_cast<std::uint64_t>(tasks) * static_cast<std::uint64_t>(duration_s);
  const double window_s = static_cast<double>(t1 - t0) / 1e9;
  const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double cpu_pct = static_cast<double>(t1_ticks - t0_ticks) / hz / window_s * 100.0;
  const double machine_pct = m1.second > m0.second
                                 ? static_cast<double>(m1.first - m0.first) /
                                       static_cast<double>(m1.second - m0.second) * 100.0
                                 : 0.0;
  const double receiver_pct = (self1 - self0) / window_s * 100.0;
  const double pg_pct = static_cast<double>(pg1 - pg0) / hz / window_s * 100.0;
  std::string threads_json;
  for (const auto& [name, ticks] : t1_threads) {
    auto before = t0_threads.count(name) ? t0_threads.at(name) : 0;
    char item[160];
    std::snprintf(item, sizeof item, "%s\"%s\":%.1f", threads_json.empty() ? "" : ",", name.c_str(),
                  static_cast<double>(ticks - before) / hz / window_s * 100.0);
    threads_json += item;
  }
  const double rate = static_cast<double>(lateness_ms.size()) / duration_s;

  // Rows the service wrote for the window's seconds, by status.
  std::string rows_by_status;
  try {
    auto rows =
        query(url, "SELECT status, count(*) FROM task_logs WHERE scheduled_for >= to_timestamp(" +
                       std::to_string(first_s) + ") AND scheduled_for < to_timestamp(" +
                       std::to_string(end_s) + ") GROUP BY status ORDER BY status");
    for (auto& r : rows) {
      if (!rows_by_status.empty()) rows_by_status.push_back(',');
      rows_by_status.append("\"").append(r[0]).append("\":").append(r[1]);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "row count failed: %s\n", e.what());
  }
  // When the webhook pool began each attempt (task_logs.execution_time) against
  // its scheduled second: the part of the lateness spent before the transfer.
  double start_p50 = 0, start_p99 = 0, start_max = 0;
  try {
    auto r =
        query(url,
              "SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY d), max(d) FROM "
              "(SELECT extract(epoch FROM execution_time - scheduled_for) * 1000 AS d "
              "FROM task_logs WHERE status = 'SUCCESS' AND scheduled_for >= to_timestamp(" +
                  std::to_string(first_s) + ") AND scheduled_for < to_timestamp(" +
                  std::to_string(end_s) + ")) AS x");
    if (!r.empty() && !r[0][0].empty()) {
      std::sscanf(r[0][0].c_str(), "{%lf,%lf}", &start_p50, &start_p99);
      start_max = std::stod(r[0][1]);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "start lateness query failed: %s\n", e.what());
  }

  std::printf(
      "delivery_latency tasks=%d duration_s=%d workers=%s deliveries=%zu expected=%llu "
      "rate=%.1f/s p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms first_p50=%.1fms "
      "last_p50=%.1fms last_max=%.1fms start_p50=%.1fms start_p99=%.1fms read_lag_p99=%.1fms "
      "taskhook_cpu=%.1f%% postgres_cpu=%.1f%% receiver_cpu=%.1f%% "
      "machine_busy=%.1f%% exit=%d\n",
      tasks, duration_s, workers.c_str(), lateness_ms.size(),
      static_cast<unsigned long long>(expected), rate, percentile(lateness_ms, 0.50),
      percentile(lateness_ms, 0.90), percentile(lateness_ms, 0.99),
      lateness_ms.empty() ? 0.0 : lateness_ms.back(), percentile(firsts, 0.5),
      percentile(lasts, 0.5), lasts.empty() ? 0.0 : lasts.back(), start_p50, start_p99,
      percentile(read_lag_ms, 0.99), cpu_pct, pg_pct, receiver_pct, machine_pct, code.value_or(-1));
  std::printf(
      "{\"bench\":\"delivery_latency\",\"tasks\":%d,\"duration_s\":%d,\"workers\":%s,"
      "\"deliveries\":%zu,\"expected\":%llu,\"doubles\":%llu,\"per_second\":%.1f,"
      "\"lateness_ms\":{\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,\"max\":%.2f},"
      "\"first_arrival_ms\":{\"p50\":%.2f,\"max\":%.2f},"
      "\"last_arrival_ms\":{\"p50\":%.2f,\"max\":%.2f},"
      "\"attempt_start_ms\":{\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f},"
      "\"receiver_read_lag_ms\":{\"p50\":%.2f,\"p99\":%.2f},"
      "\"taskhook_cpu_pct\":%.1f,\"taskhook_threads_cpu_pct\":{%s},\"postgres_cpu_pct\":%.1f,"
      "\"receiver_cpu_pct\":%.1f,\"machine_busy_pct\":%.1f,"
      "\"connections\":%zu,\"rows\":{%s},\"exit_code\":%d}\n",
      tasks, duration_s, workers.c_str(), lateness_ms.size(),
      static_cast<unsigned long long>(expected), static_cast<unsigned long long>(doubles), rate,
      percentile(lateness_ms, 0.50), percentile(lateness_ms, 0.90), percentile(lateness_ms, 0.99),
      lateness_ms.empty() ? 0.0 : lateness_ms.back(), percentile(firsts, 0.5),
      firsts.empty() ? 0.0 : firsts.back(), percentile(lasts, 0.5),
      lasts.empty() ? 0.0 : lasts.back(), start_p50, start_p99, start_max,
      percentile(read_lag_ms, 0.5), percentile(read_lag_ms, 0.99), cpu_pct, threads_json.c_str(),
      pg_pct, receiver_pct, machine_pct, sink.connections(), rows_by_status.c_str(),
      code.value_or(-1));
  if (!code || *code != 0) std::fprintf(stderr, "taskhook output:\n%s\n", svc.output().c_str());
  return 0;
}
