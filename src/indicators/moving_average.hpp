// Moving averages: simple (SMA), exponential (EMA, TA-Lib seeding) and linearly weighted (WMA),
// in streaming (one value at a time) and batch (whole series) forms that give identical numbers.
// Used by strategies, MACD, the stochastic and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "indicators/rolling.hpp"

namespace organism::indicators {

// Mean of the last n values; NaN for the first n-1.
class Sma {
 public:
  explicit Sma(int period);
  double update(double x);

 private:
  RollingSum sum_;
  double nd_;
};

// EMA with alpha = 2/(n+1), seeded at value n-1 by the SMA of the first n values.
class Ema {
 public:
  explicit Ema(int period);
  double update(double x);

 private:
  EmaCore core_;
};

// Weights 1..n from oldest to newest, divided by n(n+1)/2; NaN for the first n-1 values.
class Wma {
 public:
  explicit Wma(int period);
  double update(double x);

 private:
  void resum();

  std::vector<double> buf_;
  std::size_t n_;
  double nd_;
  double divisor_;
  std::size_t pos_ = 0;
  bool full_ = false;
  double sum_ = 0.0;   // plain sum of the window
  double wsum_ = 0.0;  // weighted sum of the window
};

// Batch forms: out[i] is what the streaming class returns after x[0..i]. out.size() == x.size().
void sma(std::span<const double> x, int period, std::span<double> out);
void ema(std::span<const double> x, int period, std::span<double> out);
void wma(std::span<const double> x, int period, std::span<double> out);
std::vector<double> sma(std::span<const double> x, int period);
std::vector<double> ema(std::span<const double> x, int period);
std::vector<double> wma(std::span<const double> x, int period);

}  // namespace organism::indicators
