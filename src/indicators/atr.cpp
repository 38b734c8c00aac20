#include "indicators/atr.hpp"

namespace organism::indicators {

double TrueRange::update(double high, double low, double close) {
  const double prev = prev_close_;
  prev_close_ = close;
  if (!started_) {
    started_ = true;
    return kNaN;
  }
  return true_range(high, low, prev);
}

Atr::Atr(int period) : avg_(checked_period(period, "atr")) {}

double Atr::update(double high, double low, double close) {
  const double tr = tr_.update(high, low, close);
  if (std::isnan(tr)) return kNaN;
  return avg_.update(tr);
}

[[gnu::flatten]] void true_range(const data::CandleView& bars, std::span<double> out) {
  check_same_size(bars.size(), out.size(), "tr");
  TrueRange f;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    out[i] = f.update(bars.high[i], bars.low[i], bars.close[i]);
  }
}

std::vector<double> true_range(const data::CandleView& bars) {
  std::vector<double> out(bars.size());
  true_range(bars, out);
  return out;
}

[[gnu::flatten]] void atr(const data::CandleView& bars, int period, std::span<double> out) {
  check_same_size(bars.size(), out.size(), "atr");
  Atr f(period);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    out[i] = f.update(bars.high[i], bars.low[i], bars.close[i]);
  }
}

std::vector<double> atr(const data::CandleView& bars, int period) {
  std::vector<double> out(bars.size());
  atr(bars, period, out);
  return out;
}

}  // namespace organism::indicators
