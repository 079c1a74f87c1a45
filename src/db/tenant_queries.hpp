#pragma once
/// Tenants and their API keys (stored only as hashes).

#include <string>
#include <vector>

#include "core/expected.hpp"
#include "core/read_models.hpp"
#include "db/session.hpp"

namespace taskhook::db {

/// A tenant with one API key (stored as its hash).
expected<tenant_info> insert_tenant(session& s, const std::string& name, const key_hash& hash);

/// The default tenant exists and `hash` (the API_KEY variable) is its admin
/// key; a previous API_KEY's key is revoked. Returns the default tenant's id.
expected<uuid> ensure_admin_key(session& s, const key_hash& hash);

expected<tenant_page> list_tenants(session& s, int page, int limit);

/// Every key not revoked, for the auth layer's table.
expected<std::vector<api_key_entry>> load_keys(session& s);

}  // namespace taskhook::db
