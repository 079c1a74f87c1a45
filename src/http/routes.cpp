// Every /api route of API.md: authentication and rate limiting first, then
// validation, then one message into the actor system; the response is written
// when the actor answers.
#include <spdlog/spdlog.h>

#include <limits>

#include "core/cron.hpp"
#include "core/quote.hpp"
#include "core/zone.hpp"
#include "http/api.hpp"
#include "http/json.hpp"

namespace taskhook::http {

using namespace Pistache;
using Code = Http::Code;

namespace {

constexpr int max_limit = 100;
/// Pages are numbered from 1 without a bound of their own (API.md); one past the
/// last is an empty page. The offset is computed in 64 bits.
constexpr int max_page = std::numeric_limits<int>::max();


std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> header(const Rest::Request& req, const char* name) {
  auto raw = req.headers().tryGetRaw(name);
  if (!raw) return std::nullopt;
  return raw->value();
}

/// `application/json`, in any case, with or without parameters (`; charset=utf-8`).
bool is_json_media_type(std::string_view content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  return lower(type) == "application/json";
}

/// The key from `X-API-Key`, or from `Authorization: Bearer` (also when
/// X-API-Key is present but empty).
std::string presented_key(const Rest::Request& req) {
  if (auto k = header(req, "X-API-Key"); k && !k->empty()) return *k;
  if (auto auth = header(req, "Authorization")) {
    constexpr std::string_view bearer = "bearer ";
    if (auth->size() > bearer.size() && lower(auth->substr(0, bearer.size())) == bearer)
      return auth->substr(bearer.size());
  }
  return {};
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Query values arrive percent-encoded.
std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
               hex_digit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

query_reader params_of(const Rest::Request& req) {
  return query_reader([&req](const char* name) -> std::optional<std::string> {
    auto v = req.query().get(name);
    if (!v) return std::nullopt;
    return url_decode(*v);
  });
}

/// The `:id` path parameter, or a 400 invalid_id answered.
std::optional<uuid> path_id(const Rest::Request& req, reply& rw) {
  auto raw = req.param(":id").as<std::string>();
  auto id = uuid::parse(raw);
  if (!id)
    send_error(rw, Code::Bad_Request, "invalid_id", "id: " + quote_for_message(raw) + " is not a UUID");
  return id;
}

bool reject_params(const query_reader& q, reply& rw) {
  if (q.errors().empty()) return false;
  send_error(rw, Code::Bad_Request, "validation_failed", first_error_message(q.errors()),
             q.errors());
  return true;
}

/// Answers 400 for a body that is not JSON or not valid; true when it did.
bool reject_input(const task_input_result& parsed, reply& rw) {
  if (parsed.malformed_json) {
    send_error(rw, Code::Bad_Request, "invalid_json",
               "the body is not a JSON object: " + parsed.json_error);
    return true;
  }
  if (!parsed.errors.empty()) {
    send_error(rw, Code::Bad_Request, "validation_failed", first_error_message(parsed.errors),
               parsed.errors);
    return true;
  }
  return false;
}

/// Answers a change with the stored task, after dropping its cached reads.
auto answer_task(api& a, Code code) {
  return [&a, code](reply& w, task_record t) {
    a.cache.evict(t.id);
    send_json(w, code, task_json(t));
  };
}

// -- tasks --------------------------------------------------------------------

void create_task(api& a, const request_context& ctx, const Rest::Request& req,
                 reply& rw) {
  auto parsed = parse_task_input(req.body(), input_mode::create);
  if (reject_input(parsed, rw)) return;
  ask<task_record>(a.sys, a.changes, std::move(rw), actor_timeout, answer_task(a, Code::Created),
                   create_atom::value, ctx.who.tenant, std::move(parsed.input), ctx.now);
}

void list_tasks(api& a, const request_context& ctx, const Rest::Request& req,
                reply& rw) {
  auto q = params_of(req);
  task_query tq;
  tq.tenant = ctx.who.tenant;
  tq.page = q.integer("page", 1, 1, max_page);
  tq.limit = q.integer("limit", 20, 1, max_limit);
  tq.status = q.task_status_param("status");
  tq.search = q.text("search", 200);
  if (reject_params(q, rw)) return;
  ask<task_page>(
      a.sys, a.readers.next(), std::move(rw), actor_timeout,
      [page = tq.page, limit = tq.limit](reply& w, task_page p) {
        send_json(w, Code::Ok, task_page_json(p, page, limit));
      },
      list_atom::value, tq);
}

void get_task(api& a, const request_context& ctx, const Rest::Request& req,
              reply& rw) {
  auto id = path_id(req, rw);
  if (!id) return;
  auto now = read_cache::clock::now();
  if (auto body = a.cache.get(ctx.who.tenant, *id, now)) {
    send_json(rw, Code::Ok, *body);
    return;
  }
  auto epoch = a.cache.epoch(*id);
  auto w = std::make_shared<reply>(std::move(rw));
  spawn_replying(a.sys, w, [&a, w, tenant = ctx.who.tenant, id = *id, epoch](caf::event_based_actor* self) {
    auto finish = [&a, w, tenant, id, epoch](const task_detail& d) {
      auto body = task_detail_json(d);
      a.cache.put(tenant, id, body, epoch, read_cache::clock::now());
      send_json(*w, Code::Ok, body);
    };
    // The row and its newest logs come from the database; the run state of an
    // ACTIVE task comes from its actor, which knows it before the row does.
    self->request(a.readers.next(), actor_timeout, detail_atom::value, tenant, id)
        .then(
            [self, &a, id, finish](task_detail& d) {
              if (d.task.status != task_status::active) {
                finish(d);
                return;
              }
              self->request(a.tasks.shard_for(id), actor_timeout, get_atom::value, id)
                  .then(
                      [d, finish](task_snapshot& snap) mutable {
                        d.task.next_run_at = snap.next_run_at;
                        if (snap.last_run_at) d.task.last_run_at = snap.last_run_at;
                        finish(d);
                      },
                      [d, finish](caf::error&) { finish(d); });
            },
            [w](caf::error& err) { send_actor_error(*w, err); });
  });
}

void patch_task(api& a, const request_context& ctx, const Rest::Request& req,
                reply& rw) {
  auto id = path_id(req, rw);
  if (!id) return;
  auto parsed = parse_task_input(req.body(), input_mode::patch);
  if (reject_input(parsed, rw)) return;
  ask<task_record>(a.sys, a.changes, std::move(rw), actor_timeout, answer_task(a, Code::Ok),
                   patch_atom::value, ctx.who.tenant, *id, std::move(parsed.input), ctx.now);
}

void delete_task(api& a, const request_context& ctx, const Rest::Request& req,
                 reply& rw) {
  auto id = path_id(req, rw);
  if (!id) return;
  ask<bool>(
      a.sys, a.changes, std::move(rw), actor_timeout,
      [&a, id = *id](reply& w, bool) {
        a.cache.evict(id);
        w.send(Code::No_Content);
      },
      delete_atom::value, ctx.who.tenant, *id);
}

void toggle_task(api& a, const request_context& ctx, const Rest::Request& req,
                 reply& rw) {
  auto id = path_id(req, rw);
  if (!id) return;
  ask<task_record>(a.sys, a.changes, std::move(rw), actor_timeout, answer_task(a, Code::Ok),
                   toggle_atom::value, ctx.who.tenant, *id, ctx.now);
}

void run_task(api& a, const request_context& ctx, const Rest::Request& req,
              reply& rw) {
  auto id = path_id(req, rw);
  if (!id) return;
  ask<instant>(
      a.sys, a.changes, std::move(rw), actor_timeout,
      [id = *id](reply& w, instant at) { send_json(w, Code::Accepted, run_accepted_json(id, at)); },
      run_now_atom::value, *id, ctx.who.tenant);
}

void read_logs(api& a, reply& rw, log_query lq) {
  ask<log_page>(
      a.sys, a.readers.next(), std::move(rw), actor_timeout,
      [page = lq.page, limit = lq.limit](reply& w, log_page p) {
        send_json(w, Code::Ok, log_page_json(p, page, limit));
      },
      logs_atom::value, lq);
}

log_query log_params(query_reader& q, const request_context& ctx) {
  log_query lq;
  lq.tenant = ctx.who.tenant;
  lq.page = q.integer("page", 1, 1, max_page);
  lq.limit = q.integer("limit", 20, 1, max_limit);
  lq.status = q.attempt_status_param("status");
  lq.from = q.time("from");
  lq.to = q.time("to");
  return lq;
}

void task_logs(api& a, const request_context& ctx, const Rest::Request& req,
               reply& rw) {
  auto id = path_id(req, rw);
  if (!id) return;
  auto q = params_of(req);
  auto lq = log_params(q, ctx);
  if (reject_params(q, rw)) return;
  lq.task_id = *id;
  // The task must be the tenant's: unknown ids answer 404, not an empty page.
  auto w = std::make_shared<reply>(std::move(rw));
  spawn_replying(a.sys, w, [&a, w, lq](caf::event_based_actor* self) {
    auto& reader = a.readers.next();
    self->request(reader, actor_timeout, detail_atom::value, lq.tenant, *lq.task_id)
        .then(
            [self, &reader, w, lq](task_detail&) {
              self->request(reader, actor_timeout, logs_atom::value, lq)
                  .then([w, lq](log_page& p) {
                          send_json(*w, Code::Ok, log_page_json(p, lq.page, lq.limit));
                        },
                        [w](caf::error& e) { send_actor_error(*w, e); });
            },
            [w](caf::error& e) { send_actor_error(*w, e); });
  });
}

void all_logs(api& a, const request_context& ctx, const Rest::Request& req,
              reply& rw) {
  auto q = params_of(req);
  auto lq = log_params(q, ctx);
  lq.task_id = q.id("taskId");
  if (reject_params(q, rw)) return;
  read_logs(a, rw, lq);
}

void dashboard_stats_route(api& a, const request_context& ctx, const Rest::Request&,
                           reply& rw) {
  ask<dashboard_stats>(
      a.sys, a.readers.next(), std::move(rw), actor_timeout,
      [](reply& w, dashboard_stats s) { send_json(w, Code::Ok, stats_json(s)); },
      stats_atom::value, ctx.who.tenant, ctx.now);
}

void cron_preview(api&, const request_context& ctx, const Rest::Request& req,
                  reply& rw) {
  auto q = params_of(req);
  auto expr = q.text("expression", 500);
  auto tz = q.text("timezone", 100).value_or("UTC");
  int count = q.integer("count", 5, 1, 100);
  auto from = q.time("from").value_or(ctx.now);
  if (reject_params(q, rw)) return;
  if (!expr) {
    send_error(rw, Code::Bad_Request, "validation_failed", "expression: required",
               {{"expression", "required"}});
    return;
  }
  auto sched = cron::parse(*expr);
  if (!sched) {
    send_error(rw, Code::Bad_Request, "validation_failed", "expression: " + sched.error_message(),
               {{"expression", sched.error_message()}});
    return;
  }
  const auto* zone = find_zone(tz);
  if (zone == nullptr) {
    std::string msg =
        "unknown time zone " + quote_for_message(tz) + "; expected an IANA name such as Europe/Berlin";
    send_error(rw, Code::Bad_Request, "validation_failed", "timezone: " + msg, {{"timezone", msg}});
    return;
  }
  std::string out = R"({"expression":)";
  append_json_string(out, *expr);
  out += R"(,"timezone":)";
  append_json_string(out, tz);
  out += R"(,"next":[)";
  instant t = from;
  for (int i = 0; i < count; ++i) {
    auto next = cron::next_fire_after(*sched, t, zone);
    if (!next || *next > latest_time()) break;  // times keep four-digit years
    append_json_string(out, format_iso_ms(*next));
    out.push_back(',');
    t = *next;
  }
  if (out.back() == ',') out.pop_back();
  out += "]}";
  send_json(rw, Code::Ok, out);
}

// -- tenants ------------------------------------------------------------------

void create_tenant(api& a, const request_context&, const Rest::Request& req,
                   reply& rw) {
  auto name = tenant_name(req.body());
  if (!name) {
    send_error(rw, Code::Bad_Request, name.malformed ? "invalid_json" : "validation_failed",
               "name: " + name.error, name.malformed ? std::vector<field_error>{}
                                                     : std::vector<field_error>{{"name", name.error}});
    return;
  }
  std::string key = generate_key();
  auto hash = hash_key(key);
  auto w = std::make_shared<reply>(std::move(rw));
  spawn_replying(a.sys, w, [&a, w, key, hash, n = *name.value](caf::event_based_actor* self) {
    self->request(a.db, actor_timeout, tenants_atom::value, n, hash)
        .then(
            [&a, w, key, hash](tenant_info& t) {
              a.keys.add({hash, t.id, false});
              std::string out = R"({"id":")" + t.id.str() + R"(","name":)";
              append_json_string(out, t.name);
              out += R"(,"apiKey":")" + key + R"(","createdAt":")" + format_iso_ms(t.created_at) +
                     R"("})";
              send_json(*w, Code::Created, out);
            },
            [w](caf::error& err) { send_actor_error(*w, err); });
  });
}

void list_tenants(api& a, const request_context&, const Rest::Request& req,
                  reply& rw) {
  auto q = params_of(req);
  int page = q.integer("page", 1, 1, max_page);
  int limit = q.integer("limit", 20, 1, max_limit);
  if (reject_params(q, rw)) return;
  ask<tenant_page>(
      a.sys, a.readers.next(), std::move(rw), actor_timeout,
      [page, limit](reply& w, tenant_page p) {
        send_json(w, Code::Ok, tenant_page_json(p, page, limit));
      },
      tenants_atom::value, page, limit);
}

}  // namespace

Rest::Route::Handler wrap(api& a, route id, route_opts opts, handler_fn fn) {
  return [&a, id, opts, fn](const Rest::Request& req, Http::ResponseWriter writer) {
    reply rw(std::move(writer), &a.http, id);
    try {
      if (opts.public_route) {
        fn(a, request_context{{}, a.clock.now()}, req, rw);
        return Rest::Route::Result::Ok;
      }
      auto who = a.keys.find(presented_key(req));
      if (!who) {
        send_error(rw, Code::Unauthorized, "unauthorized",
                   "a valid API key is required in X-API-Key or Authorization: Bearer");
        return Rest::Route::Result::Ok;
      }
      if (auto wait = a.limiter.take(who->hash, std::chrono::steady_clock::now())) {
        auto secs = (wait->count() + 999) / 1000;
        rw.headers().add(std::make_shared<retry_after_header>(secs));
        send_error(rw, Code::Too_Many_Requests, "rate_limited",
                   "more than " + std::to_string(a.cfg.rate_limit_per_min) +
                       " requests a minute; retry after " + std::to_string(secs) + " s");
        return Rest::Route::Result::Ok;
      }
      if (opts.admin && !who->admin) {
        send_error(rw, Code::Forbidden, "forbidden", "this route needs the admin key");
        return Rest::Route::Result::Ok;
      }
      // Every route: one without a body must not take a large one either.
      if (req.body().size() > a.cfg.max_body_bytes) {
        send_error(rw, Code::Request_Entity_Too_Large, "payload_too_large",
                   "the body is larger than " + std::to_string(a.cfg.max_body_bytes) + " bytes");
        return Rest::Route::Result::Ok;
      }
      if (opts.json_body) {
        auto type = header(req, "Content-Type");
        if (!type || !is_json_media_type(*type)) {
          send_error(rw, Code::Unsupported_Media_Type, "unsupported_media_type",
                     "Content-Type must be application/json");
          return Rest::Route::Result::Ok;
        }
      }
      request_context ctx{*who, a.clock.now()};
      fn(a, ctx, req, rw);
    } catch (const std::exception& e) {
      if (auto log = spdlog::get("http")) log->error("{} {}: {}", Http::methodString(req.method()), req.resource(), e.what());
      send_error(rw, Code::Internal_Server_Error, "internal", "internal error");
    }
    return Rest::Route::Result::Ok;
  };
}

void add_api_routes(Rest::Router& router, api& a) {
  using namespace Rest::Routes;
  const route_opts plain{};
  const route_opts body{false, true};
  const route_opts admin{true, false};
  const route_opts admin_body{true, true};
  Post(router, "/api/tasks", wrap(a, route::tasks_create, body, create_task));
  Get(router, "/api/tasks", wrap(a, route::tasks_list, plain, list_tasks));
  Get(router, "/api/tasks/:id", wrap(a, route::task_get, plain, get_task));
  Patch(router, "/api/tasks/:id", wrap(a, route::task_patch, body, patch_task));
  Delete(router, "/api/tasks/:id", wrap(a, route::task_delete, plain, delete_task));
  Post(router, "/api/tasks/:id/toggle", wrap(a, route::task_toggle, plain, toggle_task));
  Post(router, "/api/tasks/:id/run", wrap(a, route::task_run, plain, run_task));
  Get(router, "/api/tasks/:id/logs", wrap(a, route::task_logs, plain, task_logs));
  Get(router, "/api/logs", wrap(a, route::logs, plain, all_logs));
  Get(router, "/api/dashboard/stats", wrap(a, route::stats, plain, dashboard_stats_route));
  Get(router, "/api/cron/preview", wrap(a, route::cron_preview, plain, cron_preview));
  Post(router, "/api/tenants", wrap(a, route::tenants_create, admin_body, create_tenant));
  Get(router, "/api/tenants", wrap(a, route::tenants_list, admin, list_tenants));
}

}  // namespace taskhook::http
