// Windowed indicators against their textbook definitions computed directly, window by window, in
// long double: the sliding sums, re-summing and sliding extremes must give the same numbers to
// ~1e-12 on a long real series (a synthetic one when ../shared is absent).
#include <gtest/gtest.h>

#include <algorithm>

#include "indicators/bollinger.hpp"
#include "indicators/cci.hpp"
#include "indicators/donchian.hpp"
#include "indicators/moving_average.hpp"
#include "indicators/statistics.hpp"
#include "indicators/stochastic.hpp"
#include "indicators/vwap.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

data::Candles series() {
  if (auto c = test::load_shared_candles("ohlcv/binance/BTC-1h.csv.gz")) return *c;
  std::vector<double> h, l, c, v;
  for (int i = 0; i < 20000; ++i) {
    c.push_back(30000 + 5000 * std::sin(i * 0.001) + 300 * std::sin(i * 0.37));
    h.push_back(c.back() + 50 + 40 * std::fabs(std::sin(i * 1.3)));
    l.push_back(c.back() - 50 - 40 * std::fabs(std::cos(i * 0.7)));
    v.push_back(100 + 90 * std::sin(i * 0.05));
  }
  return test::make_candles(h, l, c, v);
}

using LD = long double;

void expect_close(double got, LD want, LD scale, const char* what, std::size_t t) {
  ASSERT_LE(std::fabs(static_cast<LD>(got) - want), 1e-12L * scale) << what << " at " << t;
}

TEST(Reference, WindowedIndicatorsMatchDirectDefinitions) {
  const auto bars = series();
  const auto v = bars.view();
  const int n = 20;
  const auto s = sma(v.close, n), w = wma(v.close, n), sd = stddev(v.close, n);
  const auto z = zscore(v.close, n);
  const auto bb = bollinger(v.close, n, 2.0);
  const auto c = cci(v, n), wr = williams_r(v, n), rv = rolling_vwap(v, n);
  const auto dc = donchian(v, n);
  const auto st = stochastic(v, n, 1, 1);
  for (std::size_t t = n; t < v.size(); t += 7) {
    LD sum = 0, wsum = 0, hh = -1e300, ll = 1e300, tps = 0, pv = 0, vol = 0;
    for (int j = 0; j < n; ++j) {
      const std::size_t k = t - n + 1 + j;
      sum += v.close[k];
      wsum += (j + 1) * static_cast<LD>(v.close[k]);
      hh = std::max<LD>(hh, v.high[k]);
      ll = std::min<LD>(ll, v.low[k]);
      const LD tp = (static_cast<LD>(v.high[k]) + v.low[k] + v.close[k]) / 3;
      tps += tp;
      pv += tp * v.volume[k];
      vol += v.volume[k];
    }
    const LD mean = sum / n, tp_mean = tps / n;
    LD var = 0, mad = 0;
    for (int j = 0; j < n; ++j) {
      const std::size_t k = t - n + 1 + j;
      var += (v.close[k] - mean) * (v.close[k] - mean);
      mad += std::fabs((static_cast<LD>(v.high[k]) + v.low[k] + v.close[k]) / 3 - tp_mean);
    }
    const LD stdev = std::sqrt(var / n);
    const LD tp_now = (static_cast<LD>(v.high[t]) + v.low[t] + v.close[t]) / 3;
    const LD price = mean;
    expect_close(s[t], mean, price, "sma", t);
    expect_close(w[t], wsum / (n * (n + 1) / 2), price, "wma", t);
    expect_close(sd[t], stdev, price, "stddev", t);
    expect_close(bb.upper[t], mean + 2 * stdev, price, "bb upper", t);
    expect_close(z[t], (v.close[t] - mean) / stdev, 1e3L, "zscore", t);
    expect_close(c[t], (tp_now - tp_mean) / (0.015L * mad / n), 1e4L, "cci", t);
    expect_close(wr[t], (v.close[t] - hh) / (hh - ll) * 100, 100, "willr", t);
    expect_close(st.k[t], (v.close[t] - ll) / (hh - ll) * 100, 100, "stoch fast k", t);
    expect_close(rv[t], pv / vol, price, "vwap", t);
    // Donchian at t+1 is the channel of bars t-n+1..t.
    if (t + 1 < v.size()) {
      ASSERT_EQ(dc.high[t + 1], static_cast<double>(hh)) << t;
      ASSERT_EQ(dc.low[t + 1], static_cast<double>(ll)) << t;
    }
  }
}

}  // namespace
}  // namespace organism::indicators
