// GET /api/admin/cluster: the nodes on this database and the partitions each
// holds, asked of the lease actor (which reads them on its own connection).
#include "actors/lease_actor.hpp"
#include "http/api.hpp"

namespace taskhook::http {
namespace {

using namespace Pistache;

void admin_cluster(api& a, const request_context&, const Rest::Request&, reply& rw) {
  ask<std::vector<node_view>>(
      a.sys, a.node.lease_actor, std::move(rw), actor_timeout,
      [&a](reply& w, std::vector<node_view> nodes) {
        send_json(w, Http::Code::Ok, cluster_json(nodes, a.node.id, a.node.lease));
      },
      cluster_atom::value);
}

}  // namespace

void add_cluster_routes(Rest::Router& router, api& a) {
  route_opts admin{};
  admin.admin = true;
  Rest::Routes::Get(router, "/api/admin/cluster",
                    wrap(a, route::admin_cluster, admin, admin_cluster));
}

}  // namespace taskhook::http
