// Rolling median of the last `window` values, in O(n log n) for one sort of the series plus
// about O(1) per bar: values are replaced by their ranks in the whole series, the window is a
// bitset over ranks, and the median rank moves by a few set bits per bar (found a 64-bit word at a
// time). Used by the regime filter (realized volatility against its rolling median), where one
// volatility column meets many median windows: its ranks can be computed once and shared.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace organism::indicators {

// Rank of each finite value among the series' finite values (ties by position), 0-based, as
// doubles (exact below 2^53, so the ranks can live in the indicator cache); NaN where x is not
// finite.
std::vector<double> series_ranks(std::span<const double> x);

// Median of x[i - window + 1 .. i] (the mean of the two middle values when window is even); NaN
// until `window` consecutive finite values end at i. A non-finite value restarts the window.
// `ranks` must be series_ranks(x).
std::vector<double> rolling_median(std::span<const double> x, std::span<const double> ranks, std::size_t window);
std::vector<double> rolling_median(std::span<const double> x, std::size_t window);

}  // namespace organism::indicators
