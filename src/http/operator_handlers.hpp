#pragma once
/// Internal to src/http: the handlers add_operator_routes (operator_routes.cpp)
/// registers, each in the file of its own subject.

#include "http/api.hpp"

namespace taskhook::http {

/// GET /metrics: Prometheus text (metrics_endpoint.cpp).
void metrics_route(api& a, const request_context&, const Pistache::Rest::Request&, reply& rw);

/// GET /api/admin/actors: the admin snapshot of the actors (admin_snapshot.cpp).
void admin_actors_route(api& a, const request_context& ctx, const Pistache::Rest::Request&,
                        reply& rw);

// Pages served from the binary (static_files.cpp).
/// GET /api/docs: the Swagger UI page.
void docs_index(api&, const request_context&, const Pistache::Rest::Request& req, reply& rw);
/// GET /api/docs/:file: the OpenAPI document and Swagger UI's files.
void docs_file(api&, const request_context&, const Pistache::Rest::Request& req, reply& rw);
/// GET /dashboard: the dashboard page.
void dashboard_index(api&, const request_context&, const Pistache::Rest::Request& req, reply& rw);
/// GET /dashboard/:file: the dashboard's files.
void dashboard_file(api&, const request_context&, const Pistache::Rest::Request& req, reply& rw);

}  // namespace taskhook::http
