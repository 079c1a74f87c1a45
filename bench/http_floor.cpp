// http_floor: how fast can N webhook POSTs due at one instant reach a local
// receiver on this machine, with libcurl (configured as taskhook's pool
// configures it, driven by curl_multi_perform/poll as the pool does, or by its
// socket interface on our epoll) and with the least an HTTP/1.1 client can do
// (raw sockets, epoll, requests formatted before the instant)? All in one run,
// rounds interleaved, so the ratios hold on a shared machine (docs/BENCHMARKS.md,
// "What bounds lateness at 10,000/s", "Connections, not the event loop").
//
//   http_floor --port P [--requests N] [--connections C] [--threads T] [--rounds R]
//              [--body-bytes B] [--id-base I]
//              [--client raw|curl|curl-events|curl-staged|both] [--lanes L]
//              [--stage-lead-ms M] [--cacert PEM [--http2 K]]
//
// Each round starts on a whole second (CLOCK_REALTIME): T threads each send
// N/T requests over their C/T keep-alive connections, a new request on a
// connection as soon as its response is in. Round 0 of each client only opens
// the connections. Per round: client, the second it started on, completion
// times from the instant (p50/p99/max, ms) and the CPU the client's threads used
// per request (µs). Arrival times are the receiver's (bench_receiver stamps the
// kernel's receive time; bench/run asks it per second).
//
// --cacert: libcurl clients only, over TLS to https://127.0.0.1:P, the
// receiver's certificate checked against PEM (as a real webhook host's would
// be), HTTP/1.1 on each connection. --http2 K: HTTP/2 instead (what libcurl
// negotiates with Discord by ALPN), each thread's transfers multiplexed over at
// most K connections (CURLMOPT_MAX_HOST_CONNECTIONS; 0: no cap, libcurl's
// default); --connections is then the transfers in flight. Each round also
// reports the connections libcurl opened in it. For the receivers these need
// (nginx, nghttpd), see docs/BENCHMARKS.md, "HTTP/2 is no cheaper".
//
// --client curl-staged: libcurl on its socket interface, but each round's
// transfers start --stage-lead-ms ahead of the instant (default 500) with the
// request line, the headers and all of the body but its last byte sent (the
// read callback pauses); at the instant only the last bytes go out
// (curl_easy_pause). A server sees each request complete at the instant, and
// nearly all of the client's work is done before it: the last lever for the
// lateness of a burst (docs/BENCHMARKS.md, "Staged sends"). It needs one
// connection per request of the burst. --lanes L: each thread spreads its
// connections over L multi handles (socket-interface clients only), so that
// libcurl's search for a free connection walks one lane's, not all of them.
//
// stdout: one JSON line per round.

#include <curl/curl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;

std::int64_t wall_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * ns_per_s + ts.tv_nsec;
}

void sleep_until(std::int64_t ns) {
  timespec ts{static_cast<time_t>(ns / ns_per_s), static_cast<long>(ns % ns_per_s)};
  while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

double thread_cpu_us() {
  rusage ru{};
  getrusage(RUSAGE_THREAD, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "http_floor: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

struct options {
  int port = 0;
  int requests = 10000;
  int connections = 2048;
  int threads = 2;
  int rounds = 3;
  int body_bytes = 64;
  std::uint64_t id_base = 900000000000000000ULL;
  std::string client = "both";  ///< one alone, e.g. to profile it
  std::string cacert;           ///< non-empty: https, checked against this
  int http2 = -1;               ///< >= 0: HTTP/2 over at most this many connections (0: no cap)
  int lanes = 1;                ///< multi handles per thread (socket-interface clients)
  int stage_lead_ms = 500;      ///< curl-staged: how long before the instant staging starts
};

std::string body_of(int bytes) {
  std::string b = R"({"content":")";
  const std::size_t tail = 2;
  while (b.size() + tail < static_cast<std::size_t>(bytes)) b += 'x';
  return b + "\"}";
}

std::string path_of(const options& o, int i) {
  return "/api/webhooks/" + std::to_string(o.id_base + static_cast<std::uint64_t>(i)) +
         "/bench-token?wait=true";
}

// -- raw sockets ---------------------------------------------------------------

class raw_client {
 public:
  raw_client(const options& o, int conns) : o_(o) {
    ep_ = epoll_create1(0);
    if (ep_ < 0) die("epoll_create1");
    for (int i = 0; i < conns; ++i) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0) die("socket");
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<std::uint16_t>(o.port));
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("connect");
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u32 = static_cast<std::uint32_t>(fds_.size());
      if (epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl");
      fds_.push_back(fd);
    }
    connects_ = static_cast<long>(fds_.size());
    pending_.assign(fds_.size(), -1);
    in_.resize(fds_.size());
  }

  /// Sends requests [first, first + n), formatted beforehand; returns each one's
  /// completion time in ns after `t0`.
  std::vector<std::int64_t> round(int first, int n, std::int64_t t0, const std::string& body) {
    std::vector<std::string> reqs;
    reqs.reserve(static_cast<std::size_t>(n));
    const std::string head_tail = " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(o_.port) +
                                  "\r\nContent-Type: application/json\r\nContent-Length: " +
                                  std::to_string(body.size()) + "\r\n\r\n";
    for (int i = 0; i < n; ++i) reqs.push_back("POST " + path_of(o_, first + i) + head_tail + body);
    std::vector<std::int64_t> done(static_cast<std::size_t>(n), 0);
    sleep_until(t0);
    int next = 0, finished = 0;
    auto send_next = [&](std::size_t c) {
      if (next >= n) return;
      const std::string& r = reqs[static_cast<std::size_t>(next)];
      if (write(fds_[c], r.data(), r.size()) != static_cast<ssize_t>(r.size())) die("write");
      pending_[c] = next++;
    };
    for (std::size_t c = 0; c < fds_.size() && next < n; ++c) send_next(c);
    std::vector<epoll_event> evs(256);
    char buf[4096];
    while (finished < n) {
      int k = epoll_wait(ep_, evs.data(), static_cast<int>(evs.size()), 1000);
      if (k < 0 && errno != EINTR) die("epoll_wait");
      for (int e = 0; e < k; ++e) {
        const std::size_t c = evs[static_cast<std::size_t>(e)].data.u32;
        ssize_t got = read(fds_[c], buf, sizeof buf);
        if (got <= 0) die("read (the receiver closed a connection)");
        std::string& in = in_[c];
        in.append(buf, static_cast<std::size_t>(got));
        // 204 No Content: a response ends with its header block.
        for (auto end = in.find("\r\n\r\n"); end != std::string::npos; end = in.find("\r\n\r\n")) {
          in.erase(0, end + 4);
          if (pending_[c] < 0) continue;
          done[static_cast<std::size_t>(pending_[c])] = wall_ns() - t0;
          pending_[c] = -1;
          ++finished;
          send_next(c);
        }
      }
    }
    return done;
  }

  /// Connections opened since the last call (all of them, at construction).
  long take_connects() { return std::exchange(connects_, 0); }

 private:
  const options& o_;
  long connects_ = 0;
  int ep_ = -1;
  std::vector<int> fds_;
  std::vector<int> pending_;
  std::vector<std::string> in_;
};

// -- libcurl, as src/webhook/transfer.cpp sets it up ---------------------------

std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }
std::size_t on_header(char* data, std::size_t size, std::size_t n, void*) {
  // taskhook looks at every header line for Discord's rate-limit fields.
  std::string_view line(data, size * n);
  volatile bool limit = line.starts_with("X-RateLimit") || line.starts_with("x-ratelimit");
  (void)limit;
  return size * n;
}

/// `events` false: curl_multi_perform and curl_multi_poll, which walk every
/// transfer and socket on each wake; true: libcurl's socket interface on our
/// epoll (curl_multi_socket_action), which touches only the sockets that moved.
class curl_client {
 public:
  curl_client(const options& o, int conns, bool events, bool staged = false)
      : o_(o), events_(events), staged_(staged) {
    // Lanes: several multi handles on one thread (socket interface only), each
    // with its own connection cache, so that finding a connection walks a
    // lane's connections rather than all of them.
    const int n_lanes = events_ ? std::max(1, std::min(o.lanes, conns)) : 1;
    const int per_lane = (conns + n_lanes - 1) / n_lanes;
    if (events_) {
      ep_ = epoll_create1(0);
      if (ep_ < 0) die("epoll_create1");
    }
    for (int l = 0; l < n_lanes; ++l) {
      auto ln = std::make_unique<lane>();
      ln->owner = this;
      ln->index = static_cast<std::uint32_t>(l);
      CURLM* m = ln->multi = curl_multi_init();
      curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, static_cast<long>(per_lane));  // as the pool
      if (o.http2 > 0)
        curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(o.http2));
      if (events_) {
        curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &curl_client::on_socket);
        curl_multi_setopt(m, CURLMOPT_SOCKETDATA, ln.get());
        curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &curl_client::on_timer);
        curl_multi_setopt(m, CURLMOPT_TIMERDATA, ln.get());
      }
      lanes_.push_back(std::move(ln));
    }
    headers_ = curl_slist_append(nullptr, "Content-Type: application/json");
    headers_ = curl_slist_append(headers_, "Expect:");
    for (int i = 0; i < conns; ++i) {
      CURL* e = curl_easy_init();
      curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 10000L);
      curl_easy_setopt(e, CURLOPT_PROXY, "");
      curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers_);
      curl_easy_setopt(e, CURLOPT_USERAGENT, "taskhook-bench");
      curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &discard);
      curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
      if (staged_) {
        curl_easy_setopt(e, CURLOPT_READFUNCTION, &upload::on_read);
        curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, &upload::on_seek);
        curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, 16384L);  // the least: bodies are small
      }
      if (!o.cacert.empty()) {
        curl_easy_setopt(e, CURLOPT_CAINFO, o.cacert.c_str());
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                         o.http2 >= 0 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
      }
      easies_.push_back(e);
    }
  }

  std::vector<std::int64_t> round(int first, int n, std::int64_t t0, const std::string& body) {
    std::vector<std::int64_t> done(static_cast<std::size_t>(n), 0);
    std::vector<std::string> urls(easies_.size());
    std::vector<int> request_of(easies_.size(), -1);
    const std::string base =
        (o_.cacert.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(o_.port);
    std::vector<upload> uploads(easies_.size());
    int next = 0, finished = 0;
    // URL formatted at send time, as the pool does.
    auto start = [&](std::size_t i, bool hold) {
      CURL* e = easies_[i];
      urls[i] = base + path_of(o_, first + next);
      curl_easy_setopt(e, CURLOPT_URL, urls[i].c_str());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      if (staged_) {
        uploads[i] = {&body, 0, hold};
        curl_easy_setopt(e, CURLOPT_READDATA, &uploads[i]);
        curl_easy_setopt(e, CURLOPT_SEEKDATA, &uploads[i]);
      } else {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.data());
      }
      curl_easy_setopt(e, CURLOPT_PRIVATE, reinterpret_cast<void*>(static_cast<std::intptr_t>(i)));
      request_of[i] = next++;
      curl_multi_add_handle(multi_of(i), e);
    };
    if (staged_) {
      // Everything but each body's last byte goes out ahead of the instant;
      // at the instant only the last bytes are sent.
      sleep_until(t0 - static_cast<std::int64_t>(o_.stage_lead_ms) * 1'000'000);
      for (std::size_t i = 0; i < easies_.size() && next < n; ++i) start(i, true);
      for (std::int64_t now = wall_ns(); now < t0; now = wall_ns())
        drive(static_cast<int>(std::max<std::int64_t>((t0 - now) / 1'000'000, 0)));
      sleep_until(t0);
      for (std::size_t i = 0; i < easies_.size() && request_of[i] >= 0; ++i) {
        uploads[i].hold = false;
        curl_easy_pause(easies_[i], CURLPAUSE_CONT);
      }
    } else {
      sleep_until(t0);
      for (std::size_t i = 0; i < easies_.size() && next < n; ++i) start(i, false);
    }
    while (finished < n) {
      drive(100);
      int left = 0;
      for (auto& ln : lanes_)
      while (CURLMsg* m = curl_multi_info_read(ln->multi, &left)) {
        if (m->msg != CURLMSG_DONE) continue;
        CURL* e = m->easy_handle;
        void* p = nullptr;
        curl_easy_getinfo(e, CURLINFO_PRIVATE, &p);
        if (m->data.result != CURLE_OK) {
          std::fprintf(stderr, "http_floor: curl: %s\n", curl_easy_strerror(m->data.result));
          std::exit(1);
        }
        const auto i = static_cast<std::size_t>(reinterpret_cast<std::intptr_t>(p));
        long opened = 0;
        curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &opened);
        connects_ += opened;
        done[static_cast<std::size_t>(request_of[i])] = wall_ns() - t0;
        ++finished;
        curl_multi_remove_handle(ln->multi, e);
        if (next < n) start(i, false);
      }
    }
    return done;
  }

  /// One turn of the event loop: lets libcurl do what is ready, or waits up to
  /// `wait_ms` for something to be.
  void drive(int wait_ms) {
    int running = 0;
    if (!events_) {
      curl_multi_perform(lanes_[0]->multi, &running);
      curl_multi_poll(lanes_[0]->multi, nullptr, 0, wait_ms, nullptr);
      return;
    }
    std::int64_t now = wall_ns();
    int wait = wait_ms;
    for (auto& ln : lanes_)
      if (ln->deadline_ns >= 0)
        wait = std::min<int>(wait, static_cast<int>(std::max<std::int64_t>(
                                       (ln->deadline_ns - now + 999'999) / 1'000'000, 0)));
    int k = epoll_wait(ep_, evs_.data(), static_cast<int>(evs_.size()), wait);
    if (k < 0 && errno != EINTR) die("epoll_wait");
    for (int e = 0; e < std::max(k, 0); ++e) {
      const epoll_event& ev = evs_[static_cast<std::size_t>(e)];
      int mask = ((ev.events & EPOLLIN) != 0u ? CURL_CSELECT_IN : 0) |
                 ((ev.events & EPOLLOUT) != 0u ? CURL_CSELECT_OUT : 0) |
                 ((ev.events & (EPOLLERR | EPOLLHUP)) != 0u ? CURL_CSELECT_ERR : 0);
      const auto fd = static_cast<curl_socket_t>(ev.data.u64 & 0xffffffffu);
      curl_multi_socket_action(lanes_[ev.data.u64 >> 32]->multi, fd, mask, &running);
    }
    now = wall_ns();
    for (auto& ln : lanes_)
      if (ln->deadline_ns >= 0 && ln->deadline_ns <= now) {
        ln->deadline_ns = -1;
        curl_multi_socket_action(ln->multi, CURL_SOCKET_TIMEOUT, 0, &running);
      }
  }

  /// Connections opened since the last call.
  long take_connects() { return std::exchange(connects_, 0); }

 private:

  /// A body handed to libcurl through its read callback, so that it can stop
  /// one byte short while `hold` is set.
  struct upload {
    const std::string* body = nullptr;
    std::size_t offset = 0;
    bool hold = false;

    static std::size_t on_read(char* buf, std::size_t size, std::size_t n, void* self) {
      auto* u = static_cast<upload*>(self);
      const std::size_t left = u->body->size() - u->offset;
      const std::size_t may = u->hold && left > 0 ? left - 1 : left;
      if (may == 0) return left == 0 ? 0 : CURL_READFUNC_PAUSE;
      const std::size_t k = std::min(may, size * n);
      std::memcpy(buf, u->body->data() + u->offset, k);
      u->offset += k;
      return k;
    }
    static int on_seek(void* self, curl_off_t offset, int origin) {
      auto* u = static_cast<upload*>(self);
      if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > u->body->size())
        return CURL_SEEKFUNC_CANTSEEK;
      u->offset = static_cast<std::size_t>(offset);
      return CURL_SEEKFUNC_OK;
    }
  };

  struct lane {
    curl_client* owner = nullptr;
    std::uint32_t index = 0;
    CURLM* multi = nullptr;
    std::int64_t deadline_ns = -1;  ///< libcurl's timer, CLOCK_REALTIME; -1: none
  };

  CURLM* multi_of(std::size_t easy) const { return lanes_[easy % lanes_.size()]->multi; }

  static int on_socket(CURL*, curl_socket_t fd, int what, void* self, void* known) {
    auto* ln = static_cast<lane*>(self);
    const int ep = ln->owner->ep_;
    epoll_event ev{};
    ev.data.u64 = (static_cast<std::uint64_t>(ln->index) << 32) | static_cast<std::uint32_t>(fd);
    ev.events = (what == CURL_POLL_IN || what == CURL_POLL_INOUT ? EPOLLIN : 0u) |
                (what == CURL_POLL_OUT || what == CURL_POLL_INOUT ? EPOLLOUT : 0u);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
      curl_multi_assign(ln->multi, fd, nullptr);
    } else if (known == nullptr) {
      if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl add");
      curl_multi_assign(ln->multi, fd, ln);
    } else if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) != 0) {
      die("epoll_ctl mod");
    }
    return 0;
  }
  static int on_timer(CURLM*, long ms, void* self) {
    static_cast<lane*>(self)->deadline_ns = ms < 0 ? -1 : wall_ns() + ms * 1'000'000;
    return 0;
  }

  const options& o_;
  long connects_ = 0;
  bool events_;
  bool staged_;
  int ep_ = -1;
  std::vector<epoll_event> evs_ = std::vector<epoll_event>(256);
  std::vector<std::unique_ptr<lane>> lanes_;
  curl_slist* headers_ = nullptr;
  std::vector<CURL*> easies_;
};

template <class Client>
void run_round(const char* name, std::vector<Client>& clients, const options& o, int round,
               const std::string& body) {
  const std::int64_t t0 = (wall_ns() / ns_per_s + 2 + o.stage_lead_ms / 1000) * ns_per_s;
  const int per = o.requests / o.threads;
  std::vector<std::vector<std::int64_t>> done(clients.size());
  std::vector<double> cpu(clients.size());
  long connects = 0;
  std::vector<std::thread> ts;
  for (std::size_t t = 0; t < clients.size(); ++t)
    ts.emplace_back([&, t] {
      const double c0 = thread_cpu_us();
      done[t] = clients[t].round(static_cast<int>(t) * per, per, t0, body);
      cpu[t] = thread_cpu_us() - c0;
    });
  for (auto& t : ts) t.join();
  std::vector<std::int64_t> all;
  double cpu_us = 0;
  for (std::size_t t = 0; t < clients.size(); ++t) {
    all.insert(all.end(), done[t].begin(), done[t].end());
    cpu_us += cpu[t];
    connects += clients[t].take_connects();
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return static_cast<double>(all[static_cast<std::size_t>(p * static_cast<double>(all.size() - 1))]) / 1e6;
  };
  std::printf(
      "{\"client\":\"%s\",\"round\":%d,\"second\":%lld,\"requests\":%zu,\"connections\":%d,"
      "\"threads\":%d,\"done_ms\":{\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f},"
      "\"client_cpu_us_per_request\":%.2f,\"connects\":%ld}\n",
      name, round, static_cast<long long>(t0 / ns_per_s), all.size(), o.connections, o.threads,
      pct(0.5), pct(0.99), pct(1.0), cpu_us / static_cast<double>(all.size()), connects);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const long v = std::strtol(argv[i + 1], nullptr, 10);
    if (k == "--port") o.port = static_cast<int>(v);
    else if (k == "--requests") o.requests = static_cast<int>(v);
    else if (k == "--connections") o.connections = static_cast<int>(v);
    else if (k == "--threads") o.threads = static_cast<int>(v);
    else if (k == "--rounds") o.rounds = static_cast<int>(v);
    else if (k == "--body-bytes") o.body_bytes = static_cast<int>(v);
    else if (k == "--id-base") o.id_base = std::strtoull(argv[i + 1], nullptr, 10);
    else if (k == "--client") o.client = argv[i + 1];
    else if (k == "--cacert") o.cacert = argv[i + 1];
    else if (k == "--http2") o.http2 = static_cast<int>(v);
    else if (k == "--lanes") o.lanes = static_cast<int>(v);
    else if (k == "--stage-lead-ms") o.stage_lead_ms = static_cast<int>(v);
    else {
      std::fprintf(stderr, "http_floor: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (o.lanes < 1 || o.stage_lead_ms < 0) {
    std::fprintf(stderr, "http_floor: --lanes L >= 1 and --stage-lead-ms M >= 0 expected\n");
    return 2;
  }
  if (o.client != "raw" && o.client != "curl" && o.client != "curl-events" &&
      o.client != "curl-staged" && o.client != "both") {
    std::fprintf(stderr,
                 "http_floor: --client %s: expected raw, curl, curl-events, curl-staged or both\n",
                 o.client.c_str());
    return 2;
  }
  if (!o.cacert.empty() && (o.client == "raw" || o.client == "both")) {
    std::fprintf(stderr, "http_floor: --cacert: the raw client has no TLS; use --client curl or curl-events\n");
    return 2;
  }
  if (o.http2 < -1 || (o.http2 >= 0 && o.cacert.empty())) {
    std::fprintf(stderr, "http_floor: --http2 K: expected K >= 0 with --cacert (HTTP/2 over TLS)\n");
    return 2;
  }
  if (o.port <= 0 || o.threads < 1 || o.requests < o.threads || o.connections < o.threads) {
    std::fprintf(stderr, "usage: http_floor --port P [--requests N] [--connections C] [--threads T] [--rounds R]\n");
    return 2;
  }
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string body = body_of(o.body_bytes);
  const int per_thread = o.connections / o.threads;
  std::vector<raw_client> raw;
  std::vector<curl_client> curl, curl_events, curl_staged;
  const bool both = o.client == "both";
  const bool with_raw = both || o.client == "raw", with_curl = both || o.client == "curl",
             with_events = both || o.client == "curl-events",
             with_staged = both || o.client == "curl-staged";
  // libcurl keeps a pointer to its client: no reallocation after this.
  curl.reserve(static_cast<std::size_t>(o.threads));
  curl_events.reserve(static_cast<std::size_t>(o.threads));
  curl_staged.reserve(static_cast<std::size_t>(o.threads));
  for (int t = 0; t < o.threads; ++t) {
    if (with_raw) raw.emplace_back(o, per_thread);
    if (with_curl) curl.emplace_back(o, per_thread, false);
    if (with_events) curl_events.emplace_back(o, per_thread, true);
    // Driven by the socket interface: a perform call walks every transfer, and
    // staged ones wait on their connections for most of a second.
    if (with_staged) curl_staged.emplace_back(o, per_thread, true, true);
  }
  // Round 0 warms up (curl opens its connections then).
  for (int r = 0; r <= o.rounds; ++r) {
    if (with_raw) run_round("raw", raw, o, r, body);
    if (with_curl) run_round("curl", curl, o, r, body);
    if (with_events) run_round("curl-events", curl_events, o, r, body);
    if (with_staged) run_round("curl-staged", curl_staged, o, r, body);
  }
  return 0;
}
