#include "core/cron_cli.hpp"

#include <optional>
#include <ostream>
#include <string_view>

#include "core/cron.hpp"
#include "core/zone.hpp"

namespace taskhook {
namespace {

constexpr int exit_ok = 0;
constexpr int exit_short = 1;
constexpr int exit_usage = 2;

constexpr int default_count = 5;
constexpr int max_count = 1000;

constexpr std::string_view usage =
    "usage: taskhook cron next [--count N] [--from ISO] [--tz ZONE] EXPR\n"
    "  Prints the next N fire times of the cron expression EXPR (quote it), strictly\n"
    "  after --from, one YYYY-MM-DDTHH:MM:SS.mmmZ (UTC) per line.\n"
    "  --count N   how many, 1-1000 (default 5)\n"
    "  --from ISO  start instant, ISO-8601 with Z or an offset (default: now)\n"
    "  --tz ZONE   IANA time zone the expression is read in (default UTC)\n";

/// 1..max_count, digits only (no sign, no spaces), or nullopt.
std::optional<int> parse_count(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > max_count) return std::nullopt;
  return value;
}

struct next_options {
  std::optional<std::string> count;
  std::optional<std::string> from;
  std::optional<std::string> tz;
  std::vector<std::string> positional;
  bool help = false;
};

int fail(std::ostream& err, const std::string& message) {
  err << message << '\n';
  return exit_usage;
}

int run_next(const std::vector<std::string>& args, instant now, std::ostream& out,
             std::ostream& err) {
  next_options opts;
  bool options_done = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    // Only `--name` and `-h` are options: an expression is never mistaken for one.
    if (options_done || (arg.rfind("--", 0) != 0 && arg != "-h")) {
      opts.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      opts.help = true;
      continue;
    }
    const std::size_t eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    std::optional<std::string>* slot = name == "--count" ? &opts.count
                                       : name == "--from" ? &opts.from
                                       : name == "--tz"   ? &opts.tz
                                                          : nullptr;
    if (slot == nullptr) return fail(err, "unknown option \"" + name + "\" (see --help)");
    if (slot->has_value()) return fail(err, name + ": given more than once");
    if (eq != std::string::npos) {
      *slot = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      *slot = args[++i];
    } else {
      return fail(err, name + ": missing value");
    }
  }

  if (opts.help) {
    out << usage;
    return exit_ok;
  }

  int count = default_count;
  if (opts.count) {
    const auto parsed = parse_count(*opts.count);
    if (!parsed)
      return fail(err, "--count: expected an integer 1-1000, got \"" + *opts.count + "\"");
    count = *parsed;
  }

  instant from = now;
  if (opts.from) {
    const auto parsed = parse_iso8601(*opts.from);
    if (!parsed)
      return fail(err, "--from: expected ISO-8601 with Z or an offset, got \"" + *opts.from +
                           "\"");
    from = *parsed;
  }

  const date::time_zone* zone = nullptr;
  if (opts.tz) {
    zone = find_zone(*opts.tz);
    if (zone == nullptr) return fail(err, "--tz: unknown time zone \"" + *opts.tz + "\"");
  }

  if (opts.positional.empty()) return fail(err, "missing EXPR (see --help)");
  if (opts.positional.size() > 1)
    return fail(err, "expected one EXPR argument, got " +
                         std::to_string(opts.positional.size()) +
                         " (quote the expression, e.g. '0 9 * * MON-FRI')");

  const auto schedule = cron::parse(opts.positional.front());
  if (!schedule) return fail(err, "schedule: " + schedule.error_message());

  instant t = from;
  for (int i = 0; i < count; ++i) {
    const auto next = cron::next_fire_after(*schedule, t, zone);
    if (!next) {
      err << "no fire time after " << format_iso_ms(t) << '\n';
      return exit_short;
    }
    out << format_iso_ms(*next) << '\n';
    t = *next;
  }
  return exit_ok;
}

}  // namespace

int run_cron_command(const std::vector<std::string>& args, instant now, std::ostream& out,
                     std::ostream& err) {
  if (args.empty()) {
    err << usage;
    return exit_usage;
  }
  if (args.front() == "--help" || args.front() == "-h" || args.front() == "help") {
    out << usage;
    return exit_ok;
  }
  if (args.front() != "next") {
    err << "unknown command \"" << args.front() << "\", expected \"next\" (see --help)\n";
    return exit_usage;
  }
  return run_next(args, now, out, err);
}

}  // namespace taskhook
