// The configuration keys of evolution (evolve.*) with their ranges. The defaults of keys that
// set an EvolveOptions field are read from EvolveOptions' member initializers, so each is written
// once; the others (the universe, threads, cache, embargo, MPI) are the constants below. The CLI
// assembles them with the other layers' keys.
#pragma once

#include <string_view>
#include <vector>

namespace organism::core {
struct ConfigKey;
}

namespace organism::evolve {

namespace defaults {
inline constexpr std::string_view kCoins = "BTC,ETH,SOL";
inline constexpr std::string_view kInterval = "1h";
inline constexpr int kThreads = 0;  // all cores
inline constexpr int kCacheMb = 2048;
inline constexpr std::string_view kEmbargo = "auto";  // the longest indicator lookback
inline constexpr double kMpiTimeout = 0;              // no limit
inline constexpr std::string_view kDistributed = "islands";
inline constexpr std::string_view kWarmStart = "";  // a cold start
inline constexpr double kTimeBudgetSeconds = 0;     // no limit
}  // namespace defaults

// The largest count (population, generations, threads, ...) a key accepts: it fits an int.
inline constexpr double kMaxConfigCount = 1'000'000'000;
// The largest indicator cache, in MiB (1 TiB).
inline constexpr double kMaxCacheMb = 1 << 20;

// Every evolve.* key, each with its range.
std::vector<core::ConfigKey> config_keys();

}  // namespace organism::evolve
