#include "core/task_def.hpp"

#include <algorithm>
#include <limits>

#include "core/webhook_url.hpp"
#include "core/zone.hpp"

namespace taskhook {

expected<task_def> compile_task(const task_record& task) {
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
  def.payload_len = static_cast<std::uint32_t>(payload.size());
  def.text = std::make_unique_for_overwrite<char[]>(def.path_len + payload.size());
  std::copy(target->path.begin(), target->path.end(), def.text.get());
  std::copy(payload.begin(), payload.end(), def.text.get() + def.path_len);
  return def;
}

}  // namespace taskhook
