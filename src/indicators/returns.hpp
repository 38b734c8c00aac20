// Log returns and realized volatility (rolling standard deviation of log returns, optionally
// annualized); streaming and batch with identical numbers. Used by volatility filters, portfolio
// sizing and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "indicators/rolling.hpp"

namespace organism::indicators {

// ln(close_t / close_{t-1}) with this layer's ln() (log_math.hpp, within 1 ulp); NaN at bar 0.
// Exactly 0 on an unchanged close.
class LogReturn {
 public:
  double update(double close);

 private:
  double prev_ = kNaN;
  bool started_ = false;
};

// Population standard deviation of the last n log returns times sqrt(periods_per_year)
// (1 = per bar, unscaled; Interval::bars_per_year() annualizes). Needs n+1 closes: NaN for bars
// 0..n-1. Exactly 0 when the n returns are all equal (e.g. flat prices).
class RealizedVol {
 public:
  explicit RealizedVol(int period, double periods_per_year = 1.0);
  double update(double close) { return from_return(ret_.update(close)); }
  // The second half of update(): the same, given the bar's log return (NaN at the first bar).
  double from_return(double r);

 private:
  LogReturn ret_;
  RollingMoments m_;
  double scale_;
};

void log_returns(std::span<const double> close, std::span<double> out);
std::vector<double> log_returns(std::span<const double> close);
void realized_vol(std::span<const double> close, int period, double periods_per_year,
                  std::span<double> out);
std::vector<double> realized_vol(std::span<const double> close, int period,
                                 double periods_per_year = 1.0);
// realized_vol given log_returns(close) instead of the closes (out may be returns itself): the
// same values, so that many windows over one series share one pass of logarithms.
void realized_vol_of_returns(std::span<const double> returns, int period, double periods_per_year,
                             std::span<double> out);

}  // namespace organism::indicators
