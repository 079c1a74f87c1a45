#include "db/tenant_queries.hpp"

#include <charconv>
#include <cstdint>

#include "db/paging.hpp"
#include "db/row_values.hpp"

namespace taskhook::db {
namespace {

/// A key hash as a bytea parameter (`\x…` hex).
std::string hex_bytea(const key_hash& h) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\\x";
  for (auto b : h) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 0xf]);
  }
  return out;
}

// -- tenants --------------------------------------------------------------------

constexpr const char* insert_tenant_sql = R"sql(
WITH t AS (INSERT INTO tenants (name) VALUES ($1)
           RETURNING id, name, is_default, (extract(epoch FROM created_at) * 1000)::bigint AS ms),
     k AS (INSERT INTO api_keys (tenant_id, key_hash) SELECT id, $2::bytea FROM t)
SELECT id, name, is_default, ms FROM t)sql";

constexpr const char* ensure_admin_key_sql = R"sql(
WITH d AS (
  INSERT INTO tenants (name, is_default) VALUES ('default', true)
  ON CONFLICT (is_default) WHERE is_default DO UPDATE SET is_default = true
  RETURNING id
), revoked AS (
  UPDATE api_keys SET revoked_at = now()
  WHERE from_env AND revoked_at IS NULL AND key_hash <> $1::bytea
), k AS (
  INSERT INTO api_keys (tenant_id, key_hash, is_admin, from_env)
  SELECT id, $1::bytea, true, true FROM d
  ON CONFLICT (key_hash) DO UPDATE SET revoked_at = NULL, is_admin = true, from_env = true
)
SELECT id FROM d)sql";

/// Rows of (id, name, is_default, created_at ms, …).
tenant_info tenant_from_row(const result& r, int i) {
  tenant_info t;
  t.id = uuid::parse(r.get(i, 0)).value_or(uuid{});
  t.name = std::string(r.get(i, 1));
  t.is_default = r.get(i, 2) == "t";
  t.created_at = ms_col(r, i, 3);
  return t;
}

constexpr const char* list_tenants_sql = R"sql(
SELECT id, name, is_default, (extract(epoch FROM created_at) * 1000)::bigint, count(*) OVER ()
FROM tenants ORDER BY created_at, id LIMIT $1 OFFSET $2)sql";

/// A page past the end has no row to carry count(*) OVER ().
constexpr const char* count_tenants_sql = "SELECT count(*) FROM tenants";

// -- keys -----------------------------------------------------------------------

constexpr const char* load_keys_sql =
    "SELECT encode(key_hash, 'hex'), tenant_id, is_admin FROM api_keys "
    "WHERE revoked_at IS NULL";

api_key_entry key_from_row(const result& r, int i) {
  api_key_entry k;
  auto hex = r.get(i, 0);
  for (std::size_t b = 0; b < 32 && 2 * b + 1 < hex.size(); ++b) {
    unsigned v = 0;
    std::from_chars(hex.data() + 2 * b, hex.data() + 2 * b + 2, v, 16);
    k.hash[b] = static_cast<std::uint8_t>(v);
  }
  k.tenant = uuid::parse(r.get(i, 1)).value_or(uuid{});
  k.admin = r.get(i, 2) == "t";
  return k;
}

}  // namespace

expected<tenant_info> insert_tenant(session& s, const std::string& name, const key_hash& hash) {
  auto r = s.exec(insert_tenant_sql, {name, hex_bytea(hash)});
  if (!r) return r.get_error();
  return tenant_from_row(*r, 0);
}

expected<uuid> ensure_admin_key(session& s, const key_hash& hash) {
  auto r = s.exec(ensure_admin_key_sql, {hex_bytea(hash)});
  if (!r) return r.get_error();
  return uuid::parse(r->get(0, 0)).value_or(uuid{});
}

expected<tenant_page> list_tenants(session& s, int page, int limit) {
  auto r = s.exec(list_tenants_sql,
                  {std::to_string(limit), std::to_string(offset_of(page, limit))});
  if (!r) return r.get_error();
  tenant_page out;
  for (int i = 0; i < r->rows(); ++i) {
    out.items.push_back(tenant_from_row(*r, i));
    out.total = parse_int(r->get(i, 4));
  }
  if (r->rows() == 0) {
    auto c = s.exec(count_tenants_sql);
    if (!c) return c.get_error();
    out.total = parse_int(c->get(0, 0));
  }
  return out;
}

expected<std::vector<api_key_entry>> load_keys(session& s) {
  auto r = s.exec(load_keys_sql);
  if (!r) return r.get_error();
  std::vector<api_key_entry> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back(key_from_row(*r, i));
  return out;
}

}  // namespace taskhook::db
