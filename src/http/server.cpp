#include "http/server.hpp"

#include <pistache/endpoint.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "http/api.hpp"
#include "http/json.hpp"

namespace taskhook::http {

using namespace Pistache;

namespace {

/// Pistache's own limit counts the whole request and answers past it with a
/// plain-text 413. Ours (MAX_BODY_BYTES, JSON error body) must come first for
/// any body a real client sends, so the transport buffer allows four times the
/// body plus room for headers; only larger requests meet Pistache's answer.
std::size_t transport_limit(std::size_t max_body) { return 4 * max_body + 80 * 1024; }

constexpr std::chrono::milliseconds health_timeout{2000};

/// How long a GET /api/tasks/:id body may be served from memory. Changes through
/// the API evict at once; this bounds how late a new attempt row shows there.
constexpr std::chrono::milliseconds task_read_ttl{1000};

}  // namespace

void send_error(reply& w, Http::Code code, std::string_view error_code,
                std::string_view message, const std::vector<field_error>& details) {
  send_json(w, code, http::error_body(error_code, message, details));
}

void send_actor_error(reply& w, const caf::error& err) {
  if (auto e = our_error(err)) {
    switch (*e) {
      case actor_error::no_such_task:
        send_error(w, Http::Code::Not_Found, "not_found", "no such task");
        return;
      case actor_error::not_active:
        send_error(w, Http::Code::Conflict, "conflict",
                   "the task is " + error_context(err) + "; only ACTIVE tasks run (toggle it first)");
        return;
      case actor_error::draining:
        send_error(w, Http::Code::Service_Unavailable, "unavailable", "the service is stopping");
        return;
      case actor_error::database:
        if (auto log = spdlog::get("http")) log->warn("database error: {}", error_context(err));
        send_error(w, Http::Code::Service_Unavailable, "unavailable",
                   "the database is unavailable; try again");
        return;
    }
  }
  send_error(w, Http::Code::Service_Unavailable, "unavailable",
             err == caf::sec::request_timeout ? "the service did not answer in time"
                                              : "the service is unavailable");
}

void answer_crash(reply& w, const std::string& what) {
  if (auto log = spdlog::get("http")) log->error("request failed in an actor: {}", what);
  if (!w.answered()) send_error(w, Http::Code::Internal_Server_Error, "internal", "internal error");
}

struct server::impl {
  impl(const config& c, server_deps d)
      : limiter(c.rate_limit_per_min),
        cache(task_read_ttl),
        a{c,    d.sys,   d.db, d.changes, d.router, d.readers,          d.metrics,
          d.sink, keys, limiter, http, cache, system_wall_clock(), d.node} {}

  key_table keys;
  rate_limiter limiter;
  read_cache cache;
  http_metrics http;
  api a;
  std::unique_ptr<Http::Endpoint> endpoint;
  Rest::Router router;

  void health(const Rest::Request&, Http::ResponseWriter writer) {
    reply rw(std::move(writer), &http, route::health);
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::steady_clock::now() - a.started)
                      .count();
    std::string node = R"({"id":")" + a.node.id.str() + R"(","name":)";
    append_json_string(node, a.node.name);
    node += R"(,"partitions":)";
    node += std::to_string(
        a.node.leases ? a.node.leases->held_at(std::chrono::steady_clock::now()).count() : 0);
    node += "}";
    auto body = [uptime, node](bool db_ok) {
      std::string out = R"({"status":")";
      out += db_ok ? "ok" : "degraded";
      out += R"(","database":")";
      out += db_ok ? "ok" : "unreachable";
      out += R"(","version":")" TASKHOOK_VERSION R"(","uptimeSeconds":)";
      out += std::to_string(uptime);
      out += R"(,"node":)";
      out += node;
      out += "}";
      return out;
    };
    rw.headers().add<Http::Header::CacheControl>(Http::CacheDirective::NoCache);
    ask<bool>(
        a.sys, a.readers.next(), std::move(rw), health_timeout,
        [body](reply& w, bool db_ok) {
          send_json(w, db_ok ? Http::Code::Ok : Http::Code::Service_Unavailable, body(db_ok));
        },
        ping_atom::value);
  }

  void not_found(const Rest::Request& req, Http::ResponseWriter writer) {
    reply rw(std::move(writer), &http, route::not_found);
    send_error(rw, Http::Code::Not_Found, "not_found", "no route for " + req.resource());
  }

  void routes() {
    Rest::Routes::Get(router, "/health", Rest::Routes::bind(&impl::health, this));
    add_api_routes(router, a);
    add_operator_routes(router, a);
    add_cluster_routes(router, a);
    router.addNotFoundHandler(Rest::Routes::bind(&impl::not_found, this));
  }
};

server::server(const config& cfg, server_deps deps)
    : impl_(std::make_unique<impl>(cfg, deps)) {}

server::~server() { stop(); }

key_table& server::keys() { return impl_->keys; }

void server::start() {
  auto& i = *impl_;
  Address addr(i.a.cfg.host, Port(i.a.cfg.port));
  i.endpoint = std::make_unique<Http::Endpoint>(addr);
  auto opts = Http::Endpoint::options()
                  .threads(i.a.cfg.http_threads)
                  .flags(Tcp::Options::ReuseAddr)
                  .maxRequestSize(transport_limit(i.a.cfg.max_body_bytes));
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
                         : impl_->a.cfg.port;
}

}  // namespace taskhook::http
