#include "validate/pbo.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"

namespace organism::validate {

namespace {

void validate_inputs(std::span<const std::span<const double>> returns, const PboOptions& options) {
  const int s = options.blocks;
  if (s < 2 || s % 2 != 0 || s > kMaxPboBlocks) {
    throw core::UsageError("PBO: the number of blocks S must be even and in [2, " +
                           std::to_string(kMaxPboBlocks) + "], got " + std::to_string(s));
  }
  if (returns.size() < 2) {
    throw core::UsageError("PBO: needs at least 2 strategies to rank, got " +
                           std::to_string(returns.size()));
  }
  const std::size_t bars = returns[0].size();
  for (std::size_t n = 1; n < returns.size(); ++n) {
    if (returns[n].size() != bars) {
      throw core::UsageError("PBO: strategy " + std::to_string(n) + " has " +
                             std::to_string(returns[n].size()) + " bars but strategy 0 has " +
                             std::to_string(bars) + "; all must cover the same bars");
    }
  }
  const auto blocks = static_cast<std::size_t>(s);
  if (blocks > bars) {
    throw core::UsageError("PBO: S = " + std::to_string(s) + " blocks need at least " +
                           std::to_string(s) + " bars, got " + std::to_string(bars));
  }
  if (bars / blocks * (blocks / 2) < 2) {
    throw core::UsageError("PBO: each half of " + std::to_string(s / 2) +
                           " blocks needs at least 2 bars for a standard deviation, got " +
                           std::to_string(bars / blocks * (blocks / 2)) +
                           " (T = " + std::to_string(bars) + ")");
  }
  for (std::size_t n = 0; n < returns.size(); ++n) {
    for (std::size_t t = 0; t < bars; ++t) {
      if (!std::isfinite(returns[n][t])) {
        throw core::Error("PBO: strategy " + std::to_string(n) + ", bar " + std::to_string(t) +
                          ": return is not a finite number (" + std::to_string(returns[n][t]) +
                          ")");
      }
    }
  }
}

// Per block and strategy, the sum and the sum of squares of the returns minus the strategy's
// mean over the used bars. Centering keeps var = (sq - sum^2 / m) / (m - 1) free of
// cancellation when the mean is large next to the spread. Layout [block][strategy], so a
// combination adds whole rows.
struct BlockSums {
  std::size_t strategies = 0;
  std::vector<double> center;  // [strategy]
  std::vector<double> sum;     // [block * strategies + strategy]
  std::vector<double> sum_sq;  // same layout
  std::vector<double> total_sum;
  std::vector<double> total_sum_sq;
};

BlockSums block_sums(std::span<const std::span<const double>> returns, std::size_t blocks,
                     std::size_t block_bars) {
  BlockSums sums;
  const std::size_t n_strategies = returns.size();
  const std::size_t used = blocks * block_bars;
  sums.strategies = n_strategies;
  sums.center.assign(n_strategies, 0.0);
  sums.sum.assign(blocks * n_strategies, 0.0);
  sums.sum_sq.assign(blocks * n_strategies, 0.0);
  sums.total_sum.assign(n_strategies, 0.0);
  sums.total_sum_sq.assign(n_strategies, 0.0);
  for (std::size_t n = 0; n < n_strategies; ++n) {
    const std::span<const double> r = returns[n].first(used);
    double mean = 0.0;
    for (double x : r) mean += x;
    mean /= static_cast<double>(used);
    sums.center[n] = mean;
    for (std::size_t b = 0; b < blocks; ++b) {
      double s = 0.0, sq = 0.0;
      for (double x : r.subspan(b * block_bars, block_bars)) {
        const double d = x - mean;
        s += d;
        sq += d * d;
      }
      sums.sum[b * n_strategies + n] = s;
      sums.sum_sq[b * n_strategies + n] = sq;
      sums.total_sum[n] += s;
      sums.total_sum_sq[n] += sq;
    }
  }
  return sums;
}

// Sharpe (per bar, ddof = 1) of m bars from centered sums. A standard deviation at rounding
// level of the mean means a constant series, whose Sharpe is 0 as in backtest::Metrics.
// Branch-free so that the loop over strategies vectorizes (sqrt and division dominate).
inline double sharpe_from_sums(double center, double sum, double sum_sq, double m) {
  const double mean = center + sum / m;
  const double var = (sum_sq - sum * sum / m) / (m - 1.0);
  const double sd = std::sqrt(std::max(var, 0.0));
  const double sharpe = mean / sd;  // +-inf or NaN when sd = 0, masked out below
  return sd > 1e-12 * std::abs(mean) ? sharpe : 0.0;
}

// Advances idx (an increasing k-subset of 0..n-1) to the next one in lexicographic order and
// returns the first position that changed, or k when idx was the last subset.
std::size_t next_combination(std::vector<std::size_t>& idx, std::size_t n) {
  const std::size_t k = idx.size();
  std::size_t i = k;
  while (i > 0 && idx[i - 1] == n - k + (i - 1)) --i;
  if (i == 0) return k;
  ++idx[i - 1];
  for (std::size_t j = i; j < k; ++j) idx[j] = idx[j - 1] + 1;
  return i - 1;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lower + upper);
}

void summarize(PboResult& result) {
  const double count = static_cast<double>(result.combinations);
  std::int64_t overfit = 0, losses = 0;
  double logit_sum = 0.0, x_mean = 0.0, y_mean = 0.0;
  for (std::size_t c = 0; c < result.logits.size(); ++c) {
    if (result.logits[c] <= 0.0) ++overfit;
    if (result.selected_oos[c] < 0.0) ++losses;
    logit_sum += result.logits[c];
    x_mean += result.selected_is[c];
    y_mean += result.selected_oos[c];
  }
  result.pbo = static_cast<double>(overfit) / count;
  result.probability_of_loss = static_cast<double>(losses) / count;
  result.logit_mean = logit_sum / count;
  result.logit_median = median(result.logits);
  x_mean /= count;
  y_mean /= count;
  double sxx = 0.0, sxy = 0.0;
  for (std::size_t c = 0; c < result.logits.size(); ++c) {
    const double dx = result.selected_is[c] - x_mean;
    sxx += dx * dx;
    sxy += dx * (result.selected_oos[c] - y_mean);
  }
  if (sxx > 0.0) {
    result.degradation_slope = sxy / sxx;
    result.degradation_intercept = y_mean - result.degradation_slope * x_mean;
  }
}

}  // namespace

std::int64_t cscv_combinations(int blocks) {
  if (blocks < 0 || blocks % 2 != 0 || blocks > 60) {
    throw core::UsageError("cscv_combinations: blocks must be even and in [0, 60], got " +
                           std::to_string(blocks));
  }
  // C(n, k) built as a running product that stays an exact integer at every step.
  std::int64_t c = 1;
  const int k = blocks / 2;
  for (int i = 1; i <= k; ++i) c = c * (blocks - k + i) / i;
  return c;
}

PboResult probability_of_backtest_overfitting(
    std::span<const std::span<const double>> strategy_returns, const PboOptions& options) {
  validate_inputs(strategy_returns, options);
  const auto blocks = static_cast<std::size_t>(options.blocks);
  const std::size_t half = blocks / 2;
  const std::size_t n_strategies = strategy_returns.size();
  const std::size_t bars = strategy_returns[0].size();

  PboResult result;
  result.bars_per_block = bars / blocks;
  result.dropped_bars = bars - blocks * result.bars_per_block;
  result.combinations = cscv_combinations(options.blocks);
  const auto count = static_cast<std::size_t>(result.combinations);
  result.logits.reserve(count);
  result.selected.reserve(count);
  result.selected_is.reserve(count);
  result.selected_oos.reserve(count);

  const BlockSums sums = block_sums(strategy_returns, blocks, result.bars_per_block);
  const double m = static_cast<double>(half * result.bars_per_block);  // bars in each half

  // prefix_*[k] holds the sums over the first k in-sample blocks; lexicographic successors
  // share a prefix, so only the rows from the first changed position on are rebuilt.
  std::vector<std::vector<double>> prefix_sum(half + 1, std::vector<double>(n_strategies, 0.0));
  std::vector<std::vector<double>> prefix_sq(half + 1, std::vector<double>(n_strategies, 0.0));
  std::vector<double> is_sharpe(n_strategies), oos_sharpe(n_strategies);
  std::vector<std::size_t> idx(half);
  for (std::size_t k = 0; k < half; ++k) idx[k] = k;
  std::size_t changed = 0;

  while (changed < half) {
    for (std::size_t k = changed; k < half; ++k) {
      const double* row_sum = &sums.sum[idx[k] * n_strategies];
      const double* row_sq = &sums.sum_sq[idx[k] * n_strategies];
      for (std::size_t n = 0; n < n_strategies; ++n) {
        prefix_sum[k + 1][n] = prefix_sum[k][n] + row_sum[n];
        prefix_sq[k + 1][n] = prefix_sq[k][n] + row_sq[n];
      }
    }
    const std::vector<double>& is_sum = prefix_sum[half];
    const std::vector<double>& is_sq = prefix_sq[half];
    for (std::size_t n = 0; n < n_strategies; ++n) {
      is_sharpe[n] = sharpe_from_sums(sums.center[n], is_sum[n], is_sq[n], m);
      oos_sharpe[n] = sharpe_from_sums(sums.center[n], sums.total_sum[n] - is_sum[n],
                                       sums.total_sum_sq[n] - is_sq[n], m);
    }
    std::size_t best = 0;
    for (std::size_t n = 1; n < n_strategies; ++n) {
      if (is_sharpe[n] > is_sharpe[best]) best = n;
    }
    std::size_t below = 0, tied = 0;  // tied counts n* itself
    for (double s : oos_sharpe) {
      below += s < oos_sharpe[best] ? 1 : 0;
      tied += s == oos_sharpe[best] ? 1 : 0;
    }
    const double rank = static_cast<double>(below) + 0.5 * static_cast<double>(tied + 1);
    const double w = rank / static_cast<double>(n_strategies + 1);
    result.logits.push_back(std::log(w / (1.0 - w)));
    result.selected.push_back(best);
    result.selected_is.push_back(is_sharpe[best]);
    result.selected_oos.push_back(oos_sharpe[best]);
    changed = next_combination(idx, blocks);
  }
  summarize(result);
  return result;
}

}  // namespace organism::validate
