// Picking a stored series from --venue/--coin/--interval, shared by the data subcommands.
#pragma once

#include <optional>
#include <string>

#include "cli/context.hpp"
#include "data/store.hpp"

namespace organism::cli {

// The venue to use for coin (at interval, if given): --venue when given, the only venue that
// holds the coin, or config data.venue when several do. UsageError naming the choices otherwise,
// core::Error when no venue holds it.
std::string resolve_venue(data::Store& store, const Context& ctx, const std::string& venue,
                          const std::string& coin, const std::string& interval);

}  // namespace organism::cli
