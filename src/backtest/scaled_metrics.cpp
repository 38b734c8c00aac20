#include "backtest/scaled_metrics.hpp"

#include <cmath>

#include "backtest/compensated_sum.hpp"
#include "core/error.hpp"

namespace organism::backtest {
namespace {

// The bar return of e_t over the previous effective equity, bust-aware as in compute_metrics:
// once the equity reaches 0 it stays 0 and later bars return 0.
template <typename Visit>
void for_each_return(std::span<const double> equity, double initial_equity, Visit&& visit) {
  double prev = initial_equity;
  for (std::size_t t = 0; t < equity.size(); ++t) {
    const double e = (prev > 0 && equity[t] > 0) ? equity[t] : 0.0;
    visit(t, prev > 0 ? (e - prev) / prev : 0.0);
    prev = e;
  }
}

}  // namespace

double volatility_scale(std::span<const double> equity, double initial_equity, double bars_per_year,
                        double target_volatility) {
  if (!(target_volatility > 0 && std::isfinite(target_volatility))) {
    throw core::UsageError("metrics: the target volatility must be a positive number");
  }
  const std::size_t n = equity.size();
  if (n < 2) return 0.0;
  CompensatedSum sum;
  for_each_return(equity, initial_equity, [&](std::size_t, double r) { sum.add(r); });
  const double mean = sum.value() / static_cast<double>(n);
  CompensatedSum squares;
  for_each_return(equity, initial_equity, [&](std::size_t, double r) { squares.add((r - mean) * (r - mean)); });
  const double volatility = std::sqrt(squares.value() / static_cast<double>(n - 1)) * std::sqrt(bars_per_year);
  // Below this a curve is flat up to rounding: scaling it would blow rounding noise up to 20%.
  constexpr double kFlat = 1e-12;
  return volatility > kFlat && std::isfinite(volatility) ? target_volatility / volatility : 0.0;
}

ScaledCurve scale_curve(std::span<const double> equity, std::span<const double> exposure, double initial_equity,
                        double scale) {
  ScaledCurve out;
  out.scale = scale;
  out.equity.resize(equity.size());
  out.exposure.resize(exposure.size());
  double e = initial_equity;
  for_each_return(equity, initial_equity, [&](std::size_t t, double r) {
    const double growth = 1.0 + scale * r;
    e = growth > 0 ? e * growth : 0.0;
    out.equity[t] = e;
  });
  for (std::size_t t = 0; t < exposure.size(); ++t) out.exposure[t] = scale * exposure[t];
  return out;
}

}  // namespace organism::backtest
