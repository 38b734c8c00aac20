#include "indicators/rsi.hpp"

namespace organism::indicators {

Rsi::Rsi(int period)
    : gain_(checked_period(period, "rsi")), loss_(static_cast<std::size_t>(period)) {}

double Rsi::update(double close) {
  if (!started_) {
    started_ = true;
    prev_ = close;
    return kNaN;
  }
  const double change = close - prev_;
  prev_ = close;
  // TA-Lib adds a negative change to the losses as -change and a zero change to the gains.
  const double gain = gain_.update(change < 0.0 ? 0.0 : change);
  const double loss = loss_.update(change < 0.0 ? -change : 0.0);
  if (!gain_.ready()) return kNaN;
  const double total = gain + loss;
  return total > 0.0 ? 100.0 * (gain / total) : 50.0;
}

[[gnu::flatten]] void rsi(std::span<const double> close, int period, std::span<double> out) {
  check_same_size(close.size(), out.size(), "rsi");
  Rsi f(period);
  for (std::size_t i = 0; i < close.size(); ++i) out[i] = f.update(close[i]);
}

std::vector<double> rsi(std::span<const double> close, int period) {
  std::vector<double> out(close.size());
  rsi(close, period, out);
  return out;
}

}  // namespace organism::indicators
