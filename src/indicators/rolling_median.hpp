// Rolling median of the last `window` values in O(n log window): an ordered multiset of the
// window and an iterator kept on its middle element, moved by at most one step per insert and per
// erase. Used by the regime filter (realized volatility against its rolling median).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace organism::indicators {

// Median of x[i - window + 1 .. i] (the mean of the two middle values when window is even); NaN
// until `window` consecutive finite values end at i. A non-finite value restarts the window.
std::vector<double> rolling_median(std::span<const double> x, std::size_t window);

}  // namespace organism::indicators
