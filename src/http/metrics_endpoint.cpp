// GET /metrics: the actors', database's, webhook pool's, HTTP and process
// figures in the Prometheus text format.
#include <algorithm>
#include <memory>
#include <string>

#include "http/api.hpp"
#include "http/operator_handlers.hpp"
#include "http/process_stats.hpp"
#include "http/prometheus_text.hpp"
#include "http/shard_stats.hpp"

namespace taskhook::http {

using namespace Pistache;
using Code = Http::Code;

namespace {

std::string render_metrics(api& a, const shard_stats& shards, int readers) {
  const auto& t = a.metrics.tasks;
  const auto& d = a.metrics.db;
  auto sink = a.sink.read_counters();
  auto rel = [](const auto& x) { return double(x.load(std::memory_order_relaxed)); };
  prometheus_text p;

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

  auto proc = read_process_stats();
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

}  // namespace

void metrics_route(api& a, const request_context&, const Rest::Request&, reply& rw) {
  auto w = std::make_shared<reply>(std::move(rw));
  int readers = static_cast<int>(a.readers.all().size());
  with_shard_stats(a, w, [&a, w, readers](const shard_stats& shards) {
    w->send(Code::Ok, render_metrics(a, shards, readers),
            Http::Mime::MediaType::fromString("text/plain; version=0.0.4; charset=utf-8"));
  });
}

}  // namespace taskhook::http
