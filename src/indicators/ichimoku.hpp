// Ichimoku Kinko Hyo without the chikou span: tenkan, kijun and the cloud (senkou A, senkou B)
// *in effect at bar t*, i.e. computed `displacement` bars earlier; streaming and batch with
// identical numbers. Used by trend strategies and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "data/series.hpp"
#include "indicators/rolling.hpp"

namespace organism::indicators {

struct IchimokuParams {
  int tenkan = 9;
  int kijun = 26;
  int senkou = 52;        // senkou B's window
  int displacement = 26;  // the classic chart plots the cloud this many bars ahead
};

struct IchimokuValue {
  double tenkan = kNaN;
  double kijun = kNaN;
  double senkou_a = kNaN;
  double senkou_b = kNaN;
};

// midpoint(n) = (highest high + lowest low) / 2 over the last n bars (current included).
// tenkan = midpoint(tenkan), kijun = midpoint(kijun); senkou A at t = (tenkan + kijun) / 2 at
// t - displacement; senkou B at t = midpoint(senkou) at t - displacement. Defaults: tenkan from
// bar 8, kijun 25, senkou A 51, senkou B 77. The chikou span (close plotted 26 bars back) is not
// an output: aligned at bar t it would be the close of t+26, a look-ahead. A flat market gives
// every line equal to the price.
class Ichimoku {
 public:
  explicit Ichimoku(const IchimokuParams& p = {});
  IchimokuValue update(double high, double low);
  IchimokuValue update(const data::Bar& b) { return update(b.high, b.low); }

 private:
  RollingMax tenkan_hh_, kijun_hh_, senkou_hh_;
  RollingMin tenkan_ll_, kijun_ll_, senkou_ll_;
  DelayLine a_delay_, b_delay_;
};

struct IchimokuSeries {
  std::vector<double> tenkan, kijun, senkou_a, senkou_b;
};

void ichimoku(const data::CandleView& bars, const IchimokuParams& p, std::span<double> tenkan,
              std::span<double> kijun, std::span<double> senkou_a, std::span<double> senkou_b);
IchimokuSeries ichimoku(const data::CandleView& bars, const IchimokuParams& p = {});

}  // namespace organism::indicators
