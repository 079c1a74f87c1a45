#pragma once
/// Discord webhook URLs: validation, where a send goes, and the masked form
/// shown in responses and logs (the token is a secret).

#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace taskhook {

/// A Discord webhook URL taken apart.
struct webhook_target {
  std::string id;     ///< numeric webhook id; not secret
  std::string token;  ///< the secret
  std::string path;   ///< `/api/webhooks/{id}/{token}` (`/api/v10/webhooks/...` kept as given)
};

/// Accepts `https://discord.com/api/webhooks/{id}/{token}`, also discordapp.com and
/// the ptb. and canary. hosts, with an optional API version (`/api/v10/webhooks/…`).
/// https only; no query, fragment, user info or port. The error says what was expected.
expected<webhook_target> parse_webhook_url(std::string_view url);

/// Where a send goes: `base` (DISCORD_API_BASE) + path + `?wait=true`.
std::string delivery_url(std::string_view base, const webhook_target& t);

/// The URL with its token replaced by `****`; safe for logs and responses.
/// Anything that does not parse is masked after its last slash.
std::string mask_webhook_url(std::string_view url);

}  // namespace taskhook
