#include "http/codec.hpp"

#include <simdjson.h>

#include <charconv>
#include <cmath>

#include "core/quote.hpp"
#include "core/utf8.hpp"
#include "core/webhook_url.hpp"
#include "http/json.hpp"

namespace taskhook::http {
namespace {

void key(std::string& out, const char* k) {
  out.push_back('"');
  out += k;
  out += "\":";
}

void str(std::string& out, const char* k, std::string_view v) {
  key(out, k);
  append_json_string(out, v);
  out.push_back(',');
}

void time(std::string& out, const char* k, const std::optional<instant>& t) {
  key(out, k);
  if (t)
    append_json_string(out, format_iso_ms(*t));
  else
    out += "null";
  out.push_back(',');
}

void num(std::string& out, const char* k, long long v) {
  key(out, k);
  out += std::to_string(v);
  out.push_back(',');
}

void close_object(std::string& out) {
  if (out.back() == ',') out.pop_back();
  out.push_back('}');
}

}  // namespace

void append_task(std::string& out, const task_record& t) {
  out.push_back('{');
  str(out, "id", t.id.str());
  str(out, "name", t.name);
  str(out, "schedule", t.schedule);
  str(out, "timezone", t.timezone);
  str(out, "webhookUrl", mask_webhook_url(t.webhook_url));
  key(out, "payload");
  out += t.payload ? *t.payload : std::string("{}");
  out.push_back(',');
  key(out, "threadId");
  if (t.thread_id)
    append_json_string(out, *t.thread_id);
  else
    out += "null";
  out.push_back(',');
  num(out, "maxRetry", t.max_retry);
  str(out, "status", to_string(t.status));
  if (t.status_reason) str(out, "statusReason", *t.status_reason);
  time(out, "nextRunAt", t.status == task_status::active ? t.next_run_at : std::nullopt);
  time(out, "lastRunAt", t.last_run_at);
  time(out, "createdAt", t.created_at);
  time(out, "updatedAt", t.updated_at);
  close_object(out);
}

void append_log(std::string& out, const log_entry& e) {
  const auto& r = e.row;
  out.push_back('{');
  str(out, "id", e.id.str());
  str(out, "taskId", r.task_id.str());
  time(out, "scheduledFor", r.scheduled_for);
  time(out, "executionTime", r.execution_time);
  str(out, "status", to_string(r.status));
  num(out, "retryCount", r.retry_count);
  key(out, "httpStatus");
  out += r.http_status ? std::to_string(*r.http_status) : "null";
  out.push_back(',');
  key(out, "durationMs");
  out += r.duration_ms ? std::to_string(*r.duration_ms) : "null";
  out.push_back(',');
  str(out, "message", r.message);
  str(out, "trigger", to_string(r.trigger));
  time(out, "createdAt", e.created_at);
  close_object(out);
}

void append_meta(std::string& out, int page, int limit, std::int64_t total) {
  out += "\"meta\":{";
  num(out, "page", page);
  num(out, "limit", limit);
  num(out, "total", total);
  num(out, "totalPages", (total + limit - 1) / limit);
  close_object(out);
}

std::string task_json(const task_record& t) {
  std::string out;
  out.reserve(512);
  append_task(out, t);
  return out;
}

std::string task_detail_json(const task_detail& d) {
  std::string out = task_json(d.task);
  out.pop_back();  // reopen the task object
  out += ",\"logs\":[";
  for (const auto& l : d.logs) {
    append_log(out, l);
    out.push_back(',');
  }
  if (out.back() == ',') out.pop_back();
  out += "]}";
  return out;
}

namespace {
/// `{"data":[...],"meta":{...}}` with `append(out, item)` writing each item.
template <class Items, class Append>
std::string page_json(const Items& items, std::int64_t total, int page, int limit, Append append) {
  std::string out = "{\"data\":[";
  for (const auto& item : items) {
    append(out, item);
    out.push_back(',');
  }
  if (out.back() == ',') out.pop_back();
  out += "],";
  append_meta(out, page, limit, total);
  out.push_back('}');
  return out;
}
}  // namespace

std::string task_page_json(const task_page& p, int page, int limit) {
  return page_json(p.items, p.total, page, limit, append_task);
}

std::string log_page_json(const log_page& p, int page, int limit) {
  return page_json(p.items, p.total, page, limit, append_log);
}

std::string run_accepted_json(const uuid& task_id, instant scheduled_for) {
  std::string out = R"({"taskId":)";
  append_json_string(out, task_id.str());
  out += R"(,"scheduledFor":)";
  append_json_string(out, format_iso_ms(scheduled_for));
  out.push_back('}');
  return out;
}

std::string stats_json(const dashboard_stats& s) {
  std::string out = "{";
  num(out, "totalTasks", s.total_tasks);
  num(out, "activeTasks", s.active_tasks);
  num(out, "inactiveTasks", s.inactive_tasks);
  num(out, "failedTasks", s.failed_tasks);
  out += "\"last24h\":{";
  num(out, "executions", s.executions);
  num(out, "success", s.success);
  num(out, "failed", s.failed);
  num(out, "retrying", s.retrying);
  num(out, "skipped", s.skipped);
  double rate = s.executions > 0 ? static_cast<double>(s.success) / s.executions : 0.0;
  rate = std::round(rate * 1000.0) / 1000.0;
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, rate);
  key(out, "successRate");
  out.append(buf, end);
  out += "}}";
  return out;
}

std::string tenant_page_json(const tenant_page& p, int page, int limit) {
  return page_json(p.items, p.total, page, limit, [](std::string& out, const tenant_info& t) {
    out.push_back('{');
    str(out, "id", t.id.str());
    str(out, "name", t.name);
    key(out, "isDefault");
    out += t.is_default ? "true," : "false,";
    time(out, "createdAt", t.created_at);
    close_object(out);
  });
}

std::string error_body(std::string_view code, std::string_view message,
                       const std::vector<field_error>& details) {
  std::string out = R"({"error":{"code":)";
  append_json_string(out, code);
  out += R"(,"message":)";
  append_json_string(out, message);
  if (!details.empty()) {
    out += R"(,"details":[)";
    for (const auto& d : details) {
      out += R"({"field":)";
      append_json_string(out, d.field);
      out += R"(,"message":)";
      append_json_string(out, d.message);
      out += "},";
    }
    out.pop_back();
    out.push_back(']');
  }
  out += "}}";
  return out;
}

tenant_name_result tenant_name(std::string_view body) {
  tenant_name_result r;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    r.malformed = true;
    r.error = "the body is not a JSON object";
    return r;
  }
  std::string_view name;
  auto field = doc["name"];
  if (field.error() == simdjson::NO_SUCH_FIELD) {
    r.error = "required";
  } else if (field.get_string().get(name) != simdjson::SUCCESS) {
    r.error = "expected a string";
  } else if (name.find('\0') != std::string_view::npos) {
    r.error = "contains a NUL character (\\u0000), which cannot be stored";
  } else if (utf8_length(name) < 1 || utf8_length(name) > 200 ||
             name.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    r.error = "expected 1-200 characters, not blank";
  } else {
    r.value = std::string(name);
  }
  return r;
}

std::optional<std::string> query_reader::value(const char* name) {
  auto v = get_(name);
  if (!v) return std::nullopt;
  if (v->find('\0') != std::string::npos || !simdjson::validate_utf8(v->data(), v->size())) {
    errors_.push_back({name, "expected UTF-8 text without NUL characters (after percent-decoding)"});
    return std::nullopt;
  }
  return v;
}

int query_reader::integer(const char* name, int def, int lo, int hi) {
  auto v = value(name);
  if (!v) return def;
  int out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (v->empty() || ec != std::errc{} || p != v->data() + v->size() || out < lo || out > hi) {
    errors_.push_back({name, quote_for_message(*v) + " is not an integer " + std::to_string(lo) + "-" +
                                 std::to_string(hi)});
    return def;
  }
  return out;
}

std::optional<task_status> query_reader::task_status_param(const char* name) {
  auto v = value(name);
  if (!v) return std::nullopt;
  auto s = parse_task_status(*v);
  if (!s) errors_.push_back({name, quote_for_message(*v) + " is not one of ACTIVE, INACTIVE, FAILED"});
  return s;
}

std::optional<attempt_status> query_reader::attempt_status_param(const char* name) {
  auto v = value(name);
  if (!v) return std::nullopt;
  auto s = parse_attempt_status(*v);
  if (!s)
    errors_.push_back({name, quote_for_message(*v) + " is not one of SUCCESS, FAILED, RETRYING, SKIPPED"});
  return s;
}

std::optional<instant> query_reader::time(const char* name) {
  auto v = value(name);
  if (!v) return std::nullopt;
  auto t = parse_iso8601(*v);
  if (!t)
    errors_.push_back({name, quote_for_message(*v) + " is not an ISO-8601 time with Z or an offset, "
                                          "in the years 0001-9999"});
  return t;
}

std::optional<uuid> query_reader::id(const char* name) {
  auto v = value(name);
  if (!v) return std::nullopt;
  auto u = uuid::parse(*v);
  if (!u) errors_.push_back({name, quote_for_message(*v) + " is not a UUID"});
  return u;
}

std::optional<std::string> query_reader::text(const char* name, std::size_t max_chars) {
  auto v = value(name);
  if (!v) return std::nullopt;
  if (utf8_length(*v) > max_chars) {
    errors_.push_back({name, "longer than " + std::to_string(max_chars) + " characters"});
    return std::nullopt;
  }
  return v;
}

std::string cluster_json(const std::vector<node_view>& nodes, const uuid& self_id,
                         std::chrono::milliseconds lease) {
  std::string out = R"({"partitions":256,"leaseSeconds":)" +
                    std::to_string(lease.count() / 1000) + R"(,"nodes":[)";
  std::vector<bool> owned(256, false);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& n = nodes[i];
    if (i) out += ',';
    out += R"({"id":")" + n.id.str() + R"(","name":)";
    append_json_string(out, n.name);
    out += R"(,"startedAt":")" + format_iso_ms(n.started_at) + R"(","heartbeatAt":")" +
           format_iso_ms(n.heartbeat_at) + R"(","live":)" + (n.live ? "true" : "false") +
           R"(,"partitions":[)";
    for (std::size_t j = 0; j < n.partitions.size(); ++j) {
      if (j) out += ',';
      out += std::to_string(n.partitions[j]);
      if (n.live && n.partitions[j] >= 0 && n.partitions[j] < 256) owned[n.partitions[j]] = true;
    }
    out += R"(],"self":)";
    out += n.id == self_id ? "true" : "false";
    out += '}';
  }
  out += R"(],"unowned":[)";
  bool first = true;
  for (int p = 0; p < 256; ++p)
    if (!owned[p]) {
      if (!first) out += ',';
      first = false;
      out += std::to_string(p);
    }
  out += "]}";
  return out;
}

}  // namespace taskhook::http
