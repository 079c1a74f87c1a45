#pragma once
/// Internal to src/http: what every route handler can reach, and the helpers
/// that answer. Includes CAF and Pistache; only src/http/*.cpp include it.

#include <pistache/http.h>
#include <pistache/router.h>

#include <chrono>
#include <memory>
#include <string>

#include "actors/metrics.hpp"
#include "actors/protocol.hpp"
#include "actors/reader_actor.hpp"
#include "actors/task_supervisor.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/ports/delivery_sink.hpp"
#include "http/auth.hpp"
#include "http/bridge.hpp"
#include "http/codec.hpp"
#include "http/read_cache.hpp"
#include "http/server.hpp"

namespace taskhook::http {

/// Who is asking and when.
struct request_context {
  principal who;
  instant now{};
};

/// Everything the handlers share; one per server.
struct api {
  config cfg;
  caf::actor_system& sys;
  db_actor_type db;
  task_changes_type changes;  ///< every change to a task goes here
  const task_router& tasks;
  const reader_pool& readers;
  runtime_metrics& metrics;
  const delivery_sink& sink;
  key_table& keys;
  rate_limiter& limiter;
  http_metrics& http;
  read_cache& cache;
  const wall_clock& clock;
  node_info node;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

/// Answers an error with the API's error body.
void send_error(reply& w, Pistache::Http::Code code,
                std::string_view error_code, std::string_view message,
                const std::vector<field_error>& details = {});

struct route_opts {
  bool admin = false;         ///< admin key only (403 otherwise)
  bool json_body = false;     ///< the body is JSON: 413 / 415 checks apply
  bool public_route = false;  ///< no key, no rate limit
};

using handler_fn = void (*)(api&, const request_context&, const Pistache::Rest::Request&, reply&);

/// A Pistache handler for `fn`: key and rate limit (unless public), admin
/// check, body checks, and a catch-all that answers 500 instead of crashing.
Pistache::Rest::Route::Handler wrap(api& a, route id, route_opts opts, handler_fn fn);

/// Registers every /api route (routes.cpp).
void add_api_routes(Pistache::Rest::Router& router, api& a);

/// Registers /api/admin/cluster (cluster_routes.cpp).
void add_cluster_routes(Pistache::Rest::Router& router, api& a);

/// Registers /metrics, /api/admin/actors, /api/docs and /dashboard (operator_routes.cpp).
void add_operator_routes(Pistache::Rest::Router& router, api& a);

}  // namespace taskhook::http
