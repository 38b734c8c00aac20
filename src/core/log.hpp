// Structured logging to stderr through spdlog; stdout stays for command results.
// Set up once by the CLI; every layer logs through spdlog's default logger.
#pragma once

#include <string_view>

namespace organism::core {

// Installs a stderr logger at the named level (trace, debug, info, warn, error, off).
// Throws UsageError for an unknown level.
void init_logging(std::string_view level);

}  // namespace organism::core
