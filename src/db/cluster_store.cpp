#include "db/cluster_store.hpp"

#include <charconv>

#include "db/pg_array.hpp"
#include "db/task_rows.hpp"

namespace taskhook::db {
namespace {

constexpr const char* register_node_sql = R"sql(
INSERT INTO cluster_nodes (id, name) VALUES ($1, $2)
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, heartbeat_at = now()
)sql";

/// The heartbeat, the renewal of exactly the partitions the node still trusts,
/// the live count, and the clean-up of nodes gone for ten leases, in one round
/// trip. A node whose row vanished (cleaned up while it was stopped) is back.
constexpr const char* renew_sql = R"sql(
WITH hb AS (
  INSERT INTO cluster_nodes (id, name) VALUES ($1, '')
  ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()
  RETURNING 1
), gone AS (
  DELETE FROM cluster_nodes
  WHERE heartbeat_at < now() - 10 * $2::bigint * interval '1 millisecond' AND id <> $1
  RETURNING 1
), ren AS (
  UPDATE partition_leases SET expires_at = now() + $2::bigint * interval '1 millisecond'
  WHERE owner = $1 AND partition = ANY($3::smallint[])
  RETURNING partition, epoch
)
SELECT (SELECT count(*) FROM cluster_nodes
        WHERE id <> $1 AND heartbeat_at > now() - $2::bigint * interval '1 millisecond') + 1,
       (SELECT count(*) FROM hb) + (SELECT count(*) FROM gone),
       partition, epoch
FROM (SELECT NULL::smallint AS partition, NULL::bigint AS epoch
      UNION ALL SELECT partition, epoch FROM ren) AS r
)sql";

/// Free partitions first (a handover's), then expired ones, then this node's
/// own that it no longer trusts; SKIP LOCKED lets two claiming nodes split
/// them instead of queueing behind each other.
constexpr const char* claim_sql = R"sql(
WITH c AS (
  SELECT partition, owner AS prev FROM partition_leases
  WHERE owner IS NULL OR expires_at < now()
     OR (owner = $1 AND NOT (partition = ANY($3::smallint[])))
  ORDER BY owner IS NULL DESC, partition
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)
UPDATE partition_leases p
SET owner = $1, epoch = p.epoch + 1, claimed_at = now(),
    expires_at = now() + $4::bigint * interval '1 millisecond'
FROM c WHERE p.partition = c.partition
RETURNING p.partition, p.epoch, c.prev
)sql";

constexpr const char* release_sql = R"sql(
WITH r AS (
  UPDATE partition_leases SET owner = NULL, expires_at = NULL
  WHERE owner = $1 AND partition = ANY($2::smallint[])
  RETURNING 1
)
SELECT count(*), pg_notify('taskhook_leases', '') FROM r
)sql";

constexpr const char* leave_sql = "DELETE FROM cluster_nodes WHERE id = $1";

constexpr const char* load_partitions_sql =
    "SELECT {cols} FROM tasks WHERE status = 'ACTIVE' AND deleted_at IS NULL "
    "AND partition = ANY($1::smallint[]) AND id > $2 ORDER BY id LIMIT $3";

constexpr const char* last_change_seq_sql = "SELECT coalesce(max(change_seq), 0) FROM tasks";

constexpr const char* changes_after_sql =
    "SELECT {cols}, deleted_at IS NOT NULL, change_seq FROM tasks WHERE change_seq > $1 "
    "ORDER BY change_seq LIMIT $2";

constexpr const char* request_run_sql =
    "INSERT INTO run_requests (task_id, tenant_id, partition, scheduled_for) "
    "VALUES ($1, $2, $3, $4)";

constexpr const char* take_run_requests_sql = R"sql(
DELETE FROM run_requests WHERE id IN (
  SELECT id FROM run_requests WHERE partition = ANY($1::smallint[])
  ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
RETURNING task_id, tenant_id, (extract(epoch FROM scheduled_for) * 1000)::bigint
)sql";

constexpr const char* nodes_sql = R"sql(
SELECT n.id, n.name, (extract(epoch FROM n.started_at) * 1000)::bigint,
       (extract(epoch FROM n.heartbeat_at) * 1000)::bigint,
       n.heartbeat_at > now() - $1::bigint * interval '1 millisecond',
       coalesce((SELECT array_agg(l.partition ORDER BY l.partition)::text
                 FROM partition_leases l WHERE l.owner = n.id AND l.expires_at > now()), '{}')
FROM cluster_nodes n ORDER BY n.started_at, n.id
)sql";

long long to_ll(std::string_view s) {
  long long v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

instant millis(std::string_view s) { return instant(std::chrono::milliseconds(to_ll(s))); }

std::string set_array(const cluster::partition_set& s) {
  return partition_array(cluster::members(s));
}

/// `{1,2,3}` → 1, 2, 3.
std::vector<int> parse_int_array(std::string_view text) {
  std::vector<int> out;
  int v = 0;
  bool in_number = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      v = v * 10 + (c - '0');
      in_number = true;
    } else if (in_number) {
      out.push_back(v);
      v = 0;
      in_number = false;
    }
  }
  return out;
}

}  // namespace

std::string partition_array(const std::vector<int>& partitions) {
  std::string out = "{";
  for (std::size_t i = 0; i < partitions.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(partitions[i]);
  }
  return out + "}";
}

expected<bool> cluster_store::register_node(const uuid& node, const std::string& name) {
  auto r = session_.exec(register_node_sql, {node.str(), name});
  if (!r) return error{r.error_message()};
  return true;
}

expected<renewal> cluster_store::renew(const uuid& node, const std::vector<held_lease>& held,
                                       std::chrono::milliseconds lease) {
  std::vector<int> partitions;
  for (const auto& h : held) partitions.push_back(h.partition);
  auto r = session_.exec(renew_sql, {node.str(), std::to_string(lease.count()),
                                     partition_array(partitions)});
  if (!r) return error{r.error_message()};
  renewal out;
  for (int i = 0; i < r->rows(); ++i) {
    out.live_nodes = static_cast<int>(to_ll(r->get(i, 0)));
    if (r->is_null(i, 2)) continue;
    out.renewed.push_back({static_cast<int>(to_ll(r->get(i, 2))), to_ll(r->get(i, 3))});
  }
  return out;
}

expected<std::vector<claimed_lease>> cluster_store::claim(const uuid& node, int count,
                                                          const cluster::partition_set& held,
                                                          std::chrono::milliseconds lease) {
  std::vector<claimed_lease> out;
  if (count <= 0) return out;
  auto r = session_.exec(claim_sql, {node.str(), std::to_string(count), set_array(held),
                                     std::to_string(lease.count())});
  if (!r) return error{r.error_message()};
  for (int i = 0; i < r->rows(); ++i) {
    claimed_lease c;
    c.partition = static_cast<int>(to_ll(r->get(i, 0)));
    c.epoch = to_ll(r->get(i, 1));
    if (!r->is_null(i, 2)) c.previous_owner = uuid::parse(r->get(i, 2));
    out.push_back(c);
  }
  return out;
}

expected<bool> cluster_store::release(const uuid& node, const std::vector<int>& partitions) {
  auto r = session_.exec(release_sql, {node.str(), partition_array(partitions)});
  if (!r) return error{r.error_message()};
  return true;
}

expected<bool> cluster_store::leave(const uuid& node) {
  auto r = session_.exec(leave_sql, {node.str()});
  if (!r) return error{r.error_message()};
  return true;
}

expected<std::vector<task_record>> cluster_store::load_partitions(
    const cluster::partition_set& partitions, const uuid& after, std::uint32_t limit) {
  static const std::string sql = with_task_columns(load_partitions_sql);
  auto r = session_.exec(sql, {set_array(partitions), after.str(), std::to_string(limit)});
  if (!r) return error{r.error_message()};
  std::vector<task_record> out;
  out.reserve(r->rows());
  for (int i = 0; i < r->rows(); ++i) out.push_back(task_from_row(*r, i));
  return out;
}

expected<std::int64_t> cluster_store::last_change_seq() {
  auto r = session_.exec(last_change_seq_sql);
  if (!r) return error{r.error_message()};
  return static_cast<std::int64_t>(to_ll(r->get(0, 0)));
}

expected<std::vector<task_change>> cluster_store::changes_after(std::int64_t seq,
                                                                std::uint32_t limit) {
  static const std::string sql = with_task_columns(changes_after_sql);
  auto r = session_.exec(sql, {std::to_string(seq), std::to_string(limit)});
  if (!r) return error{r.error_message()};
  std::vector<task_change> out;
  const int cols = r->columns();
  for (int i = 0; i < r->rows(); ++i) {
    task_change c;
    c.task = task_from_row(*r, i);
    c.deleted = r->get(i, cols - 2) == "t";
    c.seq = to_ll(r->get(i, cols - 1));
    out.push_back(std::move(c));
  }
  return out;
}

expected<bool> insert_run_request(session& s, const uuid& task, const uuid& tenant,
                                  int partition, instant scheduled_for) {
  auto r = s.exec(request_run_sql, {task.str(), tenant.str(), std::to_string(partition),
                                    format_iso_ms(scheduled_for)});
  if (!r) return error{r.error_message()};
  return true;
}

expected<bool> cluster_store::request_run(const uuid& task, const uuid& tenant, int partition,
                                          instant scheduled_for) {
  return insert_run_request(session_, task, tenant, partition, scheduled_for);
}

expected<std::vector<run_request>> cluster_store::take_run_requests(
    const cluster::partition_set& partitions, std::uint32_t limit) {
  auto r = session_.exec(take_run_requests_sql, {set_array(partitions), std::to_string(limit)});
  if (!r) return error{r.error_message()};
  std::vector<run_request> out;
  for (int i = 0; i < r->rows(); ++i)
    out.push_back({uuid::parse(r->get(i, 0)).value_or(uuid{}),
                   uuid::parse(r->get(i, 1)).value_or(uuid{}), millis(r->get(i, 2))});
  return out;
}

expected<std::vector<node_view>> cluster_store::nodes(std::chrono::milliseconds lease) {
  auto r = session_.exec(nodes_sql, {std::to_string(lease.count())});
  if (!r) return error{r.error_message()};
  std::vector<node_view> out;
  for (int i = 0; i < r->rows(); ++i) {
    node_view n;
    n.id = uuid::parse(r->get(i, 0)).value_or(uuid{});
    n.name = std::string(r->get(i, 1));
    n.started_at = millis(r->get(i, 2));
    n.heartbeat_at = millis(r->get(i, 3));
    n.live = r->get(i, 4) == "t";
    n.partitions = parse_int_array(r->get(i, 5));
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace taskhook::db
