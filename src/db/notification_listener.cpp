#include "db/notification_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <set>

#include "db/connection.hpp"

namespace taskhook::db {
namespace {

/// How often the thread looks up from waiting (to see stop()).
constexpr int poll_ms = 200;
constexpr std::chrono::milliseconds max_backoff{2000};

}  // namespace

notification_listener::notification_listener(std::string conninfo,
                                             std::vector<std::string> channels,
                                             callback on_notify)
    : conninfo_(std::move(conninfo)),
      channels_(std::move(channels)),
      on_notify_(std::move(on_notify)) {}

notification_listener::~notification_listener() { stop(); }

void notification_listener::start() { thread_ = std::thread([this] { run(); }); }

void notification_listener::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void notification_listener::run() {
  auto log = spdlog::get("db");
  std::chrono::milliseconds backoff{100};
  while (!stopping_) {
    auto conn = connection::open(conninfo_);
    bool listening = conn.has_value();
    if (listening)
      for (const auto& ch : channels_)
        listening = listening && conn->exec("LISTEN " + ch).has_value();
    if (!listening) {
      if (log) log->warn("listener: cannot listen yet ({}), retrying",
                         conn ? "LISTEN failed" : conn.error_message());
      for (auto waited = std::chrono::milliseconds{0}; waited < backoff && !stopping_;
           waited += std::chrono::milliseconds{poll_ms})
        std::this_thread::sleep_for(std::chrono::milliseconds{poll_ms});
      backoff = std::min(backoff * 2, max_backoff);
      continue;
    }
    backoff = std::chrono::milliseconds{100};
    // Whatever was announced while not listening is lost: read it all again.
    for (const auto& ch : channels_) on_notify_(ch);
    PGconn* pg = conn->native();
    while (!stopping_) {
      pollfd pfd{PQsocket(pg), POLLIN, 0};
      int ready = ::poll(&pfd, 1, poll_ms);
      if (ready < 0) continue;  // EINTR
      if (ready == 0) continue;
      if (PQconsumeInput(pg) == 0 || PQstatus(pg) != CONNECTION_OK) {
        if (log) log->warn("listener: connection lost, reconnecting");
        break;
      }
      std::set<std::string> heard;
      while (PGnotify* n = PQnotifies(pg)) {
        heard.insert(n->relname);
        PQfreemem(n);
      }
      for (const auto& ch : heard) on_notify_(ch);
    }
  }
}

}  // namespace taskhook::db
