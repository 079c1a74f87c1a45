#pragma once
/// How a handler talks to an actor without blocking its Pistache thread: the
/// ResponseWriter moves into a short-lived actor that sends the request and
/// completes the response when the answer (or a timeout) arrives.
/// Internal to src/http: it includes CAF and Pistache.

#include <pistache/http.h>

#include <chrono>
#include <memory>

#include "actors/guarded.hpp"
#include "actors/protocol.hpp"
#include "http/json.hpp"

#include "http/http_metrics.hpp"

namespace taskhook::http {

/// A response on its way: the Pistache writer and what /metrics counts about
/// it. Moves into whichever actor completes the request.
class reply {
 public:
  reply(Pistache::Http::ResponseWriter w, http_metrics* m, route r)
      : w_(std::move(w)), metrics_(m), route_(r), start_(std::chrono::steady_clock::now()) {}

  Pistache::Http::ResponseWriter& writer() { return w_; }
  Pistache::Http::Header::Collection& headers() { return w_.headers(); }

  void send(Pistache::Http::Code code, const std::string& body, const Pistache::Http::Mime::MediaType& type) {
    answered_ = true;
    w_.send(code, body, type);
    record(code);
  }
  void send(Pistache::Http::Code code) {
    answered_ = true;
    w_.send(code);
    record(code);
  }
  bool answered() const { return answered_; }

 private:
  void record(Pistache::Http::Code code) {
    if (metrics_)
      metrics_->record(route_, static_cast<int>(code),
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }
  Pistache::Http::ResponseWriter w_;
  http_metrics* metrics_;
  route route_;
  std::chrono::steady_clock::time_point start_;
  bool answered_ = false;
};

using writer_ptr = std::shared_ptr<reply>;

/// How long a handler waits for an actor before answering 503.
inline constexpr std::chrono::seconds actor_timeout{5};

inline void send_json(reply& w, Pistache::Http::Code code, const std::string& body) {
  w.send(code, body, MIME(Application, Json));
}

/// Answers the error an actor replied with: no such task → 404, database or
/// timeout → 503 (server.cpp).
void send_actor_error(reply& w, const caf::error& err);

/// What an exception out of an actor completing a request leaves: logs it and
/// answers 500 ("internal") unless `w` was answered already (server.cpp).
void answer_crash(reply& w, const std::string& what);

/// Spawns the short-lived actor that completes `w`: `init(self)` sends its
/// requests. An exception in it or in a continuation answers 500 rather than
/// leaving the client to wait for a response that never comes.
template <class Init>
void spawn_replying(caf::actor_system& sys, const writer_ptr& w, Init init) {
  spawn_guarded(sys, [w](const std::string& what) { answer_crash(*w, what); }, std::move(init));
}

/// `Retry-After: <seconds>`; Pistache writes only typed headers.
class retry_after_header final : public Pistache::Http::Header::Header {
 public:
  NAME("Retry-After")
  retry_after_header() = default;
  explicit retry_after_header(long long seconds) : seconds_(seconds) {}
  void write(std::ostream& os) const override { os << seconds_; }

 private:
  long long seconds_ = 0;
};

/// `ETag: "<hash prefix>"` for the files served from the binary.
class etag_header final : public Pistache::Http::Header::Header {
 public:
  NAME("ETag")
  etag_header() = default;
  explicit etag_header(std::string tag) : tag_(std::move(tag)) {}
  void write(std::ostream& os) const override { os << tag_; }

 private:
  std::string tag_;
};

/// Sends `msg...` to `target`; `on_reply(writer, reply)` answers the client with
/// the actor's `Reply`. An error from the actor answers as send_actor_error says.
template <class Reply, class Target, class OnReply, class... Ts>
void ask(caf::actor_system& sys, const Target& target, reply&& rw,
         std::chrono::milliseconds timeout, OnReply on_reply, Ts... msg) {
  auto w = std::make_shared<reply>(std::move(rw));
  spawn_replying(sys, w, [target, timeout, w, on_reply, msg...](caf::event_based_actor* self) {
    self->request(target, timeout, msg...)
        .then([w, on_reply](Reply& reply) { on_reply(*w, std::move(reply)); },
              [w](caf::error& err) { send_actor_error(*w, err); });
  });
}

}  // namespace taskhook::http
