#pragma once
/// How a handler talks to an actor without blocking its Pistache thread: the
/// ResponseWriter moves into a short-lived actor that sends the request and
/// completes the response when the answer (or a timeout) arrives.
/// Internal to src/http: it includes CAF and Pistache.

#include <pistache/http.h>

#include <chrono>
#include <memory>

#include "actors/protocol.hpp"
#include "http/json.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<Pistache::Http::ResponseWriter>)

namespace taskhook::http {

using writer_ptr = std::shared_ptr<Pistache::Http::ResponseWriter>;

/// How long a handler waits for an actor before answering 503.
inline constexpr std::chrono::seconds actor_timeout{5};

inline void send_json(Pistache::Http::ResponseWriter& w, Pistache::Http::Code code,
                      const std::string& body) {
  w.send(code, body, MIME(Application, Json));
}

/// Answers the error an actor replied with: no such task → 404, database or
/// timeout → 503 (server.cpp).
void send_actor_error(Pistache::Http::ResponseWriter& w, const caf::error& err);

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

/// Sends `msg...` to `target`; `on_reply(writer, reply)` answers the client with
/// the actor's `Reply`. An error from the actor answers as send_actor_error says.
template <class Reply, class Target, class OnReply, class... Ts>
void ask(caf::actor_system& sys, const Target& target, Pistache::Http::ResponseWriter rw,
         std::chrono::milliseconds timeout, OnReply on_reply, Ts... msg) {
  auto w = std::make_shared<Pistache::Http::ResponseWriter>(std::move(rw));
  sys.spawn([target, timeout, w, on_reply, msg...](caf::event_based_actor* self) {
    self->request(target, timeout, msg...)
        .then([w, on_reply](Reply& reply) { on_reply(*w, std::move(reply)); },
              [w](caf::error& err) { send_actor_error(*w, err); });
  });
}

}  // namespace taskhook::http
