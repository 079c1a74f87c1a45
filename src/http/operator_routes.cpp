// What operators look at: Prometheus metrics, the admin snapshot of the actors,
// and the pages served from the binary (Swagger UI, the dashboard). The
// handlers live in files of their own (operator_handlers.hpp).
#include "http/api.hpp"
#include "http/operator_handlers.hpp"

namespace taskhook::http {

using namespace Pistache;

void add_operator_routes(Rest::Router& router, api& a) {
  using namespace Rest::Routes;
  route_opts open{};
  open.public_route = true;
  route_opts metrics_opts{};
  metrics_opts.public_route = a.cfg.metrics_public;
  route_opts admin{};
  admin.admin = true;
  Get(router, "/metrics", wrap(a, route::metrics, metrics_opts, metrics_route));
  Get(router, "/api/admin/actors", wrap(a, route::admin_actors, admin, admin_actors_route));
  Get(router, "/api/docs", wrap(a, route::docs, open, docs_index));
  Get(router, "/api/docs/:file", wrap(a, route::docs, open, docs_file));
  Get(router, "/dashboard", wrap(a, route::dashboard, open, dashboard_index));
  Get(router, "/dashboard/:file", wrap(a, route::dashboard, open, dashboard_file));
}

}  // namespace taskhook::http
