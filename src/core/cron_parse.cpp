// Cron expression parser: text -> schedule bitsets, with messages that name the field.
// Grammar: ARCHITECTURE.md, section Cron. Next-fire computation is in cron_next.cpp.

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/cron.hpp"

namespace taskhook::cron {
namespace {

/// Which names a field accepts besides numbers.
enum class field_names { none, months, weekdays };

/// What one field accepts. Day-of-week has two maxima: an explicit value or range may
/// say 7 (Sunday again), but `*` and `a/n` stop at 6 so that Sunday is not counted twice.
struct field_spec {
  std::string_view name;
  int min;
  int max;       ///< largest value a number or range may name
  int open_max;  ///< where `*` and `a/n` end
  field_names names;
};

constexpr field_spec second_spec{"second", 0, 59, 59, field_names::none};
constexpr field_spec minute_spec{"minute", 0, 59, 59, field_names::none};
constexpr field_spec hour_spec{"hour", 0, 23, 23, field_names::none};
constexpr field_spec dom_spec{"day-of-month", 1, 31, 31, field_names::none};
constexpr field_spec month_spec{"month", 1, 12, 12, field_names::months};
constexpr field_spec dow_spec{"day-of-week", 0, 7, 6, field_names::weekdays};

constexpr std::array<std::string_view, 12> month_names{
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> dow_names{"SUN", "MON", "TUE", "WED",
                                                    "THU", "FRI", "SAT"};

// Numbers are saturated here so that a 30-digit value still reports "out of range"
// instead of overflowing.
constexpr int saturated_number = 1'000'000;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Trimming accepts any ASCII whitespace (a trailing newline from a file or a shell is
// harmless); only spaces and tabs separate fields.
bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return to_upper(x) == to_upper(y); });
}

/// Quoted for an error message; control and non-ASCII bytes become \xNN so the
/// message stays one printable line.
std::string quoted(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += ch;
    }
  }
  out += '"';
  return out;
}

/// Tokens other crons give meaning to (Quartz `L`, `W`, `LW`, `5L`, `15W`; Jenkins `H`).
bool is_foreign_token(std::string_view token) {
  bool has_letter = false;
  for (char c : token) {
    char u = to_upper(c);
    if (u == 'L' || u == 'W' || u == 'H') {
      has_letter = true;
    } else if (!is_digit(c)) {
      return false;
    }
  }
  return has_letter;
}

/// Parses the fields of one expression; remembers where it is for error messages.
class field_parser {
 public:
  field_parser(const field_spec& spec, int index, std::string_view text)
      : spec_(spec), index_(index), text_(text) {}

  /// The field's bits (bit v set = value v selected; day-of-week 7 already folded
  /// onto 0), or an error naming this field.
  expected<std::uint64_t> parse() {
    std::uint64_t bits = 0;
    std::size_t start = 0;
    while (true) {
      std::size_t comma = text_.find(',', start);
      std::string_view item =
          text_.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                              : comma - start);
      if (item.empty()) return fail("empty item in list " + quoted(text_));
      auto item_bits = parse_item(item);
      if (!item_bits) return item_bits;
      bits |= *item_bits;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (spec_.names == field_names::weekdays && (bits >> 7 & 1))
      bits = (bits & ~(std::uint64_t{1} << 7)) | 1;  // 7 is Sunday too
    return bits;
  }

 private:
  error fail(std::string reason) const {
    return error{"field " + std::to_string(index_) + " (" + std::string(spec_.name) +
                 "): " + std::move(reason)};
  }

  /// One list item: `*`, `v`, `a-b`, each optionally followed by `/n`.
  expected<std::uint64_t> parse_item(std::string_view item) {
    for (char c : item) {
      if (c == '?' || c == '#') return fail(quoted(std::string_view(&c, 1)) + " is not supported");
      if (!is_alnum(c) && c != '*' && c != '-' && c != '/')
        return fail("unexpected character " + quoted(std::string_view(&c, 1)) + " in " +
                    quoted(item));
    }

    std::size_t pos = 0;
    int first = 0;
    int last = 0;
    bool open_ended = false;  // a bare value, which a step turns into `a/n`
    if (item[0] == '*') {
      first = spec_.min;
      last = spec_.open_max;
      pos = 1;
    } else {
      auto a = parse_value(item, pos);
      if (!a) return a.get_error();
      first = last = *a;
      if (pos < item.size() && item[pos] == '-') {
        ++pos;
        auto b = parse_value(item, pos);
        if (!b) return b.get_error();
        last = *b;
        if (first > last)
          return fail("range " + std::string(item.substr(0, pos)) + " has start after end");
      } else {
        open_ended = true;
      }
    }

    int step = 1;
    if (pos < item.size() && item[pos] == '/') {
      std::size_t step_start = ++pos;
      while (pos < item.size() && is_alnum(item[pos])) ++pos;
      std::string_view step_text = item.substr(step_start, pos - step_start);
      if (step_text.empty()) return fail("missing step after \"/\" in " + quoted(item));
      if (!std::all_of(step_text.begin(), step_text.end(), is_digit))
        return fail("step must be a number, got " + quoted(step_text));
      step = to_number(step_text);
      if (step < 1) return fail("step must be ≥ 1");
      if (open_ended) {
        last = spec_.open_max;
        if (first > last)
          return fail(std::string(item.substr(0, pos)) + " is empty (a/n runs from a to " +
                      std::to_string(spec_.open_max) + ")");
      }
    }
    if (pos < item.size())
      return fail("unexpected " + quoted(item.substr(pos, 1)) + " after " +
                  quoted(item.substr(0, pos)));

    std::uint64_t bits = 0;
    for (int v = first; v <= last; v += step) {
      bits |= std::uint64_t{1} << v;
      if (step > last - v) break;  // also keeps v from overflowing on huge steps
    }
    return bits;
  }

  /// A number or (month, day-of-week) a name, starting at `pos`.
  expected<int> parse_value(std::string_view item, std::size_t& pos) {
    std::size_t start = pos;
    while (pos < item.size() && is_alnum(item[pos])) ++pos;
    std::string_view token = item.substr(start, pos - start);
    if (token.empty()) {
      if (start == 0) return fail("expected a value at the start of " + quoted(item));
      return fail("range " + quoted(item) + " is missing its end");
    }
    if (std::all_of(token.begin(), token.end(), is_digit)) {
      int v = to_number(token);
      if (v < spec_.min || v > spec_.max)
        return fail(std::string(token) + " is out of range " + std::to_string(spec_.min) + "-" +
                    std::to_string(spec_.max));
      return v;
    }
    if (spec_.names == field_names::months) {
      for (std::size_t i = 0; i < month_names.size(); ++i)
        if (equals_ignore_case(token, month_names[i])) return static_cast<int>(i) + 1;
    } else if (spec_.names == field_names::weekdays) {
      for (std::size_t i = 0; i < dow_names.size(); ++i)
        if (equals_ignore_case(token, dow_names[i])) return static_cast<int>(i);
    }
    if (is_foreign_token(token)) return fail(quoted(token) + " is not supported");
    if (spec_.names == field_names::none) return fail(quoted(token) + " is not a number");
    if (std::all_of(token.begin(), token.end(), is_alpha))
      return fail("unknown name " + quoted(token));
    return fail(quoted(token) + " is not a number or a name");
  }

  static int to_number(std::string_view digits) {
    int v = 0;
    for (char c : digits) v = std::min(saturated_number, v * 10 + (c - '0'));
    return v;
  }

  const field_spec& spec_;
  int index_;
  std::string_view text_;
};

struct macro {
  std::string_view name;
  std::string_view expansion;
};

constexpr std::array<macro, 7> macros{{
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
    {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

/// Longest day-of-month of each month in any year (February counts its leap day).
constexpr std::array<std::size_t, 13> longest_month{0,  31, 29, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};

/// Rejects day-of-month / month combinations that never occur. With both day fields
/// restricted the day-of-week alternative always fires eventually; an unrestricted
/// day-of-month always selects day 1; so only "restricted dom AND month" can be empty.
std::optional<error> check_can_fire(const schedule& s, int dom_index) {
  if (!s.dom_restricted || s.dow_restricted) return std::nullopt;
  std::size_t first_day = 1;  // parse leaves at least one day selected
  while (!s.days_of_month[first_day]) ++first_day;
  for (std::size_t m = 1; m <= 12; ++m)
    if (s.months[m] && longest_month[m] >= first_day) return std::nullopt;
  return error{"field " + std::to_string(dom_index) + " (day-of-month), field " +
               std::to_string(dom_index + 1) +
               " (month): the schedule can never fire (no selected month has a day " +
               std::to_string(first_day) + ")"};
}

expected<schedule> parse_fields(std::string_view expr) {
  std::array<std::string_view, 7> fields{};
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < expr.size()) {
    while (pos < expr.size() && is_blank(expr[pos])) ++pos;
    if (pos == expr.size()) break;
    std::size_t start = pos;
    while (pos < expr.size() && !is_blank(expr[pos])) ++pos;
    if (count < fields.size()) fields[count] = expr.substr(start, pos - start);
    ++count;
  }
  if (count != 5 && count != 6)
    return error{"expected 5 or 6 fields, got " + std::to_string(count)};

  const bool has_seconds = count == 6;
  const std::size_t offset = has_seconds ? 1 : 0;
  static constexpr std::array<const field_spec*, 5> five{&minute_spec, &hour_spec, &dom_spec,
                                                         &month_spec, &dow_spec};
  std::array<std::uint64_t, 6> bits{1, 0, 0, 0, 0, 0};  // 5-field: second 0 only
  if (has_seconds) {
    auto b = field_parser(second_spec, 1, fields[0]).parse();
    if (!b) return b.get_error();
    bits[0] = *b;
  }
  for (std::size_t i = 0; i < five.size(); ++i) {
    auto b = field_parser(*five[i], static_cast<int>(i + offset + 1), fields[i + offset]).parse();
    if (!b) return b.get_error();
    bits[i + 1] = *b;
  }

  schedule s;
  s.seconds = std::bitset<60>(bits[0]);
  s.minutes = std::bitset<60>(bits[1]);
  s.hours = std::bitset<24>(bits[2]);
  s.days_of_month = std::bitset<32>(bits[3]);
  s.months = std::bitset<13>(bits[4]);
  s.days_of_week = std::bitset<7>(bits[5]);
  auto starts_with_star = [](std::string_view f) { return f.front() == '*'; };
  s.dom_restricted = !starts_with_star(fields[offset + 2]);
  s.dow_restricted = !starts_with_star(fields[offset + 4]);
  s.follows_real_time = (has_seconds && starts_with_star(fields[0])) ||
                        starts_with_star(fields[offset]) || starts_with_star(fields[offset + 1]);
  if (auto never = check_can_fire(s, static_cast<int>(offset + 3))) return *never;
  return s;
}

}  // namespace

expected<schedule> parse(std::string_view expr) {
  expr = trim(expr);
  if (expr.empty()) return error{"empty expression"};
  if (expr.front() == '@') {
    std::size_t end = 0;
    while (end < expr.size() && !is_blank(expr[end])) ++end;
    std::string_view name = expr.substr(0, end);
    for (const auto& m : macros) {
      if (!equals_ignore_case(name, m.name)) continue;
      if (end != expr.size())
        return error{"macro " + quoted(name) + " must be the whole expression, got " +
                     quoted(expr)};
      return parse_fields(m.expansion);
    }
    return error{"unknown macro " + quoted(name)};
  }
  return parse_fields(expr);
}


// -- packed_schedule ----------------------------------------------------------

namespace {

// Bit offsets of the fields in packed_schedule: 60+60+24+32+13+7+3 = 199 bits.
constexpr int at_seconds = 0, at_minutes = 60, at_hours = 120, at_dom = 144, at_months = 176,
              at_dow = 189, at_flags = 196;

constexpr int packed_words = 7;

std::uint64_t low_bits(int width) {
  return width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
}

/// Fields up to 64 bits wide span at most three of the 32-bit words.
void put_bits(std::uint32_t* words, int at, int width, std::uint64_t value) {
  unsigned __int128 v = static_cast<unsigned __int128>(value & low_bits(width)) << (at % 32);
  for (int k = at / 32; k < packed_words && v != 0; ++k, v >>= 32)
    words[k] |= static_cast<std::uint32_t>(v);
}

std::uint64_t get_bits(const std::uint32_t* words, int at, int width) {
  unsigned __int128 v = 0;
  for (int k = 0; k < 3 && at / 32 + k < packed_words; ++k)
    v |= static_cast<unsigned __int128>(words[at / 32 + k]) << (32 * k);
  return static_cast<std::uint64_t>(v >> (at % 32)) & low_bits(width);
}

}  // namespace

packed_schedule::packed_schedule(const schedule& s) {
  put_bits(bits_, at_seconds, 60, s.seconds.to_ullong());
  put_bits(bits_, at_minutes, 60, s.minutes.to_ullong());
  put_bits(bits_, at_hours, 24, s.hours.to_ullong());
  put_bits(bits_, at_dom, 32, s.days_of_month.to_ullong());
  put_bits(bits_, at_months, 13, s.months.to_ullong());
  put_bits(bits_, at_dow, 7, s.days_of_week.to_ullong());
  put_bits(bits_, at_flags, 3,
           (s.dom_restricted ? 1U : 0U) | (s.dow_restricted ? 2U : 0U) |
               (s.follows_real_time ? 4U : 0U));
}

schedule packed_schedule::unpack() const {
  schedule s;
  s.seconds = std::bitset<60>(get_bits(bits_, at_seconds, 60));
  s.minutes = std::bitset<60>(get_bits(bits_, at_minutes, 60));
  s.hours = std::bitset<24>(get_bits(bits_, at_hours, 24));
  s.days_of_month = std::bitset<32>(get_bits(bits_, at_dom, 32));
  s.months = std::bitset<13>(get_bits(bits_, at_months, 13));
  s.days_of_week = std::bitset<7>(get_bits(bits_, at_dow, 7));
  const auto flags = get_bits(bits_, at_flags, 3);
  s.dom_restricted = (flags & 1U) != 0;
  s.dow_restricted = (flags & 2U) != 0;
  s.follows_real_time = (flags & 4U) != 0;
  return s;
}

}  // namespace taskhook::cron
