#include "http/http_metrics.hpp"

namespace taskhook::http {

std::string_view route_label(route r) {
  switch (r) {
    case route::health: return "GET /health";
    case route::metrics: return "GET /metrics";
    case route::docs: return "GET /api/docs";
    case route::dashboard: return "GET /dashboard";
    case route::tasks_create: return "POST /api/tasks";
    case route::tasks_list: return "GET /api/tasks";
    case route::task_get: return "GET /api/tasks/:id";
    case route::task_patch: return "PATCH /api/tasks/:id";
    case route::task_delete: return "DELETE /api/tasks/:id";
    case route::task_toggle: return "POST /api/tasks/:id/toggle";
    case route::task_run: return "POST /api/tasks/:id/run";
    case route::task_logs: return "GET /api/tasks/:id/logs";
    case route::logs: return "GET /api/logs";
    case route::stats: return "GET /api/dashboard/stats";
    case route::cron_preview: return "GET /api/cron/preview";
    case route::tenants_create: return "POST /api/tenants";
    case route::tenants_list: return "GET /api/tenants";
    case route::admin_actors: return "GET /api/admin/actors";
    case route::admin_cluster: return "GET /api/admin/cluster";
    case route::not_found: return "unmatched";
    case route::count_: break;
  }
  return "unknown";
}

}  // namespace taskhook::http
