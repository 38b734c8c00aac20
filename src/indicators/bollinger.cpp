#include "indicators/bollinger.hpp"

#include <stdexcept>

namespace organism::indicators {

Bollinger::Bollinger(int period, double k) : m_(checked_period(period, "bollinger")), k_(k) {
  if (!std::isfinite(k) || k < 0.0) {
    throw std::invalid_argument("bollinger: k must be a finite number >= 0");
  }
}

BollingerValue Bollinger::update(double close) {
  m_.push(close);
  if (!m_.full()) return {};
  const double mid = m_.mean();
  const double width = k_ * m_.stddev();
  return {mid, mid + width, mid - width};
}

[[gnu::flatten]] void bollinger(std::span<const double> close, int period, double k,
                                std::span<double> mid, std::span<double> upper,
                                std::span<double> lower) {
  check_same_size(close.size(), mid.size(), "bollinger mid");
  check_same_size(close.size(), upper.size(), "bollinger upper");
  check_same_size(close.size(), lower.size(), "bollinger lower");
  Bollinger f(period, k);
  for (std::size_t i = 0; i < close.size(); ++i) {
    const BollingerValue v = f.update(close[i]);
    mid[i] = v.mid;
    upper[i] = v.upper;
    lower[i] = v.lower;
  }
}

BollingerSeries bollinger(std::span<const double> close, int period, double k) {
  BollingerSeries s{std::vector<double>(close.size()), std::vector<double>(close.size()),
                    std::vector<double>(close.size())};
  bollinger(close, period, k, s.mid, s.upper, s.lower);
  return s;
}

}  // namespace organism::indicators
