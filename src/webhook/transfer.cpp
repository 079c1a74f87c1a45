#include "webhook/transfer.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>

#include "webhook/address_guard.hpp"

namespace taskhook::webhook {
namespace {

using std::chrono::milliseconds;

/// Connecting is a small part of one attempt; a silent SYN must not eat it all.
constexpr milliseconds max_connect_timeout{5000};

void replace_all(std::string& s, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size()))
    s.replace(at, what.size(), with);
}

/// The URL's path holds the webhook token: it must not reach a log or a row,
/// even if some curl message quotes it.
void scrub_url(std::string& text, std::string_view url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (slash == std::string_view::npos) return;
  replace_all(text, url.substr(slash), "/****");
  auto path = url.substr(slash, url.find('?', slash) - slash);
  auto last = path.substr(path.rfind('/') + 1);
  if (last.size() >= 8) replace_all(text, last, "****");
}

}  // namespace

transfer::transfer(const transfer_settings& s)
    : max_bytes_(s.max_response_bytes), allow_private_(s.allow_private_targets), clock_(s.clock) {}

transfer::~transfer() {
  if (easy_ != nullptr) curl_easy_cleanup(easy_);
  if (own_headers_ != nullptr) curl_slist_free_all(own_headers_);
}

std::unique_ptr<transfer> transfer::create(const transfer_settings& s) {
  std::unique_ptr<transfer> t(new transfer(s));
  CURL* e = t->easy_ = curl_easy_init();
  if (e == nullptr) return nullptr;
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(s.timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(s.timeout, max_connect_timeout).count()));
  // A redirect would be a second, unchecked request; Discord never redirects a send.
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(e, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  // A proxy from the environment would make the guard check the proxy's
  // address instead of the target's.
  curl_easy_setopt(e, CURLOPT_PROXY, "");
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 15L);
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, s.headers);
  t->shared_headers_ = s.headers;
  curl_easy_setopt(e, CURLOPT_USERAGENT, s.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_SHARE, s.share);
  if (!s.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, s.ca_file.c_str());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf_);
  // Refuses an announced Content-Length over the cap before any body arrives.
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(s.max_response_bytes));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &transfer::on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &transfer::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &transfer::on_open_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
  return t;
}

bool transfer::begin(rate_pacer::release r, steady::time_point now) {
  req_ = std::move(r.req);
  paced_for_ = r.paced_for;
  probe_ = r.probe;
  blocked_ = too_large_ = false;
  blocked_address_[0] = '\0';
  errbuf_[0] = '\0';
  body_.clear();
  limits_ = {};
  result_ = {};
  result_.correlation = req_.correlation;
  result_.started = clock_->now();
  t0_ = now;

  set_identity_headers();
  const std::string_view body = req_.body.view();
  curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, body.empty() ? "" : body.data());
  return curl_easy_setopt(easy_, CURLOPT_URL, req_.url.c_str()) == CURLE_OK;
}

void transfer::set_identity_headers() {
  if (own_headers_ != nullptr) {
    curl_slist_free_all(own_headers_);
    own_headers_ = nullptr;
  }
  if (!req_.identity) {
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, shared_headers_);
    return;
  }
  const auto& id = *req_.identity;
  auto add = [this](const std::string& line) {
    if (auto* l = curl_slist_append(own_headers_, line.c_str())) own_headers_ = l;
  };
  add("X-Taskhook-Task-Id: " + id.task_id.str());
  add("X-Taskhook-Scheduled-For: " + format_iso_ms(id.scheduled_for));
  add("X-Taskhook-Attempt: " + std::to_string(id.attempt));
  add("X-Taskhook-Trigger: " + std::string(to_string(id.trigger)));
  for (auto* h = shared_headers_; h != nullptr; h = h->next) add(h->data);
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, own_headers_);
}

delivery_result transfer::finish(CURLcode code, steady::time_point now) {
  delivery_result res = std::move(result_);
  res.duration = std::chrono::duration_cast<milliseconds>(now - t0_);
  res.paced_for = paced_for_;
  res.retry_after_header = limits_.retry_after;
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  if (code == CURLE_OK || (status >= 200 && status < 300)) {
    // A 2xx already in wins over a failure reading the rest of the answer (a
    // cut connection, a body over the cap): the server took the request, and a
    // retry would post the message twice.
    res.http_status = static_cast<int>(status);
    if (code == CURLE_OK) res.body = std::move(body_);
  } else {
    res.error = classify(code);
    res.error_text = describe(code, res.error);
  }
  return res;
}

delivery_result transfer::abort(const char* why, steady::time_point now) {
  delivery_result res = std::move(result_);
  res.duration = std::chrono::duration_cast<milliseconds>(now - t0_);
  res.paced_for = paced_for_;
  res.error = transport_error::other;
  res.error_text = why;
  return res;
}

transfer::wire_use transfer::wire() const {
  wire_use w;
  curl_easy_getinfo(easy_, CURLINFO_NUM_CONNECTS, &w.connections_opened);
  long version = 0;
  curl_easy_getinfo(easy_, CURLINFO_HTTP_VERSION, &version);
  switch (version) {
    case CURL_HTTP_VERSION_1_0:
    case CURL_HTTP_VERSION_1_1: w.http_major = 1; break;
    case CURL_HTTP_VERSION_2_0: w.http_major = 2; break;
    case CURL_HTTP_VERSION_3: w.http_major = 3; break;
    default: w.http_major = 0; break;
  }
  return w;
}

void transfer::note_error(const char* text) { std::snprintf(errbuf_, sizeof errbuf_, "%s", text); }

std::size_t transfer::on_body(char* data, std::size_t size, std::size_t n, void* self) {
  auto* t = static_cast<transfer*>(self);
  std::size_t len = size * n;
  if (t->body_.size() + len > t->max_bytes_) {
    t->too_large_ = true;
    return 0;  // a short write makes curl stop with CURLE_WRITE_ERROR
  }
  t->body_.append(data, len);
  return len;
}

std::size_t transfer::on_header(char* data, std::size_t size, std::size_t n, void* self) {
  auto* t = static_cast<transfer*>(self);
  std::size_t len = size * n;
  parse_header_line(std::string_view(data, len), t->clock_->now(), t->limits_);
  return len;
}

/// The SSRF guard. Checking the address curl is about to connect to, not the
/// host name, also covers DNS answers that point inside and DNS rebinding.
curl_socket_t transfer::on_open_socket(void* self, curlsocktype, curl_sockaddr* a) {
  auto* t = static_cast<transfer*>(self);
  if (!t->allow_private_ && is_forbidden_address(&a->addr)) {
    t->blocked_ = true;
    const void* ip = nullptr;
    if (a->family == AF_INET) ip = &reinterpret_cast<const sockaddr_in*>(&a->addr)->sin_addr;
    if (a->family == AF_INET6) ip = &reinterpret_cast<const sockaddr_in6*>(&a->addr)->sin6_addr;
    if (ip == nullptr ||
        inet_ntop(a->family, ip, t->blocked_address_, sizeof t->blocked_address_) == nullptr)
      std::snprintf(t->blocked_address_, sizeof t->blocked_address_, "an address of family %d",
                    a->family);
    return CURL_SOCKET_BAD;
  }
  return ::socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

transport_error transfer::classify(CURLcode code) const {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return transport_error::timeout;
    case CURLE_COULDNT_CONNECT:
      return blocked_ ? transport_error::blocked_target : transport_error::connect;
    case CURLE_WRITE_ERROR: return too_large_ ? transport_error::too_large : transport_error::other;
    case CURLE_FILESIZE_EXCEEDED: return transport_error::too_large;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED: return transport_error::connect;
    default: return transport_error::other;
  }
}

std::string transfer::describe(CURLcode code, transport_error kind) const {
  if (kind == transport_error::too_large)
    return "more than " + std::to_string(max_bytes_) + " bytes";
  if (kind == transport_error::blocked_target)
    return std::string(blocked_address_) +
           " is a loopback, private, link-local or otherwise internal address";
  // curl's error buffer is the specific one ("Failed to connect to x port 443 after 3 ms: ...").
  std::string_view detail(errbuf_);
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r'))
    detail.remove_suffix(1);
  std::string text = detail.empty() ? std::string(curl_easy_strerror(code)) : std::string(detail);
  scrub_url(text, req_.url);
  return text;
}

}  // namespace taskhook::webhook
