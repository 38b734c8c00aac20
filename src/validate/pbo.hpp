// Probability of Backtest Overfitting by combinatorially symmetric cross-validation (CSCV,
// Bailey, Borwein, López de Prado & Zhu 2017). Used by validation on the final population.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace organism::validate {

struct PboOptions {
  // S: the bars are cut into S contiguous blocks of floor(T / S) bars each; the T mod S bars
  // left over at the end are dropped. Even, 2..kMaxPboBlocks (C(S, S/2) combinations).
  int blocks = 16;
};

// C(24, 12) = 2,704,156 combinations; past that the cost grows ~4x per step of 2.
inline constexpr int kMaxPboBlocks = 24;

struct PboResult {
  // Share of combinations whose in-sample winner ranks at or below the out-of-sample median,
  // i.e. with logit <= 0 (the paper's convention: a winner exactly at the median counts).
  double pbo = 0;
  std::int64_t combinations = 0;  // C(S, S/2)
  std::size_t bars_per_block = 0;
  std::size_t dropped_bars = 0;  // T mod S, the last bars, not used
  // Per combination, in lexicographic order of the in-sample block sets ({0..S/2-1} first):
  std::vector<double> logits;         // lambda = log(w / (1 - w)), w = OOS rank / (N + 1)
  std::vector<std::size_t> selected;  // n*, the in-sample winner (lowest index on a tie)
  std::vector<double> selected_is;    // n*'s in-sample Sharpe (per bar)
  std::vector<double> selected_oos;   // n*'s out-of-sample Sharpe (per bar)
  double logit_mean = 0;
  double logit_median = 0;  // mean of the two middle values for an even count
  // Performance degradation: least-squares line selected_oos = intercept + slope selected_is.
  // Both 0 when selected_is does not vary (every combination picked the same Sharpe).
  double degradation_slope = 0;
  double degradation_intercept = 0;
  double probability_of_loss = 0;  // share of combinations with selected_oos < 0
};

// strategy_returns[n] is strategy n's per-bar returns (all the same length T). Performance in a
// set of blocks is the Sharpe ratio mean / std(ddof=1) of the bars in those blocks, per bar; a
// zero standard deviation gives Sharpe 0 (as backtest::Metrics does). OOS ranks run from 1
// (worst) to N (best); tied OOS Sharpes share their average rank.
//
// Throws core::UsageError for an odd S, S < 2 or S > kMaxPboBlocks, fewer than 2 strategies,
// strategies of different lengths, S > T, or halves of fewer than 2 bars; core::Error for a
// non-finite return (naming the strategy and the bar). O(T N) to build per-block sums, then
// O(N S) per combination.
PboResult probability_of_backtest_overfitting(
    std::span<const std::span<const double>> strategy_returns, const PboOptions& options = {});

// C(S, S/2), the number of CSCV combinations for S blocks (exact; S <= 60).
std::int64_t cscv_combinations(int blocks);

}  // namespace organism::validate
