// Rolling median of the last `window` values, in O(n) for one radix sort of the series plus
// about O(1) per bar: values are replaced by their ranks in the whole series, the window is a
// bitset over ranks, and the median rank moves by a few set bits per bar (found a 64-bit word at a
// time); and its streaming form, RollingMedian, with the same values one bar at a time. Used by
// the regime filter (realized volatility against its rolling median), where one
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

// rolling_median one value at a time (strategy::Runtime's regime filter): update(x[i]) returns
// rolling_median(x, window)[i], the same bits. The window is kept sorted, so a value costs a
// binary search and a move of at most `window` values, whatever the series length.
class RollingMedian {
 public:
  explicit RollingMedian(std::size_t window);
  double update(double x);

 private:
  std::size_t window_;
  std::vector<double> ring_;    // the last `window` values in arrival order
  std::vector<double> sorted_;  // the values of the current run still in the window, sorted
  std::size_t pos_ = 0;         // ring slot of the next value
  std::size_t run_ = 0;         // consecutive finite values so far (capped at window)
};

}  // namespace organism::indicators
