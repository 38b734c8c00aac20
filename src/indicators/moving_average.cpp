#include "indicators/moving_average.hpp"

namespace organism::indicators {

Sma::Sma(int period) : sum_(checked_period(period, "sma")), nd_(static_cast<double>(period)) {}

double Sma::update(double x) {
  sum_.push(x);
  return sum_.full() ? sum_.sum() / nd_ : kNaN;
}

Ema::Ema(int period) : core_(checked_period(period, "ema")) {}

double Ema::update(double x) { return core_.update(x); }

Wma::Wma(int period)
    : buf_(checked_period(period, "wma")),
      n_(buf_.size()),
      nd_(static_cast<double>(n_)),
      divisor_(nd_ * (nd_ + 1.0) / 2.0) {}

double Wma::update(double x) {
  if (full_) {
    // Every weight drops by one (the oldest value's to zero) and x enters with weight n.
    wsum_ += nd_ * x - sum_;
    sum_ += x - buf_[pos_];
  }
  buf_[pos_] = x;
  if (++pos_ == n_) {
    pos_ = 0;
    full_ = true;
    resum();
  }
  return full_ ? wsum_ / divisor_ : kNaN;
}

// At a wrap slot 0 holds the oldest value, so slot i carries weight i+1.
void Wma::resum() {
  double s = 0.0;
  double w = 0.0;
  for (std::size_t i = 0; i < n_; ++i) {
    s += buf_[i];
    w += static_cast<double>(i + 1) * buf_[i];
  }
  sum_ = s;
  wsum_ = w;
}

[[gnu::flatten]] void sma(std::span<const double> x, int period, std::span<double> out) {
  check_same_size(x.size(), out.size(), "sma");
  Sma f(period);
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = f.update(x[i]);
}

[[gnu::flatten]] void ema(std::span<const double> x, int period, std::span<double> out) {
  check_same_size(x.size(), out.size(), "ema");
  Ema f(period);
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = f.update(x[i]);
}

[[gnu::flatten]] void wma(std::span<const double> x, int period, std::span<double> out) {
  check_same_size(x.size(), out.size(), "wma");
  Wma f(period);
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = f.update(x[i]);
}

std::vector<double> sma(std::span<const double> x, int period) {
  std::vector<double> out(x.size());
  sma(x, period, out);
  return out;
}

std::vector<double> ema(std::span<const double> x, int period) {
  std::vector<double> out(x.size());
  ema(x, period, out);
  return out;
}

std::vector<double> wma(std::span<const double> x, int period) {
  std::vector<double> out(x.size());
  wma(x, period, out);
  return out;
}

}  // namespace organism::indicators
