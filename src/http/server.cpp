#include "http/server.hpp"

#include <pistache/endpoint.h>
#include <pistache/router.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

#include "actors/protocol.hpp"
#include "http/bridge.hpp"
#include "http/json.hpp"

namespace taskhook::http {

using namespace Pistache;

namespace {

/// Room for the request line and headers on top of MAX_BODY_BYTES: Pistache's
/// limit counts the whole request.
constexpr std::size_t header_allowance = 16 * 1024;

constexpr std::chrono::milliseconds health_timeout{2000};

}  // namespace

struct server::impl {
  impl(const config& c, server_deps d)
      : cfg(c),
        sys(d.sys),
        db(d.db),
        tasks(d.router),
        metrics(d.metrics),
        started(std::chrono::steady_clock::now()) {}

  config cfg;
  caf::actor_system& sys;
  db_actor_type db;
  const task_router& tasks;
  runtime_metrics& metrics;
  std::chrono::steady_clock::time_point started;
  std::unique_ptr<Http::Endpoint> endpoint;
  Rest::Router router;

  void health(const Rest::Request&, Http::ResponseWriter rw) {
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
    auto body = [uptime](bool db_ok) {
      std::string out = R"({"status":")";
      out += db_ok ? "ok" : "degraded";
      out += R"(","database":")";
      out += db_ok ? "ok" : "unreachable";
      out += R"(","version":")" TASKHOOK_VERSION R"(","uptimeSeconds":)";
      out += std::to_string(uptime);
      out += "}";
      return out;
    };
    rw.headers().add<Http::Header::CacheControl>(Http::CacheDirective::NoCache);
    ask<bool>(
        sys, db, std::move(rw), health_timeout,
        [body](Http::ResponseWriter& w, bool db_ok) {
          send_json(w, db_ok ? Http::Code::Ok : Http::Code::Service_Unavailable, body(db_ok));
        },
        ping_atom::value);
  }

  void not_found(const Rest::Request& req, Http::ResponseWriter rw) {
    send_json(rw, Http::Code::Not_Found,
              error_body("not_found", "no route for " + req.resource()));
  }

  void routes() {
    Rest::Routes::Get(router, "/health", Rest::Routes::bind(&impl::health, this));
    router.addNotFoundHandler(Rest::Routes::bind(&impl::not_found, this));
  }
};

server::server(const config& cfg, server_deps deps)
    : impl_(std::make_unique<impl>(cfg, deps)) {}

server::~server() { stop(); }

void server::start() {
  auto& i = *impl_;
  Address addr(i.cfg.host, Port(i.cfg.port));
  i.endpoint = std::make_unique<Http::Endpoint>(addr);
  auto opts = Http::Endpoint::options()
                  .threads(i.cfg.http_threads)
                  .flags(Tcp::Options::ReuseAddr)
                  .maxRequestSize(i.cfg.max_body_bytes + header_allowance);
  i.endpoint->init(opts);
  i.routes();
  i.endpoint->setHandler(i.router.handler());
  i.endpoint->serveThreaded();
}

void server::stop() {
  if (impl_ && impl_->endpoint) {
    impl_->endpoint->shutdown();
    impl_->endpoint.reset();
  }
}

std::uint16_t server::port() const {
  return impl_->endpoint ? static_cast<std::uint16_t>(impl_->endpoint->getPort())
                         : impl_->cfg.port;
}

}  // namespace taskhook::http
