// The allocator's multi-factor score of one return stream, and the Pearson correlation of two:
// steps 2 and 3 of allocate() (allocator.hpp).
#pragma once

#include <span>

#include "portfolio/allocator.hpp"
#include "validate/sharpe_stats.hpp"

namespace organism::portfolio {

struct StreamScore {
  double sharpe = 0;  // annualized, mean / std (ddof 1) x sqrt(bars_per_year); 0 without variance
  double consistency =
      0;  // share of consistency_windows equal windows with a compounded return > 0
  double max_drawdown = 0;  // of the compounded curve, a fraction of its running peak (start = 1)
  double age_days = 0;
  // w_sharpe clamp(sharpe / 3, -1, 1) + w_consistency consistency - w_drawdown min(maxDD / 0.5, 1)
  // + w_age clamp(age_days / age_full_days, 0, 1) (DESIGN.md's score with evolvable weights and
  // age).
  double score = 0;
};

// mean / std (ddof 1) x sqrt(bars_per_year) of a return stream: the score's, and the best-single
// baseline's (one implementation, in validate/sharpe_stats.hpp).
using validate::annualized_sharpe;

// returns: the strategy's per-bar returns over the lookback (at least one bar).
StreamScore score_stream(std::span<const double> returns, double age_days,
                         const AllocatorOptions& options);

// Pearson's correlation of two series of the same length; 0 when either has no variance (a
// constant stream is no copy of anything).
double pearson(std::span<const double> a, std::span<const double> b);

}  // namespace organism::portfolio
