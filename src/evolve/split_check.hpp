// The check that a coin's split leaves every later segment long enough to judge a strategy on:
// an out-of-sample or walk-forward segment shorter than the longest indicator lookback (or
// emptied by the embargo) would report Sharpe 0 for every strategy and pass silently. Used by
// split_market, through which evolve, validate and report all load a run's universe.
#pragma once

#include <cstddef>
#include <string>

#include "evolve/splits.hpp"

namespace organism::evolve {

// The lengths of a split as one line: "54613 bars, embargo 20000: in-sample 32767,
// out-of-sample 0, walk-forward 0 bars".
std::string describe_split(std::size_t bars, std::size_t embargo, const Splits& splits);

// Throws core::UsageError (the embargo or the series is the user's choice) when the
// out-of-sample or walk-forward segment of `label`'s split holds fewer than `min_bars` bars,
// naming the coin, every segment's length and the minimum.
void check_segment_lengths(const std::string& label, std::size_t bars, std::size_t embargo, const Splits& splits,
                           std::size_t min_bars);

}  // namespace organism::evolve
