// Structured logging to stderr through spdlog; stdout stays for command results.
// Set up once by the CLI; every layer logs through spdlog's default logger.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace organism::core {

// Installs a stderr logger at the named level (trace, debug, info, warn, error, off).
// Throws UsageError for an unknown level.
void init_logging(std::string_view level);

// Also writes every log line to `path`, rotated by size (spdlog's rotating file sink: at
// `max_bytes` run.log becomes run.1.log, run.1.log becomes run.2.log, ..., keeping `files` old
// ones),
// keys log.max_bytes and log.files. Lines still go to stderr too. Returns a logger that writes
// to the file alone, for lines already printed on stdout. core::Error naming the file when it
// cannot be opened.
std::shared_ptr<spdlog::logger> add_log_file(const std::string& path, std::size_t max_bytes, std::size_t files);

}  // namespace organism::core
