#pragma once
/// The SSRF guard's address test: which connect targets a webhook send may not
/// reach (loopback, private, link-local incl. cloud metadata, CGNAT, multicast,
/// ...), including IPv6 forms that embed such an IPv4 address.

struct sockaddr;

namespace taskhook::webhook {

/// True when a send must not connect to `addr`. Families other than IPv4 and
/// IPv6 are refused too: a webhook never has a reason to reach them.
bool is_forbidden_address(const sockaddr* addr);

}  // namespace taskhook::webhook
