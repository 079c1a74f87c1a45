// GET /api/admin/actors: the admin snapshot of the actors (API.md): task actors
// by state, mailbox backlogs, restarts, database and attempt counters, and the
// slowest and most-retrying tasks of the last hour.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "http/api.hpp"
#include "http/json.hpp"
#include "http/operator_handlers.hpp"
#include "http/shard_stats.hpp"

namespace taskhook::http {

using namespace Pistache;
using Code = Http::Code;

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

}  // namespace taskhook::http
