#include "cli/allocation_option.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "portfolio/config_keys.hpp"

namespace organism::cli {

void add_allocation_option(CLI::App* cmd, std::string& mode) {
  cmd->add_option("--allocation", mode,
                  "identity (each strategy trades its own capital share at its own target) or allocator (the "
                  "portfolio allocator sizes them: score, Kelly, caps, correlation filter, regimes; it applies the "
                  "portfolio.* keys, see docs/portfolio.md)")
      ->capture_default_str();
}

std::optional<portfolio::AllocatorOptions> allocation_from(const std::string& mode, const core::Config& config,
                                                           const core::Interval& interval) {
  if (mode == "identity") return std::nullopt;
  if (mode == "allocator") return portfolio::allocator_options_from(config, interval);
  throw core::UsageError(fmt::format("--allocation '{}': expected identity or allocator", mode));
}

}  // namespace organism::cli
