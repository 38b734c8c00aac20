// The configuration keys of the data layer (db, data.venue, import.*, quality.*, synth.*) and
// their defaults, written once: the option structs (ImportOptions, QualityOptions, SynthOptions)
// are initialized from these constants and the key table prints them. The CLI assembles it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace organism::core {
struct ConfigKey;
}

namespace organism::data {

namespace defaults {
inline constexpr std::string_view kDb = "./organism.db";
inline constexpr bool kSkipBad = false;
inline constexpr double kOutlierSigmas = 10;
inline constexpr std::string_view kSynthCoins = "BTC,ETH,SOL";
inline constexpr std::string_view kSynthInterval = "1h";
inline constexpr std::size_t kSynthBars = 8760;
inline constexpr std::uint64_t kSynthSeed = 1;
inline constexpr std::string_view kSynthVenue = "synth";
inline constexpr double kSynthCorrelation = 0.6;
inline constexpr std::string_view kSynthStart = "2020-01-01";
inline constexpr std::int64_t kSynthStartMs =
    1577836800000;  // kSynthStart (a test checks they agree)
}  // namespace defaults

// The most bars per coin `data synth` makes (its time checks keep the rest in range).
inline constexpr std::size_t kMaxSynthBars = 50'000'000;

// db, data.venue, import.skip_bad, quality.outlier_sigmas and synth.*, each with its range.
std::vector<core::ConfigKey> config_keys();

}  // namespace organism::data
