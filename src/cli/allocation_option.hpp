// `--allocation identity|allocator` of `organism paper`, `trade` and `replay`: how the trading
// loop sizes its strategies (exec/allocation_stage.hpp). Shared so the three say it alike.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/config.hpp"
#include "core/time.hpp"
#include "portfolio/allocator.hpp"

namespace organism::cli {

void add_allocation_option(CLI::App* cmd, std::string& mode);

// nullopt for "identity"; the allocator's options (the portfolio.* keys, annualized for
// `interval`) for "allocator"; core::UsageError naming --allocation for anything else.
std::optional<portfolio::AllocatorOptions> allocation_from(const std::string& mode, const core::Config& config,
                                                           const core::Interval& interval);

}  // namespace organism::cli
