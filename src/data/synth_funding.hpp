// Hourly funding rates of the synthetic market, derived from an already generated coin path.
// Used only by synth.cpp; a separate unit because funding runs on its own (hourly) clock.
#pragma once

#include <cstdint>
#include <string>

#include "core/random.hpp"
#include "data/series.hpp"
#include "data/synth.hpp"

namespace organism::data::synth_detail {

// Settlements at every whole hour H with first bar time <= H <= end (the last bar's close).
// The rate at H sees only closes of bars that ended at or before H, so funding never leaks the
// future of the price path.
FundingSeries make_funding(const SynthOptions& options, const std::string& coin,
                           const Candles& bars, TimeMs end, core::Rng rng);

}  // namespace organism::data::synth_detail
