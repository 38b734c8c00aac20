#include "indicators/returns.hpp"

#include <stdexcept>

#include "indicators/log_math.hpp"

namespace organism::indicators {

double LogReturn::update(double close) {
  const double prev = prev_;
  prev_ = close;
  if (!started_) {
    started_ = true;
    return kNaN;
  }
  return ln(close / prev);
}

RealizedVol::RealizedVol(int period, double periods_per_year)
    : m_(checked_period(period, "realized vol")), scale_(std::sqrt(periods_per_year)) {
  if (!std::isfinite(periods_per_year) || !(periods_per_year > 0.0)) {
    throw std::invalid_argument("realized vol: periods per year must be a positive number");
  }
}

double RealizedVol::from_return(double r) {
  if (std::isnan(r)) return kNaN;
  m_.push(r);
  return m_.full() ? m_.stddev() * scale_ : kNaN;
}

[[gnu::flatten]] void log_returns(std::span<const double> close, std::span<double> out) {
  check_same_size(close.size(), out.size(), "log_return");
  if (close.empty()) return;
  // LogReturn::update's two steps, ratio then ln, one vectorized pass each.
  out[0] = kNaN;
  for (std::size_t i = 1; i < close.size(); ++i) out[i] = close[i] / close[i - 1];
  ln_in_place(out.subspan(1));
}

std::vector<double> log_returns(std::span<const double> close) {
  std::vector<double> out(close.size());
  log_returns(close, out);
  return out;
}

[[gnu::flatten]] void realized_vol_of_returns(std::span<const double> returns, int period,
                                              double periods_per_year, std::span<double> out) {
  check_same_size(returns.size(), out.size(), "rvol");
  RealizedVol f(period, periods_per_year);
  for (std::size_t i = 0; i < returns.size(); ++i) out[i] = f.from_return(returns[i]);
}

void realized_vol(std::span<const double> close, int period, double periods_per_year, std::span<double> out) {
  check_same_size(close.size(), out.size(), "rvol");
  // Two passes, each one half of update(): a loop that calls log() keeps little state live across
  // the call (every vector register is caller-saved), so the logs run first, on their own.
  log_returns(close, out);
  realized_vol_of_returns(out, period, periods_per_year, out);
}

std::vector<double> realized_vol(std::span<const double> close, int period,
                                 double periods_per_year) {
  std::vector<double> out(close.size());
  realized_vol(close, period, periods_per_year, out);
  return out;
}

}  // namespace organism::indicators
