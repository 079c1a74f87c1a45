// The pages served from the binary: Swagger UI with the OpenAPI document, and
// the operator dashboard, with ETags and revalidation.
#include <memory>
#include <string>
#include <string_view>

#include "core/embedded_file.hpp"
#include "http/api.hpp"
#include "http/operator_handlers.hpp"

namespace taskhook {
extern const embedded_file embedded_api_docs[];
extern const std::size_t embedded_api_docs_count;
extern const embedded_file embedded_swagger_ui[];
extern const std::size_t embedded_swagger_ui_count;
extern const embedded_file embedded_dashboard[];
extern const std::size_t embedded_dashboard_count;
extern const embedded_file embedded_dashboard_vendor[];
extern const std::size_t embedded_dashboard_vendor_count;
}  // namespace taskhook

namespace taskhook::http {

using namespace Pistache;
using Code = Http::Code;

namespace {

std::string content_type(std::string_view path) {
  auto ends = [&](std::string_view s) { return path.ends_with(s); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "application/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".yaml")) return "application/yaml";
  if (ends(".json")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return "text/plain; charset=utf-8";
}

const embedded_file* find_file(const embedded_file* files, std::size_t n, std::string_view path) {
  for (std::size_t i = 0; i < n; ++i)
    if (path == files[i].path) return &files[i];
  return nullptr;
}

void serve_file(const Rest::Request& req, reply& rw, const embedded_file* f) {
  if (f == nullptr) {
    send_error(rw, Code::Not_Found, "not_found", "no such file");
    return;
  }
  const std::string etag = std::string("\"") + std::string(f->sha256, 16) + "\"";
  auto& headers = rw.headers();
  headers.add(std::make_shared<etag_header>(etag));
  // Everything revalidates (the ETag makes that a cheap 304): file names never
  // change, so a cached module could otherwise outlive an upgrade of its page.
  headers.add<Http::Header::CacheControl>(Http::CacheDirective(Http::CacheDirective::NoCache));
  if (auto inm = req.headers().tryGetRaw("If-None-Match"); inm && inm->value() == etag) {
    rw.send(Code::Not_Modified);
    return;
  }
  rw.send(Code::Ok, std::string(f->bytes()), Http::Mime::MediaType::fromString(content_type(f->path)));
}

/// The pages link their files relative to `<root>/<name>`; with a trailing
/// slash those links would miss, so send the browser to the slash-less form.
bool redirect_trailing_slash(const Rest::Request& req, reply& rw, const char* name) {
  if (!req.resource().ends_with("/")) return false;
  rw.headers().add<Http::Header::Location>(std::string("../") + name);
  rw.send(Code::Permanent_Redirect);
  return true;
}

}  // namespace

void docs_index(api&, const request_context&, const Rest::Request& req, reply& rw) {
  if (redirect_trailing_slash(req, rw, "docs")) return;
  serve_file(req, rw, find_file(embedded_api_docs, embedded_api_docs_count, "index.html"));
}

void docs_file(api&, const request_context&, const Rest::Request& req, reply& rw) {
  auto name = req.param(":file").as<std::string>();
  const auto* f = find_file(embedded_api_docs, embedded_api_docs_count, name);
  if (f == nullptr || name == "index.html")
    f = find_file(embedded_swagger_ui, embedded_swagger_ui_count, name);
  serve_file(req, rw, f);
}

void dashboard_index(api&, const request_context&, const Rest::Request& req, reply& rw) {
  if (redirect_trailing_slash(req, rw, "dashboard")) return;
  serve_file(req, rw, find_file(embedded_dashboard, embedded_dashboard_count, "index.html"));
}

void dashboard_file(api&, const request_context&, const Rest::Request& req, reply& rw) {
  auto name = req.param(":file").as<std::string>();
  const auto* f = find_file(embedded_dashboard, embedded_dashboard_count, name);
  // The npm scripts the dashboard uses (assets.cmake) sit beside its own files.
  if (f == nullptr) f = find_file(embedded_dashboard_vendor, embedded_dashboard_vendor_count, name);
  serve_file(req, rw, f);
}

}  // namespace taskhook::http
