// The configuration keys of the portfolio allocator (portfolio.*) with their ranges, and the
// allocator's options read from a configuration. Defaults are AllocatorOptions' member
// initializers, so each is written once. The CLI assembles the keys with the other layers'.
#pragma once

#include <vector>

#include "core/time.hpp"
#include "portfolio/allocator.hpp"

namespace organism::core {
struct ConfigKey;
class Config;
}  // namespace organism::core

namespace organism::portfolio {

// Every portfolio.* key, each with its range.
std::vector<core::ConfigKey> config_keys();

// The allocator's options from the portfolio.* keys, annualized for `interval`; core::UsageError
// (check_options) naming the key when the combination is unusable.
AllocatorOptions allocator_options_from(const core::Config& config, const core::Interval& interval);

}  // namespace organism::portfolio
