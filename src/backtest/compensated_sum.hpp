// A running sum that carries its own rounding error (Knuth's TwoSum, as in Neumaier's method).
// Used by metrics and tail statistics so a million terms keep full double precision.
#pragma once

namespace organism::backtest {

// The error of the result is about one rounding of the exact sum instead of growing with the
// number of terms, whatever their order or signs. Branch-free (TwoSum rather than Neumaier's
// magnitude test), so it costs a few additions and no mispredictions on mixed-sign data.
class CompensatedSum {
 public:
  void add(double x) {
    const double t = sum_ + x;
    const double z = t - sum_;
    comp_ += (sum_ - (t - z)) + (x - z);
    sum_ = t;
  }
  double value() const { return sum_ + comp_; }

 private:
  double sum_ = 0;
  double comp_ = 0;
};

}  // namespace organism::backtest
