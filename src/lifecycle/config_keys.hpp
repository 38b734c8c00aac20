// The configuration keys of the lifecycle (lifecycle.*) with their ranges, and the options read
// from a configuration. Defaults are LifecycleOptions' member initializers, so each is written
// once. The CLI assembles the keys with the other layers'; the daemon reads the options.
#pragma once

#include <vector>

#include "core/time.hpp"
#include "lifecycle/rules.hpp"

namespace organism::core {
struct ConfigKey;
class Config;
}  // namespace organism::core

namespace organism::lifecycle {

// Every lifecycle.* key, each with its range.
std::vector<core::ConfigKey> config_keys();

// The options from the lifecycle.* keys, bars_per_year from `interval`.
LifecycleOptions lifecycle_options_from(const core::Config& config, const core::Interval& interval);

}  // namespace organism::lifecycle
