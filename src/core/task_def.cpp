#include "core/task_def.hpp"

#include <algorithm>
#include <limits>

#include "core/snowflake.hpp"
#include "core/webhook_url.hpp"
#include "core/zone.hpp"

namespace taskhook {
namespace {

/// The payload's template, when it holds placeholders and compiles.
std::unique_ptr<const task_template> template_of(const task_record& task, std::string_view payload,
                                                 std::string* problem) {
  if (payload.find("{{") == std::string_view::npos) return nullptr;  // cheap and common
  template_compile_result r = compile_payload_template(payload);
  if (!r.errors.empty()) {
    if (problem != nullptr)
      *problem = r.errors.front().field + ": " + r.errors.front().message +
                 " (sent as stored, placeholders not filled in)";
    return nullptr;
  }
  if (!r.compiled.has_placeholders()) return nullptr;  // `{{` only in keys
  auto t = std::make_unique<task_template>();
  if (r.compiled.uses(placeholder::task_name)) t->task_name = task.name;
  t->compiled = std::move(r.compiled);
  t->compiled.drop_bounds();
  return t;
}

}  // namespace

expected<task_def> compile_task(const task_record& task, std::string* template_problem) {
  // A change that just validated the schedule hands it over compiled.
  auto compiled = task.compiled_schedule ? expected<cron::schedule>(*task.compiled_schedule)
                                         : cron::parse(task.schedule);
  if (!compiled) return error{"schedule: " + compiled.error_message()};
  const date::time_zone* zone = find_zone(task.timezone);
  if (zone == nullptr) return error{"timezone: unknown zone \"" + task.timezone + "\""};
  auto target = parse_webhook_url(task.webhook_url);
  if (!target) return error{"webhookUrl: " + target.error_message()};
  const std::size_t id_at = target->path.find("/" + target->id + "/");
  if (id_at == std::string::npos || target->path.size() > 0xffff)
    return error{"webhookUrl: not a path this version can send to"};
  const std::string_view payload = task.payload ? std::string_view(*task.payload) : "";
  if (payload.size() > std::numeric_limits<std::uint32_t>::max())
    return error{"payload: larger than 4 GiB"};
  const std::string_view thread = task.thread_id ? std::string_view(*task.thread_id) : "";
  if (task.thread_id && !is_snowflake(thread))
    return error{"threadId: not a Discord id"};
  task_def def;
  def.id = task.id;
  def.tenant_id = task.tenant_id;
  def.revision = task.revision;
  def.partition = task.partition < 0 ? 0 : task.partition;
  def.max_retry = task.max_retry;
  def.id_at = static_cast<std::uint16_t>(id_at + 1);
  def.id_len = static_cast<std::uint16_t>(target->id.size());
  def.zone = zone;
  def.sched = cron::packed_schedule(*compiled);
  def.path_len = static_cast<std::uint16_t>(target->path.size());
  def.thread_len = static_cast<std::uint8_t>(thread.size());
  def.payload_len = static_cast<std::uint32_t>(payload.size());
  def.text = std::make_unique_for_overwrite<char[]>(def.path_len + thread.size() + payload.size());
  char* at = std::copy(target->path.begin(), target->path.end(), def.text.get());
  at = std::copy(thread.begin(), thread.end(), at);
  std::copy(payload.begin(), payload.end(), at);
  def.tmpl = template_of(task, payload, template_problem);
  return def;
}

shared_text attempt_body(const std::shared_ptr<const task_def>& def, instant scheduled_for,
                         int attempt, run_trigger trigger) {
  if (!def->tmpl) return shared_text(def, def->payload());  // shares the definition's copy
  template_values values;
  values.scheduled_for = scheduled_for;
  values.task_name = def->tmpl->task_name;
  values.task_id = def->id;
  values.attempt = attempt;
  values.trigger = trigger;
  std::string body;
  render(def->tmpl->compiled, values, body);
  return shared_text(std::move(body));
}

}  // namespace taskhook
