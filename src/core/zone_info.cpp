#include "core/zone_info.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

// date/ptz.h names hh_mm_ss unqualified under `using namespace date` and
// `using namespace std::chrono`, which C++20 makes ambiguous (std::chrono has one
// too). Its two uses are renamed to an alias of date's own for the include.
namespace date {
template <class Duration>
using hh_mm_ss_ptz = ::date::hh_mm_ss<Duration>;
}  // namespace date
#define hh_mm_ss hh_mm_ss_ptz
#include <date/ptz.h>
#undef hh_mm_ss

namespace taskhook {
namespace {

using date::sys_seconds;

/// Where the listed transitions end: an interval ending after this is the last.
const sys_seconds listed_horizon{date::sys_days{date::year{2500} / 1 / 1}};

/// A zone's rule for the time after its last listed transition.
struct zone_tail {
  Posix::time_zone rule;
  sys_seconds from;  ///< the start of the last listed interval
};

/// The POSIX TZ string that ends a TZif (version 2 or later) file: the text
/// between its last two newlines. Empty when there is none.
std::string footer_of(const std::string& zone_name) {
  const char* dir = std::getenv("TZDIR");
  const std::string path =
      std::string(dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo") + "/" + zone_name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < 6 || data.compare(0, 4, "TZif") != 0 || data[4] < '2') return {};
  if (data.back() != '\n') return {};
  const auto start = data.rfind('\n', data.size() - 2);
  if (start == std::string::npos) return {};
  return data.substr(start + 1, data.size() - start - 2);
}

/// Reads the rule of `zone` once; nullptr when it has no daylight saving (its
/// last listed interval then holds for good) or cannot be read.
std::unique_ptr<zone_tail> load_tail(const date::time_zone& zone) {
  try {
    const std::string tz = footer_of(zone.name());
    if (tz.find(',') == std::string::npos) return nullptr;  // no start and end rule
    auto tail = std::make_unique<zone_tail>(zone_tail{Posix::time_zone(tz), {}});
    tail->from = zone.get_info(listed_horizon).begin;
    return tail;
  } catch (...) {
    return nullptr;  // a rule ptz cannot read: the listed transitions are all we have
  }
}

const zone_tail* tail_of(const date::time_zone& zone) {
  // UTC and the zones without daylight saving get here on every lookup (their
  // last interval has no end): the thread's last answer spares them the lock.
  thread_local const date::time_zone* last_zone = nullptr;
  thread_local const zone_tail* last_tail = nullptr;
  if (&zone == last_zone) return last_tail;
  static std::mutex mutex;
  static std::unordered_map<const date::time_zone*, std::unique_ptr<zone_tail>> tails;
  std::lock_guard lock(mutex);
  auto it = tails.find(&zone);
  if (it == tails.end()) it = tails.emplace(&zone, load_tail(zone)).first;
  last_zone = &zone;  // entries are never removed, so the pointer stays good
  last_tail = it->second.get();
  return last_tail;
}

/// A rule's interval never starts before the listed transitions end.
date::sys_info clamped(date::sys_info info, sys_seconds from) {
  if (info.begin < from) info.begin = from;
  return info;
}

}  // namespace

date::sys_info zone_info(const date::time_zone& zone, sys_seconds t) {
  date::sys_info info = zone.get_info(t);
  if (info.end < listed_horizon) return info;  // a listed interval: the common case
  const zone_tail* tail = tail_of(zone);
  if (tail == nullptr || t < tail->from) return info;
  return clamped(tail->rule.get_info(t), tail->from);
}

date::local_info zone_info(const date::time_zone& zone, date::local_seconds t) {
  date::local_info info = zone.get_info(t);
  // Inside the last listed interval (and only there) the rule takes over. A wall
  // time next to the last listed transition itself is the listed data's to answer.
  if (info.result != date::local_info::unique || info.first.end < listed_horizon) return info;
  const zone_tail* tail = tail_of(zone);
  if (tail == nullptr) return info;
  date::local_info r = tail->rule.get_info(t);
  r.first = clamped(r.first, tail->from);
  if (r.result != date::local_info::unique) r.second = clamped(r.second, tail->from);
  return r;
}

std::optional<date::sys_info> rule_info(const date::time_zone& zone, sys_seconds t) {
  const zone_tail* tail = tail_of(zone);
  if (tail == nullptr) return std::nullopt;
  return tail->rule.get_info(t);
}

}  // namespace taskhook
