#include "indicators/obv.hpp"

namespace organism::indicators {

void Obv::add(double x) {
  const double t = sum_ + x;
  comp_ += std::fabs(sum_) >= std::fabs(x) ? (sum_ - t) + x : (x - t) + sum_;
  sum_ = t;
}

double Obv::update(double close, double volume) {
  if (!started_) {
    started_ = true;
    add(volume);
  } else if (close > prev_close_) {
    add(volume);
  } else if (close < prev_close_) {
    add(-volume);
  }
  prev_close_ = close;
  return sum_ + comp_;
}

[[gnu::flatten]] void obv(const data::CandleView& bars, std::span<double> out) {
  check_same_size(bars.size(), out.size(), "obv");
  Obv f;
  for (std::size_t i = 0; i < bars.size(); ++i) out[i] = f.update(bars.close[i], bars.volume[i]);
}

std::vector<double> obv(const data::CandleView& bars) {
  std::vector<double> out(bars.size());
  obv(bars, out);
  return out;
}

}  // namespace organism::indicators
