// The monitor's configuration keys (alerts.*) with their ranges, and the alert options read from a
// configuration. Defaults are AlertOptions' member initializers, so each is written once. The CLI
// assembles the keys with the other layers'.
#pragma once

#include <vector>

#include "monitor/alerts/alert.hpp"

namespace organism::core {
struct ConfigKey;
class Config;
}  // namespace organism::core

namespace organism::monitor {

std::vector<core::ConfigKey> config_keys();

// core::UsageError naming the key when a webhook URL is refused (not https, nor http to loopback).
AlertOptions alert_options_from(const core::Config& config);

}  // namespace organism::monitor
