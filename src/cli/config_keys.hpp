// Every configuration key organism reads, assembled from the layers that declare them (core,
// data, backtest, evolve, validate), in the order `config show` and docs/configuration.md list
// them. Used to build the Context's Config.
#pragma once

#include <vector>

#include "core/config.hpp"

namespace organism::cli {

std::vector<core::ConfigKey> all_config_keys();

}  // namespace organism::cli
