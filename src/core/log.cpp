#include "core/log.hpp"

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"

namespace organism::core {

void init_logging(std::string_view level) {
  const auto parsed = spdlog::level::from_str(std::string(level));
  // from_str maps unknown names to "off"; only accept "off" when it was asked for.
  if (parsed == spdlog::level::off && level != "off") {
    throw UsageError(fmt::format("unknown log level '{}' (trace, debug, info, warn, error, off)", level));
  }
  auto logger = spdlog::stderr_color_mt("organism");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(parsed);
  spdlog::set_default_logger(logger);
}

std::shared_ptr<spdlog::logger> add_log_file(const std::string& path, std::size_t max_bytes, std::size_t files) {
  std::shared_ptr<spdlog::sinks::rotating_file_sink_mt> sink;
  try {
    sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path, max_bytes, files);
  } catch (const spdlog::spdlog_ex& e) {
    throw Error(fmt::format("--log-file {}: cannot open it ({})", path, e.what()));
  }
  const auto pattern = "%Y-%m-%dT%H:%M:%S.%eZ %l %v";
  sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(pattern, spdlog::pattern_time_type::utc));
  auto logger = spdlog::default_logger();
  // Added before any other thread logs (the daemon's start), so the unsynchronized vector is safe.
  logger->sinks().push_back(sink);
  auto file_only = std::make_shared<spdlog::logger>("organism-file", sink);
  file_only->set_level(spdlog::level::info);
  file_only->flush_on(spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  return file_only;
}

}  // namespace organism::core
