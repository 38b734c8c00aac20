// The lower tail of a sample: a quantile with numpy's default (linear) rule and the mean of the
// values at or below it. Used by metrics (historical VaR/CVaR); fit for any tail statistic.
#pragma once

#include <span>

namespace organism::backtest {

struct LowerTail {
  double quantile = 0;  // the p-quantile
  double mean = 0;      // mean of every value <= quantile (never empty)
};

// Over the sorted values x_(0) <= ... <= x_(n-1): h = p (n - 1), i = floor h,
// quantile = x_(i) + (h - i)(x_(i+1) - x_(i)), numpy's "linear" (default) method. 0 < p < 1; an
// empty sample gives {0, 0}. Reorders `values` (scratch) and allocates nothing. O(n): a
// threshold from a strided sample lets std::nth_element work on the tail alone (about 1.5 p of the
// values), falling back to the whole sample when the threshold misses.
LowerTail lower_tail(std::span<double> values, double p);

}  // namespace organism::backtest
