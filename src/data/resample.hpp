// Resampling candles from a smaller interval to a larger one (1m -> 4h, 1h -> 1M, ...).
// Used by `organism data resample` and by anything that derives coarse series from stored fine
// ones.
#pragma once

#include <cstddef>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"

namespace organism::data {

// What resample built and what it left out. Gaps are reported, never filled.
struct ResampleResult {
  Candles bars;
  std::size_t source_bars = 0;
  // Source bars in an incomplete first bucket: dropped, since its open would be misstated.
  std::size_t dropped_leading = 0;
  // Source bars in an incomplete last bucket: dropped, since its last bar may still be forming.
  std::size_t dropped_trailing = 0;
  // Opens of interior buckets built from fewer bars than the interval holds, because of gaps in
  // the source. They are kept: their OHLC is what the exchange traded in the bars it has.
  std::vector<TimeMs> partial;
};

// Throws core::UsageError unless `to` is larger than `from` and every `to` bucket is a whole
// number of `from` bars (1h -> 4h, 1h -> 1M and 1d -> 1w tile; 1w -> 1M and 3d -> 1w do not).
void check_resample_intervals(const core::Interval& from, const core::Interval& to);

// Builds `to` bars from `from` bars: first open, max high, min low, last close, summed volume and
// trades (kUnknownTrades if any source count is unknown). Source times must be strictly increasing
// and aligned to `from` (core::Error otherwise). A first or last bucket missing any bar is dropped;
// an interior bucket missing bars is kept and listed in `partial`. One pass, O(n).
ResampleResult resample(CandleView source, const core::Interval& from, const core::Interval& to);

}  // namespace organism::data
