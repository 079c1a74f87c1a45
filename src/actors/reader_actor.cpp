#include "actors/reader_actor.hpp"

namespace taskhook {
namespace {

caf::error failed(const std::string& message) {
  return make_error(actor_error::database, message);
}

template <class T>
caf::result<T> value_or_error(expected<T> r) {
  if (!r) return failed(r.error_message());
  return std::move(*r);
}

reader_actor_type::behavior_type reader(reader_actor_type::pointer, std::shared_ptr<catalog> cat) {
  return {
      [cat](ping_atom) -> bool { return cat->ping(); },
      [cat](list_atom, const task_query& q) -> caf::result<task_page> {
        return value_or_error(cat->list_tasks(q));
      },
      [cat](detail_atom, const uuid& tenant, const uuid& id) -> caf::result<task_detail> {
        auto r = cat->get_task(tenant, id);
        if (!r) return failed(r.error_message());
        if (!*r) return make_error(actor_error::no_such_task);
        return std::move(**r);
      },
      [cat](logs_atom, const log_query& q) -> caf::result<log_page> {
        return value_or_error(cat->list_logs(q));
      },
      [cat](stats_atom, const uuid& tenant, instant now) -> caf::result<dashboard_stats> {
        return value_or_error(cat->stats(tenant, now));
      },
      [cat](tenants_atom, int page, int limit) -> caf::result<tenant_page> {
        return value_or_error(cat->list_tenants(page, limit));
      },
      [cat](keys_atom) -> caf::result<std::vector<api_key_entry>> {
        return value_or_error(cat->load_keys());
      },
      [cat](rank_atom, instant since, int n) -> caf::result<task_rankings> {
        return value_or_error(cat->rank_tasks(since, n));
      },
  };
}

}  // namespace

reader_actor_type spawn_reader(caf::actor_system& sys, std::shared_ptr<catalog> cat,
                               bool detached) {
  if (detached) return sys.spawn<caf::detached>(reader, std::move(cat));
  return sys.spawn(reader, std::move(cat));
}

}  // namespace taskhook
