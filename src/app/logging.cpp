#include "app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>

#include "core/time_format.hpp"
#include "http/json.hpp"

namespace taskhook::app {
namespace {

constexpr std::array<const char*, 6> components{"app", "db", "http", "actors", "webhook", "cluster"};

/// One JSON object per line: {"time","level","logger","msg"}. The message is
/// escaped, so a quote in a task name cannot break the line.
class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto t = std::chrono::time_point_cast<std::chrono::milliseconds>(msg.time);
    std::string line = R"({"time":")" + format_iso_ms(instant(t.time_since_epoch())) +
                       R"(","level":")";
    auto level = spdlog::level::to_string_view(msg.level);
    line.append(level.data(), level.size());
    line += R"(","logger":")";
    line.append(msg.logger_name.data(), msg.logger_name.size());
    line += R"(","msg":)";
    http::append_json_string(line, std::string_view(msg.payload.data(), msg.payload.size()));
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }

};

}  // namespace

void setup_logging(const config& cfg) {
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  if (cfg.log_fmt == log_format::json)
    sink->set_formatter(std::make_unique<json_formatter>());
  else
    sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%eZ %-5l [%n] %v", spdlog::pattern_time_type::utc));
  auto level = spdlog::level::from_str(cfg.log_level);
  spdlog::drop_all();
  for (const char* name : components) {
    auto logger = std::make_shared<spdlog::logger>(name, sink);
    logger->set_level(level);
    logger->flush_on(spdlog::level::info);
    spdlog::register_logger(logger);
  }
  spdlog::set_default_logger(spdlog::get("app"));
}

}  // namespace taskhook::app
