// What operators look at: Prometheus metrics, the admin snapshot of the actors,
// and the pages served from the binary (Swagger UI, the dashboard).
#include <unistd.h>

#include <dirent.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/embedded_file.hpp"
#include "http/api.hpp"
#include "http/json.hpp"

namespace taskhook {
extern const embedded_file embedded_api_docs[];
extern const std::size_t embedded_api_docs_count;
extern const embedded_file embedded_swagger_ui[];
extern const std::size_t embedded_swagger_ui_count;
extern const embedded_file embedded_dashboard[];
extern const std::size_t embedded_dashboard_count;
}  // namespace taskhook

namespace taskhook::http {

using namespace Pistache;
using Code = Http::Code;

std::string_view route_label(route r) {
  switch (r) {
    case route::health: return "GET /health";
    case route::metrics: return "GET /metrics";
    case route::docs: return "GET /api/docs";
    case route::dashboard: return "GET /dashboard";
    case route::tasks_create: return "POST /api/tasks";
    case route::tasks_list: return "GET /api/tasks";
    case route::task_get: return "GET /api/tasks/:id";
    case route::task_patch: return "PATCH /api/tasks/:id";
    case route::task_delete: return "DELETE /api/tasks/:id";
    case route::task_toggle: return "POST /api/tasks/:id/toggle";
    case route::task_run: return "POST /api/tasks/:id/run";
    case route::task_logs: return "GET /api/tasks/:id/logs";
    case route::logs: return "GET /api/logs";
    case route::stats: return "GET /api/dashboard/stats";
    case route::cron_preview: return "GET /api/cron/preview";
    case route::tenants_create: return "POST /api/tenants";
    case route::tenants_list: return "GET /api/tenants";
    case route::admin_actors: return "GET /api/admin/actors";
    case route::admin_cluster: return "GET /api/admin/cluster";
    case route::not_found: return "unmatched";
    case route::count_: break;
  }
  return "unknown";
}

namespace {

// -- process figures ----------------------------------------------------------

struct process_figures {
  double rss_bytes = 0;
  double cpu_seconds = 0;
  double start_seconds = 0;
  int open_fds = 0;
  int sockets = 0;
};

process_figures read_process() {
  process_figures p;
  const long page = sysconf(_SC_PAGESIZE);
  const long ticks = sysconf(_SC_CLK_TCK);
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    long size = 0, resident = 0;
    if (std::fscanf(f, "%ld %ld", &size, &resident) == 2) p.rss_bytes = double(resident) * page;
    std::fclose(f);
  }
  std::ifstream stat("/proc/self/stat");
  std::string line;
  std::getline(stat, line);
  // Fields after the command name (which may hold spaces) start past the ')'.
  if (auto close = line.rfind(')'); close != std::string::npos) {
    std::istringstream in(line.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0, start = 0;
    for (int i = 3; in >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
      if (i == 22) {
        start = std::stoull(field);
        break;
      }
    }
    p.cpu_seconds = double(utime + stime) / ticks;
    double boot = 0;
    std::ifstream st("/proc/stat");
    for (std::string l; std::getline(st, l);)
      if (l.rfind("btime ", 0) == 0) boot = std::stod(l.substr(6));
    p.start_seconds = boot + double(start) / ticks;
  }
  if (DIR* d = opendir("/proc/self/fd")) {
    char target[256];
    while (auto* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      ++p.open_fds;
      std::string path = std::string("/proc/self/fd/") + e->d_name;
      auto n = readlink(path.c_str(), target, sizeof target - 1);
      if (n > 0 && std::string_view(target, n).rfind("socket:", 0) == 0) ++p.sockets;
    }
    closedir(d);
  }
  return p;
}

// -- Prometheus text ----------------------------------------------------------

class prom {
 public:
  void head(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(const char* name, double v, const std::string& labels = "") {
    out_ += name;
    if (!labels.empty()) out_ += "{" + labels + "}";
    out_ += ' ';
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    out_ += buf;
    out_ += '\n';
  }
  void one(const char* name, const char* type, const char* help, double v) {
    head(name, type, help);
    sample(name, v);
  }
  void hist(const char* name, const histogram& h, const std::string& labels = "") {
    std::string base = std::string(name) + "_bucket";
    std::uint64_t cumulative = 0;
    std::string sep = labels.empty() ? "" : labels + ",";
    for (std::size_t i = 0; i < h.bucket_count(); ++i) {
      cumulative += h.count_in(i);
      char le[32];
      std::snprintf(le, sizeof le, "%g", h.bound(i));
      sample(base.c_str(), double(cumulative), sep + "le=\"" + le + "\"");
    }
    cumulative += h.count_in(h.bucket_count());
    sample(base.c_str(), double(cumulative), sep + "le=\"+Inf\"");
    sample((std::string(name) + "_sum").c_str(), h.sum(), labels);
    sample((std::string(name) + "_count").c_str(), double(cumulative), labels);
  }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

/// Each shard's counters at its own index; empty where the shard did not answer.
using shard_stats = std::vector<std::optional<supervisor_stats>>;

std::size_t answered(const shard_stats& shards) {
  return static_cast<std::size_t>(
      std::count_if(shards.begin(), shards.end(), [](const auto& s) { return s.has_value(); }));
}

std::string render_metrics(api& a, const shard_stats& shards, int readers) {
  const auto& t = a.metrics.tasks;
  const auto& d = a.metrics.db;
  auto sink = a.sink.read_counters();
  auto rel = [](const auto& x) { return double(x.load(std::memory_order_relaxed)); };
  prom p;

  std::uint64_t actors = 0, restarts = 0, give_ups = 0;
  for (const auto& s : shards) {
    if (!s) continue;
    actors += s->actors;
    restarts += s->restarts;
    give_ups += s->give_ups;
  }
  const double in_flight = rel(t.in_flight), retrying = rel(t.retrying);
  const double live = rel(t.actors);

  p.head("taskhook_actors", "gauge", "Live actors by kind.");
  p.sample("taskhook_actors", live, "kind=\"task\"");
  p.sample("taskhook_actors", double(answered(shards)), "kind=\"supervisor\"");
  p.sample("taskhook_actors", 1, "kind=\"db\"");
  p.sample("taskhook_actors", readers, "kind=\"reader\"");
  p.sample("taskhook_actors", sink.workers, "kind=\"webhook_worker\"");

  p.head("taskhook_task_actors", "gauge", "Task actors by state.");
  p.sample("taskhook_task_actors", std::max(0.0, live - in_flight - retrying), "state=\"idle\"");
  p.sample("taskhook_task_actors", in_flight, "state=\"in_flight\"");
  p.sample("taskhook_task_actors", retrying, "state=\"retrying\"");

  p.head("taskhook_mailbox_backlog", "gauge",
         "Messages waiting: per supervisor shard, the db_actor (sampled at each write), and "
         "the webhook pool (queued and paced requests).");
  for (std::size_t i = 0; i < shards.size(); ++i)
    if (shards[i])
      p.sample("taskhook_mailbox_backlog", double(shards[i]->mailbox),
               "actor=\"supervisor\",shard=\"" + std::to_string(i) + "\"");
  p.sample("taskhook_mailbox_backlog", rel(d.mailbox), "actor=\"db_actor\",shard=\"0\"");
  p.sample("taskhook_mailbox_backlog", double(sink.queued + sink.paced),
           "actor=\"webhook_pool\",shard=\"0\"");

  p.one("taskhook_actor_restarts_total", "counter", "Task actors restarted after a crash.",
        double(restarts));
  p.one("taskhook_actor_give_ups_total", "counter",
        "Task actors given up on after repeated crashes (task FAILED).", double(give_ups));

  p.head("taskhook_fires_total", "counter", "Runs started, by trigger.");
  p.sample("taskhook_fires_total", rel(t.fires_schedule), "trigger=\"schedule\"");
  p.sample("taskhook_fires_total", rel(t.fires_manual), "trigger=\"manual\"");
  p.sample("taskhook_fires_total", rel(t.fires_misfire), "trigger=\"misfire\"");

  p.head("taskhook_attempts_total", "counter", "Delivery attempts by outcome.");
  p.sample("taskhook_attempts_total", rel(t.attempts_success), "outcome=\"success\"");
  p.sample("taskhook_attempts_total", rel(t.attempts_retry), "outcome=\"retry\"");
  p.sample("taskhook_attempts_total", rel(t.attempts_failed), "outcome=\"failed\"");
  p.sample("taskhook_attempts_total", rel(t.attempts_permanent), "outcome=\"permanent\"");
  p.sample("taskhook_attempts_total", rel(t.attempts_rate_limited), "outcome=\"rate_limited\"");
  p.sample("taskhook_attempts_total", rel(t.skipped), "outcome=\"skipped\"");

  p.head("taskhook_fire_lateness_seconds", "histogram",
         "From a scheduled instant to its first attempt leaving (rate-limit holds excluded).");
  p.hist("taskhook_fire_lateness_seconds", t.fire_lateness);
  p.head("taskhook_delivery_duration_seconds", "histogram", "One attempt, request to last byte.");
  p.hist("taskhook_delivery_duration_seconds", t.delivery_seconds);
  p.one("taskhook_rate_limit_waits_total", "counter",
        "Attempts held back for an exhausted Discord rate-limit bucket.", rel(t.rate_limit_waits));
  p.one("taskhook_webhook_in_flight", "gauge", "Webhook transfers running.",
        double(sink.in_flight));
  p.one("taskhook_webhook_connections_opened_total", "counter",
        "Connections the webhook pool opened (one TCP connect, and TLS handshake over https, each).",
        double(sink.connections_opened_total));
  p.one("taskhook_webhook_held", "gauge",
        "Scheduled sends prepared ahead of their instant, held by the webhook pool until then.",
        double(sink.held));

  p.head("taskhook_db_batch_rows", "histogram", "Rows (attempts and task updates) per write.");
  p.hist("taskhook_db_batch_rows", d.batch_rows);
  p.head("taskhook_db_write_seconds", "histogram", "Time to write one batch.");
  p.hist("taskhook_db_write_seconds", d.write_seconds);
  p.one("taskhook_db_pending_rows", "gauge", "Rows waiting to be written (kept while the database is away).",
        rel(d.pending_rows));
  p.one("taskhook_db_reconnects_total", "counter", "Database outages recovered from.",
        rel(d.reconnects));
  p.one("taskhook_db_rows_written_total", "counter", "task_logs rows written.", rel(d.rows_written));
  p.one("taskhook_db_write_failures_total", "counter", "Batch writes that failed.",
        rel(d.write_failures));
  p.one("taskhook_db_rows_dropped_total", "counter",
        "Rows dropped: refused by the database or over the in-memory bound.",
        rel(d.rows_dropped) + rel(d.rows_rejected));
  p.one("taskhook_log_rows_pruned_total", "counter", "task_logs rows removed by retention.",
        rel(d.rows_pruned));

  const auto& c = a.metrics.cluster;
  p.one("taskhook_cluster_partitions_owned", "gauge",
        "Partitions this node holds a lease on (of 256).", rel(c.partitions_owned));
  p.one("taskhook_cluster_renewals_total", "counter", "Lease renewals that reached the database.",
        rel(c.renewals));
  p.one("taskhook_cluster_renew_failures_total", "counter",
        "Lease renewals that failed (database away or slow).", rel(c.renew_failures));
  p.head("taskhook_cluster_renew_seconds", "histogram", "One lease renewal, request to answer.");
  p.hist("taskhook_cluster_renew_seconds", c.renew_seconds);
  p.one("taskhook_cluster_claims_total", "counter", "Free partitions claimed.", rel(c.claims));
  p.one("taskhook_cluster_takeovers_total", "counter",
        "Partitions taken over after another node's lease ran out.", rel(c.takeovers));
  p.one("taskhook_cluster_handovers_total", "counter",
        "Partitions released gracefully (join of another node, stop).", rel(c.handovers));
  p.one("taskhook_cluster_partitions_lost_total", "counter",
        "Partitions dropped because their deadline passed or another node took them.",
        rel(c.lost));
  p.one("taskhook_cluster_sends_refused_total", "counter",
        "Sends the lease check stopped before they left (held sends included).",
        rel(c.sends_refused));
  p.one("taskhook_cluster_writes_refused_total", "counter",
        "Task-state writes refused because their lease epoch was no longer current.",
        rel(c.writes_refused));
  p.one("taskhook_cluster_changes_read_total", "counter",
        "Task changes announced through the database and read by this node.",
        rel(c.changes_applied));
  p.one("taskhook_cluster_run_requests_total", "counter",
        "Run-now requests made on any node and carried out here.", rel(c.runs_requested));

  p.head("taskhook_http_requests_total", "counter", "HTTP requests by route and status.");
  for (std::size_t r = 0; r < static_cast<std::size_t>(route::count_); ++r)
    for (std::size_t s = 0; s < http_metrics::statuses.size(); ++s) {
      auto n = a.http.requests(static_cast<route>(r), s);
      if (n == 0) continue;
      auto code = http_metrics::statuses[s];
      p.sample("taskhook_http_requests_total", double(n),
               "route=\"" + escape_label(route_label(static_cast<route>(r))) + "\",status=\"" +
                   (code ? std::to_string(code) : std::string("other")) + "\"");
    }
  p.head("taskhook_http_request_duration_seconds", "histogram", "HTTP latency by route.");
  for (std::size_t r = 0; r < static_cast<std::size_t>(route::count_); ++r) {
    const auto& h = a.http.latency(static_cast<route>(r));
    if (h.total() == 0) continue;
    p.hist("taskhook_http_request_duration_seconds", h,
           "route=\"" + escape_label(route_label(static_cast<route>(r))) + "\"");
  }

  auto proc = read_process();
  p.one("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", proc.rss_bytes);
  p.one("process_cpu_seconds_total", "counter", "User and system CPU time in seconds.",
        proc.cpu_seconds);
  p.one("process_start_time_seconds", "gauge", "Start time since the Unix epoch in seconds.",
        proc.start_seconds);
  p.one("process_open_fds", "gauge", "Open file descriptors.", proc.open_fds);
  p.one("taskhook_open_connections", "gauge",
        "Open sockets: HTTP clients, webhook connections and database connections.",
        proc.sockets);
  return std::move(p.str());
}

/// Asks every supervisor shard for its counters, then calls `done` with them.
template <class Done>
void with_shard_stats(api& a, const writer_ptr& w, Done done) {
  spawn_replying(a.sys, w, [&a, done](caf::event_based_actor* self) {
    // By index, not in the order the answers come: the labels name the shard.
    auto results = std::make_shared<shard_stats>(a.tasks.shards().size());
    auto remaining = std::make_shared<std::size_t>(a.tasks.shards().size());
    for (std::size_t i = 0; i < a.tasks.shards().size(); ++i)
      self->request(a.tasks.shards()[i], actor_timeout, stats_atom::value)
          .then(
              [results, remaining, done, i](supervisor_stats& s) {
                (*results)[i] = s;
                if (--*remaining == 0) done(*results);
              },
              [results, remaining, done](caf::error&) {
                if (--*remaining == 0) done(*results);
              });
  });
}

void metrics_route(api& a, const request_context&, const Rest::Request&, reply& rw) {
  auto w = std::make_shared<reply>(std::move(rw));
  int readers = static_cast<int>(a.readers.all().size());
  with_shard_stats(a, w, [&a, w, readers](const shard_stats& shards) {
    w->send(Code::Ok, render_metrics(a, shards, readers),
            Http::Mime::MediaType::fromString("text/plain; version=0.0.4; charset=utf-8"));
  });
}

void admin_actors_route(api& a, const request_context& ctx, const Rest::Request&, reply& rw) {
  auto w = std::make_shared<reply>(std::move(rw));
  int readers = static_cast<int>(a.readers.all().size());
  auto since = ctx.now - std::chrono::hours(1);
  with_shard_stats(a, w, [&a, w, readers, since](const shard_stats& shards) {
    spawn_replying(a.sys, w, [&a, w, readers, since, shards](caf::event_based_actor* self) {
      self->request(a.readers.next(), actor_timeout, rank_atom::value, since, 5)
          .then(
              [&a, w, readers, shards](task_rankings& ranks) {
                const auto& t = a.metrics.tasks;
                auto sink = a.sink.read_counters();
                auto v = [](const auto& x) { return std::to_string(x.load(std::memory_order_relaxed)); };
                std::uint64_t restarts = 0, give_ups = 0;
                for (const auto& s : shards) {
                  if (!s) continue;
                  restarts += s->restarts;
                  give_ups += s->give_ups;
                }
                auto live = t.actors.load(), in_flight = t.in_flight.load(),
                     retrying = t.retrying.load();
                std::string out = "{\"actors\":{\"task\":{\"idle\":" +
                                  std::to_string(std::max<std::int64_t>(0, live - in_flight - retrying)) +
                                  ",\"inFlight\":" + std::to_string(in_flight) +
                                  ",\"retrying\":" + std::to_string(retrying) +
                                  "},\"supervisor\":{\"running\":" + std::to_string(answered(shards)) +
                                  "},\"db\":{\"running\":1},\"reader\":{\"running\":" +
                                  std::to_string(readers) + "},\"webhookWorker\":{\"running\":" +
                                  std::to_string(sink.workers) + "}},\"mailboxes\":[";
                // Largest backlog first, as the API documents.
                struct backlog {
                  std::string actor;
                  const char* kind;
                  std::uint64_t messages;
                };
                std::vector<backlog> boxes;
                for (std::size_t i = 0; i < shards.size(); ++i)
                  if (shards[i])
                    boxes.push_back({"supervisor-" + std::to_string(i), "supervisor", shards[i]->mailbox});
                boxes.push_back({"db_actor", "db",
                                 static_cast<std::uint64_t>(a.metrics.db.mailbox.load(std::memory_order_relaxed))});
                boxes.push_back({"webhook_pool", "webhook_worker", sink.queued + sink.paced});
                std::stable_sort(boxes.begin(), boxes.end(),
                                 [](const backlog& x, const backlog& y) { return x.messages > y.messages; });
                for (std::size_t i = 0; i < boxes.size(); ++i)
                  out += std::string(i == 0 ? "" : ",") + "{\"actor\":\"" + boxes[i].actor +
                         "\",\"kind\":\"" + boxes[i].kind +
                         "\",\"backlog\":" + std::to_string(boxes[i].messages) + "}";
                out += "],";
                out += "\"restarts\":{\"total\":" + std::to_string(restarts) +
                       ",\"giveUps\":" + std::to_string(give_ups) + "},";
                out += "\"db\":{\"pendingRows\":" + v(a.metrics.db.pending_rows) +
                       ",\"rowsWritten\":" + v(a.metrics.db.rows_written) +
                       ",\"reconnects\":" + v(a.metrics.db.reconnects) + "},";
                out += "\"attempts\":{\"success\":" + v(t.attempts_success) +
                       ",\"retry\":" + v(t.attempts_retry) + ",\"failed\":" + v(t.attempts_failed) +
                       ",\"permanent\":" + v(t.attempts_permanent) +
                       ",\"rateLimited\":" + v(t.attempts_rate_limited) +
                       ",\"skipped\":" + v(t.skipped) + "},";
                auto list = [&out](const char* key, const std::vector<task_rank>& xs, const char* field) {
                  out += "\"";
                  out += key;
                  out += "\":[";
                  for (const auto& x : xs) {
                    out += "{\"taskId\":\"" + x.task_id.str() + "\",\"name\":";
                    append_json_string(out, x.name);
                    out += ",\"";
                    out += field;
                    out += "\":" + std::to_string(static_cast<long long>(x.value)) + "},";
                  }
                  if (out.back() == ',') out.pop_back();
                  out += "]";
                };
                list("slowestTasks", ranks.slowest, "durationMs");
                out += ",";
                list("mostRetryingTasks", ranks.most_retrying, "retries");
                out += "}";
                send_json(*w, Code::Ok, out);
              },
              [w](caf::error& err) { send_actor_error(*w, err); });
    });
  });
}

// -- static files -------------------------------------------------------------

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
  serve_file(req, rw,
             find_file(embedded_dashboard, embedded_dashboard_count,
                       req.param(":file").as<std::string>()));
}

}  // namespace

void add_operator_routes(Rest::Router& router, api& a) {
  using namespace Rest::Routes;
  route_opts open{};
  open.public_route = true;
  route_opts metrics_opts{};
  metrics_opts.public_route = a.cfg.metrics_public;
  route_opts admin{};
  admin.admin = true;
  Get(router, "/metrics", wrap(a, route::metrics, metrics_opts, metrics_route));
  Get(router, "/api/admin/actors", wrap(a, route::admin_actors, admin, admin_actors_route));
  Get(router, "/api/docs", wrap(a, route::docs, open, docs_index));
  Get(router, "/api/docs/:file", wrap(a, route::docs, open, docs_file));
  Get(router, "/dashboard", wrap(a, route::dashboard, open, dashboard_index));
  Get(router, "/dashboard/:file", wrap(a, route::dashboard, open, dashboard_file));
}

}  // namespace taskhook::http
