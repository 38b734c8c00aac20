// The configuration keys of validation (validate.*) with their ranges. Their defaults are read
// from ValidationOptions' member initializers (validate.on_evolve, which no struct holds, is the
// constant below), so each is written once. The CLI assembles them with the other layers' keys.
#pragma once

#include <vector>

namespace organism::core {
struct ConfigKey;
}

namespace organism::validate {

namespace defaults {
inline constexpr bool kOnEvolve = true;  // organism evolve validates its front at the end
}  // namespace defaults

// Every validate.* key, each with its range.
std::vector<core::ConfigKey> config_keys();

}  // namespace organism::validate
