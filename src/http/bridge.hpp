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

/// Sends `msg...` to `target`; `on_reply(writer, reply)` answers the client with
/// the actor's `Reply`. A timeout or an error from the actor answers 503.
template <class Reply, class Target, class OnReply, class... Ts>
void ask(caf::actor_system& sys, const Target& target, Pistache::Http::ResponseWriter rw,
         std::chrono::milliseconds timeout, OnReply on_reply, Ts... msg) {
  auto w = std::make_shared<Pistache::Http::ResponseWriter>(std::move(rw));
  sys.spawn([target, timeout, w, on_reply, msg...](caf::event_based_actor* self) {
    self->request(target, timeout, msg...)
        .then([w, on_reply](Reply& reply) { on_reply(*w, std::move(reply)); },
              [w](caf::error& err) {
                send_json(*w, Pistache::Http::Code::Service_Unavailable,
                          error_body("unavailable",
                                     err == caf::sec::request_timeout
                                         ? "the service did not answer in time"
                                         : "the service is unavailable"));
              });
  });
}

}  // namespace taskhook::http
