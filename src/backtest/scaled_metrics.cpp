#include "backtest/scaled_metrics.hpp"

#include <cmath>

#include "backtest/compensated_sum.hpp"
#include "core/error.hpp"
#include "core/scratch.hpp"

namespace organism::backtest {
namespace {

// Bust-aware bar returns as compute_metrics takes them: once the equity reaches 0 it stays 0
// and later bars return 0. `r` may not alias `equity`. Returns their compensated sum, taken in
// the same pass (the division and the sum's addition chain overlap; a second pass would not).
double bar_returns(std::span<const double> equity, double initial_equity, std::span<double> r) {
  CompensatedSum sum;
  double prev = initial_equity;
  for (std::size_t t = 0; t < equity.size(); ++t) {
    const double e = (prev > 0 && equity[t] > 0) ? equity[t] : 0.0;
    r[t] = prev > 0 ? (e - prev) / prev : 0.0;
    sum.add(r[t]);
    prev = e;
  }
  return sum.value();
}

// target / annualized std(r, ddof=1), `sum` being the sum of r; 0 for fewer than 2 returns or a
// flat curve.
double scale_of(std::span<const double> r, double sum, double bars_per_year, double target_volatility) {
  const std::size_t n = r.size();
  if (n < 2) return 0.0;
  const double mean = sum / static_cast<double>(n);
  CompensatedSum squares;
  for (double x : r) squares.add((x - mean) * (x - mean));
  const double volatility = std::sqrt(squares.value() / static_cast<double>(n - 1)) * std::sqrt(bars_per_year);
  // Below this a curve is flat up to rounding: scaling it would blow rounding noise up to 20%.
  constexpr double kFlat = 1e-12;
  return volatility > kFlat && std::isfinite(volatility) ? target_volatility / volatility : 0.0;
}

// Overwrites the returns in `curve` with the equity compounded from k r_t (in place: each slot
// is read before it is written).
void compound(std::span<double> curve, double initial_equity, double scale) {
  double e = initial_equity;
  for (double& slot : curve) {
    const double growth = 1.0 + scale * slot;
    e = growth > 0 ? e * growth : 0.0;
    slot = e;
  }
}

void check_target(double target_volatility) {
  if (!(target_volatility > 0 && std::isfinite(target_volatility))) {
    throw core::UsageError("metrics: the target volatility must be a positive number");
  }
}

}  // namespace

double volatility_scale(std::span<const double> equity, double initial_equity, double bars_per_year,
                        double target_volatility) {
  check_target(target_volatility);
  std::vector<double> r(equity.size());
  const double sum = bar_returns(equity, initial_equity, r);
  return scale_of(r, sum, bars_per_year, target_volatility);
}

ScaledCurve scale_curve(std::span<const double> equity, std::span<const double> exposure, double initial_equity,
                        double scale) {
  ScaledCurve out;
  out.scale = scale;
  out.equity.resize(equity.size());
  bar_returns(equity, initial_equity, out.equity);
  compound(out.equity, initial_equity, scale);
  out.exposure.resize(exposure.size());
  for (std::size_t t = 0; t < exposure.size(); ++t) out.exposure[t] = scale * exposure[t];
  return out;
}

double scale_equity_to_volatility(std::span<const double> equity, double initial_equity, double bars_per_year,
                                  double target_volatility, std::vector<double>& equity_out) {
  check_target(target_volatility);
  const std::span<double> curve = core::reused(equity_out, equity.size());
  const double sum = bar_returns(equity, initial_equity, curve);
  const double scale = scale_of(curve, sum, bars_per_year, target_volatility);
  if (scale <= 0) return 0.0;
  compound(curve, initial_equity, scale);
  return scale;
}

double scale_to_volatility(std::span<const double> equity, std::span<const double> exposure, double initial_equity,
                           double bars_per_year, double target_volatility, ScaledCurve& out) {
  out.scale = scale_equity_to_volatility(equity, initial_equity, bars_per_year, target_volatility, out.equity);
  out.equity.resize(equity.size());
  if (out.scale <= 0) return 0.0;
  out.exposure.resize(exposure.size());
  for (std::size_t t = 0; t < exposure.size(); ++t) out.exposure[t] = out.scale * exposure[t];
  return out.scale;
}

}  // namespace organism::backtest
