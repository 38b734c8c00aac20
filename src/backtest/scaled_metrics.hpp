// Metrics of a backtest rescaled to a common annualized volatility: the equity curve's bar
// returns multiplied by one factor k so that their volatility is the target. Used by evolution and
// validation, whose objectives must not reward trading small (position size is the allocator's).
#pragma once

#include <span>
#include <vector>

#include "backtest/metrics.hpp"

namespace organism::backtest {

// k = target / (std(r, ddof=1) sqrt(bars_per_year)) of the bust-aware bar returns of `equity`
// (docs/metrics.md); 0 when the returns have no volatility (a strategy that never trades).
double volatility_scale(std::span<const double> equity, double initial_equity, double bars_per_year,
                        double target_volatility);

// The curve a position k times as large would have had if every bar's return scaled exactly:
// e'_t = e'_{t-1} (1 + k r_t), e'_{-1} = initial; a bar where k r_t <= -1 busts (e' = 0 from there
// on). exposure'_t = k exposure_t. Costs scale with size, so only compounding and liquidation
// are not linear in k: that is the approximation, and why it is exact for the Sharpe ratio.
struct ScaledCurve {
  std::vector<double> equity;
  std::vector<double> exposure;
  double scale = 0;
};
ScaledCurve scale_curve(std::span<const double> equity, std::span<const double> exposure, double initial_equity,
                        double scale);

// The equity half of scale_to_volatility, for compute_metrics, which reads k x exposure_t as it
// goes instead of storing it: k, and the scaled equity into `equity_out` (grown, never shrunk: the
// first equity.size() values are the curve). Returns 0 for a flat curve (equity_out then holds
// the bar returns).
double scale_equity_to_volatility(std::span<const double> equity, double initial_equity, double bars_per_year,
                                  double target_volatility, std::vector<double>& equity_out);

// Both at once into `out`, whose buffers are reused (no allocation once they are large enough:
// compute_metrics keeps one per thread): k = volatility_scale, then the curve scaled by k.
// Returns k; 0 for a flat curve, `out` then holding no scaled curve.
double scale_to_volatility(std::span<const double> equity, std::span<const double> exposure, double initial_equity,
                           double bars_per_year, double target_volatility, ScaledCurve& out);

}  // namespace organism::backtest
