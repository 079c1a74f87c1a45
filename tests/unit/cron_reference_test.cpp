// Randomised agreement with slow, obviously-correct references:
//  - a generator writes random valid expression texts from the grammar and, alongside,
//    the value sets they mean; parse must produce exactly those sets (or reject the
//    expression as never firing, when the reference agrees it never fires);
//  - in UTC, a brute-force search (day by day, then second by second) must find the
//    same next fire as next_fire_after;
//  - in DST zones, a walk through real time around each 2026/2027 transition that
//    applies the daylight-saving rule on its own must agree too.
// Seeds are fixed, so a failure reproduces; the failing expression is printed.

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

#include "core/cron.hpp"
#include "support/cron_oracle.hpp"
#include "core/time_format.hpp"
#include "core/zone.hpp"
#include "core/zone_info.hpp"

using taskhook::instant;
using taskhook::cron::schedule;
using seconds = std::chrono::seconds;
using sys_seconds = date::sys_seconds;

namespace {

// ---------------------------------------------------------------- the generator

struct field_rule {
  int min;
  int max;       // largest explicit value
  int open_max;  // where `*` and `a/n` end
  int name_kind; // 0 none, 1 months, 2 days of week
};

constexpr field_rule second_rule{0, 59, 59, 0};
constexpr field_rule minute_rule{0, 59, 59, 0};
constexpr field_rule hour_rule{0, 23, 23, 0};
constexpr field_rule dom_rule{1, 31, 31, 0};
constexpr field_rule month_rule{1, 12, 12, 1};
constexpr field_rule dow_rule{0, 7, 6, 2};

constexpr std::array<const char*, 12> month_names{"jan", "feb", "mar", "apr", "may", "jun",
                                                  "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 7> dow_names{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct generated_field {
  std::string text;
  std::uint64_t bits = 0;
};

class expression_generator {
 public:
  explicit expression_generator(std::uint64_t seed) : rng_(seed) {}

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  std::mt19937_64& rng() { return rng_; }

  /// A value as text: a number (sometimes with leading zeros) or, where allowed,
  /// a name in random case.
  std::string value_text(const field_rule& rule, int v) {
    const bool has_name = (rule.name_kind == 1) || (rule.name_kind == 2 && v <= 6);
    if (has_name && chance(0.4)) {
      std::string name = rule.name_kind == 1 ? month_names[static_cast<std::size_t>(v - 1)]
                                             : dow_names[static_cast<std::size_t>(v)];
      for (char& c : name)
        if (chance(0.5)) c = static_cast<char>(c - 'a' + 'A');
      return name;
    }
    std::string digits = std::to_string(v);
    if (chance(0.1)) digits = std::string(static_cast<std::size_t>(uniform(1, 2)), '0') + digits;
    return digits;
  }

  int step(const field_rule& rule) {
    const int width = rule.open_max - rule.min + 1;
    return chance(0.8) ? uniform(1, std::max(1, width / 2)) : uniform(1, width + 5);
  }

  /// One field, `dense` = likely to select much (keeps zone walks short).
  generated_field field(const field_rule& rule, double star_chance) {
    generated_field f;
    if (chance(star_chance)) {
      f.text = "*";
      add(f.bits, rule.min, rule.open_max, 1);
      return finish(rule, f);
    }
    const int items = chance(0.6) ? 1 : uniform(2, 3);
    for (int i = 0; i < items; ++i) {
      if (i > 0) f.text += ',';
      switch (uniform(0, 5)) {
        case 0: {
          f.text += "*";
          add(f.bits, rule.min, rule.open_max, 1);
          break;
        }
        case 1: {
          const int n = step(rule);
          f.text += "*/" + std::to_string(n);
          add(f.bits, rule.min, rule.open_max, n);
          break;
        }
        case 2: {
          const int v = uniform(rule.min, rule.max);
          f.text += value_text(rule, v);
          add(f.bits, v, v, 1);
          break;
        }
        case 3: {
          int a = uniform(rule.min, rule.max);
          int b = uniform(rule.min, rule.max);
          if (a > b) std::swap(a, b);
          f.text += value_text(rule, a) + "-" + value_text(rule, b);
          add(f.bits, a, b, 1);
          break;
        }
        case 4: {
          int a = uniform(rule.min, rule.max);
          int b = uniform(rule.min, rule.max);
          if (a > b) std::swap(a, b);
          const int n = step(rule);
          f.text += value_text(rule, a) + "-" + value_text(rule, b) + "/" + std::to_string(n);
          add(f.bits, a, b, n);
          break;
        }
        default: {
          const int a = uniform(rule.min, rule.open_max);
          const int n = step(rule);
          f.text += value_text(rule, a) + "/" + std::to_string(n);
          add(f.bits, a, rule.open_max, n);
          break;
        }
      }
    }
    return finish(rule, f);
  }

  /// A whitespace run between fields (spaces and tabs).
  std::string separator() {
    std::string s;
    const int n = chance(0.8) ? 1 : uniform(2, 3);
    for (int i = 0; i < n; ++i) s += chance(0.85) ? ' ' : '\t';
    return s;
  }

 private:
  static void add(std::uint64_t& bits, int first, int last, int step) {
    for (int v = first; v <= last; v += step) bits |= std::uint64_t{1} << v;
  }

  static generated_field finish(const field_rule& rule, generated_field f) {
    if (rule.name_kind == 2 && (f.bits >> 7 & 1)) f.bits = (f.bits & 0x7f) | 1;
    return f;
  }

  std::mt19937_64 rng_;
};

/// How likely each field is a plain `*`: wide open for the UTC search, mostly open
/// days and hours for the zone walks so that transitions see fires.
struct star_chances {
  double second, minute, hour, dom, month, dow;
};

constexpr star_chances everywhere{0.3, 0.2, 0.3, 0.4, 0.5, 0.5};
constexpr star_chances near_transitions{0.4, 0.3, 0.4, 0.85, 0.9, 0.85};

struct generated_expression {
  std::string text;
  schedule expected;
  bool never_fires = false;
};

constexpr std::array<int, 13> longest_month{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

generated_expression generate(expression_generator& gen, const star_chances& stars,
                              bool allow_seconds) {
  generated_expression e;
  const bool six = allow_seconds && gen.chance(0.3);
  std::vector<generated_field> fields;
  if (six) fields.push_back(gen.field(second_rule, stars.second));
  fields.push_back(gen.field(minute_rule, stars.minute));
  fields.push_back(gen.field(hour_rule, stars.hour));
  fields.push_back(gen.field(dom_rule, stars.dom));
  fields.push_back(gen.field(month_rule, stars.month));
  fields.push_back(gen.field(dow_rule, stars.dow));

  if (gen.chance(0.2)) e.text += gen.separator();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) e.text += gen.separator();
    e.text += fields[i].text;
  }
  if (gen.chance(0.2)) e.text += gen.separator();

  const std::size_t o = six ? 1 : 0;
  schedule& s = e.expected;
  s.seconds = std::bitset<60>(six ? fields[0].bits : 1);
  s.minutes = std::bitset<60>(fields[o].bits);
  s.hours = std::bitset<24>(fields[o + 1].bits);
  s.days_of_month = std::bitset<32>(fields[o + 2].bits);
  s.months = std::bitset<13>(fields[o + 3].bits);
  s.days_of_week = std::bitset<7>(fields[o + 4].bits);
  auto star = [&](std::size_t i) { return fields[i].text.front() == '*'; };
  s.dom_restricted = !star(o + 2);
  s.dow_restricted = !star(o + 4);
  s.follows_real_time = (six && star(0)) || star(o) || star(o + 1);

  // Never fires: the day-of-month must hold (restricted and no OR with a restricted
  // day-of-week) and no selected day exists in any selected month.
  if (s.dom_restricted && !s.dow_restricted) {
    bool possible = false;
    for (int m = 1; m <= 12; ++m)
      for (int d = 1; d <= longest_month[static_cast<std::size_t>(m)]; ++d)
        if (s.months[static_cast<std::size_t>(m)] && s.days_of_month[static_cast<std::size_t>(d)])
          possible = true;
    e.never_fires = !possible;
  }
  return e;
}

/// Parses the generated text and checks it means what the generator meant. Returns
/// the schedule when it can fire.
std::optional<schedule> parse_and_compare(const generated_expression& e) {
  INFO("expression: \"" << e.text << "\"");
  const auto parsed = taskhook::cron::parse(e.text);
  if (e.never_fires) {
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error_message().find("the schedule can never fire") != std::string::npos);
    return std::nullopt;
  }
  if (!parsed) FAIL("rejected: " << parsed.error_message());
  REQUIRE(*parsed == e.expected);
  CHECK(taskhook::cron::packed_schedule(*parsed).unpack() == *parsed);  // as task actors keep it
  return *parsed;
}

// ---------------------------------------------------------------- the references

/// Does the wall-clock second `t` (UTC or local, as seconds since 1970) match?
bool matches(const schedule& s, std::int64_t t) {
  return taskhook::test::cron_matches(s, sys_seconds{seconds{t}});
}

bool day_may_match(const schedule& s, date::sys_days day) {
  const date::year_month_day ymd{day};
  if (!s.months[static_cast<unsigned>(ymd.month())]) return false;
  const bool dom = s.days_of_month[static_cast<unsigned>(ymd.day())];
  const bool dow = s.days_of_week[date::weekday{day}.c_encoding()];
  return (s.dom_restricted && s.dow_restricted) ? (dom || dow) : (dom && dow);
}

/// UTC brute force: day by day until a matching day, then every second of that day.
std::optional<std::int64_t> brute_next_utc(const schedule& s, instant after) {
  const std::int64_t first =
      std::chrono::floor<seconds>(after).time_since_epoch().count() + 1;
  const auto first_day = date::floor<date::days>(sys_seconds{seconds{first}});
  for (auto day = first_day; day < first_day + date::days{400 * 366}; day += date::days{1}) {
    if (!day_may_match(s, day)) continue;
    const std::int64_t day_start = sys_seconds{day}.time_since_epoch().count();
    for (std::int64_t t = std::max(first, day_start); t < day_start + 86'400; ++t)
      if (matches(s, t)) return t;
  }
  return std::nullopt;
}

std::int64_t floor_to_multiple(std::int64_t t, std::int64_t step) {
  const std::int64_t r = t % step;
  return r < 0 ? t - r - step : t - r;
}

/// Local wall-clock reading of a UTC second, caching the offset interval.
class wall_clock {
 public:
  explicit wall_clock(const date::time_zone& zone) : zone_(zone) {}

  std::int64_t local(std::int64_t t) {
    if (!(t >= begin_ && t < end_)) {
      const auto info = taskhook::zone_info(zone_, sys_seconds{seconds{t}});
      begin_ = info.begin.time_since_epoch().count();
      end_ = info.end.time_since_epoch().count();
      offset_ = info.offset.count();
    }
    return t + offset_;
  }

 private:
  const date::time_zone& zone_;
  std::int64_t begin_ = 1;
  std::int64_t end_ = 0;
  std::int64_t offset_ = 0;
};

/// Zone reference: walk real time in `step`-second steps from well before `after`
/// and apply the rule directly. Real-time schedules fire when the wall clock matches.
/// Fixed-time schedules fire when the wall clock shows a matching time for the first
/// time, or when the clock jumps over a matching time. Returns the first fire after
/// `after` and no later than `until`.
std::optional<std::int64_t> walk_next_in_zone(const schedule& s, instant after,
                                              const date::time_zone& zone, std::int64_t until,
                                              std::int64_t step) {
  const std::int64_t first =
      std::chrono::floor<seconds>(after).time_since_epoch().count() + 1;
  std::int64_t t = floor_to_multiple(first - 4 * 3600, step);
  wall_clock clock(zone);
  std::int64_t previous = clock.local(t - step);
  std::int64_t latest = previous;
  for (; t <= until; t += step) {
    const std::int64_t local = clock.local(t);
    bool fire = false;
    if (s.follows_real_time) {
      fire = matches(s, local);
    } else {
      fire = local > latest && matches(s, local);
      for (std::int64_t skipped = previous + step; !fire && skipped < local; skipped += step)
        fire = matches(s, skipped);
    }
    if (fire && t >= first) return t;
    latest = std::max(latest, local);
    previous = local;
  }
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------- the tests

namespace {

// The brute-force references are slow without optimisation; a Debug build (no
// NDEBUG) runs an eighth of the cases so it stays within seconds too.
#ifdef NDEBUG
constexpr int scale = 8;
#else
constexpr int scale = 1;
#endif

/// A random instant in 1990..2110: half uniformly, half next to a month, day or
/// year boundary (where carries happen), with random milliseconds.
instant random_instant(expression_generator& gen) {
  using namespace std::chrono;
  const int year = gen.uniform(1990, 2110);
  const auto month = static_cast<unsigned>(gen.uniform(1, 12));
  const date::year_month_day_last last{date::year{year} / date::month{month} / date::last};
  const auto length = static_cast<int>(static_cast<unsigned>(last.day()));
  int day = 0;
  int second_of_day = 0;
  if (gen.chance(0.5)) {
    day = gen.uniform(1, length);
    second_of_day = gen.uniform(0, 86'399);
  } else {
    day = gen.chance(0.5) ? length : gen.uniform(std::max(1, length - 2), length);
    second_of_day = gen.chance(0.5) ? gen.uniform(86'280, 86'399) : gen.uniform(0, 86'399);
  }
  const date::sys_days d{date::year{year} / date::month{month} /
                         date::day{static_cast<unsigned>(day)}};
  return instant{d} + seconds{second_of_day} + milliseconds{gen.uniform(0, 999)};
}

std::string iso(std::int64_t t) { return taskhook::format_iso_ms(instant{seconds{t}}); }
std::string iso(std::optional<std::int64_t> t) { return t ? iso(*t) : "none"; }
std::string iso(std::optional<instant> t) { return t ? taskhook::format_iso_ms(*t) : "none"; }

std::optional<std::int64_t> as_seconds(std::optional<instant> t) {
  if (!t) return std::nullopt;
  return std::chrono::floor<seconds>(*t).time_since_epoch().count();
}

}  // namespace

TEST_CASE("parser agrees with the generator on random expressions", "[cron][reference]") {
  expression_generator gen(0x7a5c'0001);
  int never = 0;
  for (int i = 0; i < 20'000; ++i) {
    const auto e = generate(gen, i % 2 ? everywhere : near_transitions, true);
    if (!parse_and_compare(e)) ++never;
  }
  // The generator must exercise both outcomes.
  CHECK(never > 0);
  CHECK(never < 2'000);
}

TEST_CASE("next_fire_after agrees with a brute-force search in UTC", "[cron][reference]") {
  expression_generator gen(0x7a5c'0002);
  int compared = 0;
  for (int i = 0; i < 750 * scale; ++i) {
    const auto e = generate(gen, everywhere, true);
    const auto s = parse_and_compare(e);
    if (!s) continue;
    instant after = random_instant(gen);
    for (int k = 0; k < 3; ++k) {
      const auto got = taskhook::cron::next_fire_after(*s, after);
      const auto want = brute_next_utc(*s, after);
      INFO("expression: \"" << e.text << "\" after " << taskhook::format_iso_ms(after));
      REQUIRE(iso(got) == iso(want));
      ++compared;
      if (!got) break;
      // Feed the fire back, sometimes a few milliseconds early or late.
      after = *got + std::chrono::milliseconds{gen.chance(0.2) ? gen.uniform(-1500, 500) : 0};
    }
  }
  CHECK(compared > 1'800 * scale);
}

TEST_CASE("next_fire_after agrees with a walk through real time in DST zones",
          "[cron][reference][tz]") {
  expression_generator gen(0x7a5c'0003);
  int compared = 0;
  int fired = 0;
  for (const char* name :
       {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago"}) {
    const date::time_zone* zone = taskhook::find_zone(name);
    REQUIRE(zone != nullptr);
    // The transitions of 2026 and 2027, listed in the tzdata, and of 2040 and 2041,
    // from the zone's rule.
    std::vector<std::int64_t> transitions;
    for (int first_year : {2026, 2040})
      for (auto t = sys_seconds{date::sys_days{date::year{first_year} / 1 / 1}};
           t < date::sys_days{date::year{first_year + 2} / 1 / 1};) {
        t = taskhook::zone_info(*zone, t).end;
        transitions.push_back(t.time_since_epoch().count());
      }
    REQUIRE(transitions.size() >= 8);

    for (int i = 0; i < 150 * scale; ++i) {
      const auto e = generate(gen, near_transitions, true);
      const auto s = parse_and_compare(e);
      if (!s) continue;
      const bool has_seconds = !(s->seconds == std::bitset<60>(1));
      const std::int64_t step = has_seconds ? 1 : 60;
      const auto pick = gen.uniform(0, static_cast<int>(transitions.size()) - 1);
      const std::int64_t transition = transitions[static_cast<std::size_t>(pick)];
      const std::int64_t window = has_seconds ? 3 * 3600 : 6 * 3600;
      const std::int64_t until = transition + window;
      instant after{seconds{transition + gen.uniform(-static_cast<int>(window), 3600)}};
      after += std::chrono::milliseconds{gen.uniform(0, 999)};
      if (gen.chance(0.2)) {
        // Right at the transition, where "strictly after" and "first instant after
        // the gap" meet.
        after = instant{seconds{transition}} + std::chrono::milliseconds{gen.uniform(-1001, 1)};
      }
      for (int k = 0; k < 4; ++k) {
        const auto got = taskhook::cron::next_fire_after(*s, after, zone);
        const auto want = walk_next_in_zone(*s, after, *zone, until, step);
        INFO("zone " << name << ", expression: \"" << e.text << "\" after "
                     << taskhook::format_iso_ms(after) << ", got " << iso(got) << ", want "
                     << iso(want));
        ++compared;
        if (!want) {
          // Nothing in the walked window: the engine's answer must lie beyond it.
          REQUIRE((!got || as_seconds(got) > until));
          break;
        }
        REQUIRE(as_seconds(got) == want);
        ++fired;
        after = *got;
      }
    }
  }
  CHECK(compared > 600 * scale);
  CHECK(fired > 500 * scale);
}
