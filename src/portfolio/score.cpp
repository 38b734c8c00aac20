// The multi-factor score and Pearson's correlation (score.hpp).
#include "portfolio/score.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "backtest/compensated_sum.hpp"
#include "backtest/metrics.hpp"
#include "validate/sharpe_stats.hpp"

namespace organism::portfolio {

StreamScore score_stream(std::span<const double> returns, double age_days,
                         const AllocatorOptions& options) {
  StreamScore out;
  // The Sharpe ratio on the stream itself (a rounding-level variance counts as none).
  out.sharpe = annualized_sharpe(returns, options.bars_per_year);
  // Consistency and drawdown of the compounded curve, exactly as a backtest's metrics.
  std::vector<double> equity(returns.size());
  double e = 1.0;
  for (std::size_t i = 0; i < returns.size(); ++i) {
    e = e > 0 ? e * (1.0 + returns[i]) : 0.0;  // a bust stays bust
    equity[i] = e;
  }
  const std::vector<double> no_exposure(returns.size(), 0.0);
  backtest::MetricsOptions metrics_options;
  metrics_options.bars_per_year = options.bars_per_year;
  metrics_options.consistency_windows = options.consistency_windows;
  metrics_options.initial_equity = 1.0;
  const backtest::Metrics m = backtest::compute_metrics(equity, no_exposure, {}, metrics_options);
  out.consistency = m.consistency;
  out.max_drawdown = m.max_drawdown;
  out.age_days = age_days;
  const SizingParams& w = options.sizing;
  out.score = w.score_sharpe * std::clamp(out.sharpe / 3.0, -1.0, 1.0) +
              w.score_consistency * out.consistency -
              w.score_drawdown * std::min(out.max_drawdown / 0.5, 1.0) +
              w.score_age * std::clamp(age_days / options.age_full_days, 0.0, 1.0);
  return out;
}

double pearson(std::span<const double> a, std::span<const double> b) {
  const std::size_t n = a.size();
  if (n < 2) return 0.0;
  backtest::CompensatedSum sa, sb;
  for (std::size_t i = 0; i < n; ++i) {
    sa.add(a[i]);
    sb.add(b[i]);
  }
  const double ma = sa.value() / static_cast<double>(n), mb = sb.value() / static_cast<double>(n);
  backtest::CompensatedSum cab, caa, cbb;
  for (std::size_t i = 0; i < n; ++i) {
    const double da = a[i] - ma, db = b[i] - mb;
    cab.add(da * db);
    caa.add(da * da);
    cbb.add(db * db);
  }
  if (!(caa.value() > 0) || !(cbb.value() > 0)) return 0.0;
  return std::clamp(cab.value() / std::sqrt(caa.value() * cbb.value()), -1.0, 1.0);
}

}  // namespace organism::portfolio
