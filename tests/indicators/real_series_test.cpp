// Streaming equals batch, value for value and bit for bit, on long real series from
// ../shared/data, for every indicator. Skipped with a message when the shared folder is absent.
#include <gtest/gtest.h>

#include "indicators/adx.hpp"
#include "indicators/atr.hpp"
#include "indicators/bollinger.hpp"
#include "indicators/cci.hpp"
#include "indicators/donchian.hpp"
#include "indicators/funding.hpp"
#include "indicators/ichimoku.hpp"
#include "indicators/macd.hpp"
#include "indicators/moving_average.hpp"
#include "indicators/obv.hpp"
#include "indicators/returns.hpp"
#include "indicators/rsi.hpp"
#include "indicators/statistics.hpp"
#include "indicators/stochastic.hpp"
#include "indicators/vwap.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

class RealSeries : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    btc_ =
        new std::optional<data::Candles>(test::load_shared_candles("ohlcv/binance/BTC-1h.csv.gz"));
  }
  static void TearDownTestSuite() {
    delete btc_;
    btc_ = nullptr;
  }
  void SetUp() override {
    if (!*btc_) GTEST_SKIP() << "../shared/data is absent: real-series streaming test skipped";
    bars_ = (*btc_)->view();
    ASSERT_EQ(bars_.size(), 54'613u);
  }
  // Runs step(i) for every bar, collecting the streaming values.
  template <class F>
  std::vector<double> stream(F step) const {
    std::vector<double> out(bars_.size());
    for (std::size_t i = 0; i < bars_.size(); ++i) out[i] = step(bars_.bar(i));
    return out;
  }

  static std::optional<data::Candles>* btc_;
  data::CandleView bars_;
};

std::optional<data::Candles>* RealSeries::btc_ = nullptr;

TEST_F(RealSeries, MovingAverages) {
  for (const int n : {5, 14, 21, 50, 200}) {
    Sma s(n);
    Ema e(n);
    Wma w(n);
    EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return s.update(b.close); }),
                       sma(bars_.close, n), "sma " + std::to_string(n));
    EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return e.update(b.close); }),
                       ema(bars_.close, n), "ema " + std::to_string(n));
    EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return w.update(b.close); }),
                       wma(bars_.close, n), "wma " + std::to_string(n));
  }
}

TEST_F(RealSeries, RsiAndMacd) {
  for (const int n : {14, 21}) {
    Rsi r(n);
    EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return r.update(b.close); }),
                       rsi(bars_.close, n), "rsi");
  }
  const auto batch = macd(bars_.close, 12, 26, 9);
  Macd m1(12, 26, 9), m2(12, 26, 9), m3(12, 26, 9);
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return m1.update(b.close).line; }),
                     batch.line, "macd line");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return m2.update(b.close).signal; }),
                     batch.signal, "macd signal");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return m3.update(b.close).hist; }),
                     batch.hist, "macd hist");
}

TEST_F(RealSeries, BollingerAndStatistics) {
  const auto bb = bollinger(bars_.close, 20, 2.0);
  Bollinger f1(20, 2.0), f2(20, 2.0), f3(20, 2.0);
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return f1.update(b.close).mid; }), bb.mid,
                     "bb mid");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return f2.update(b.close).upper; }), bb.upper,
                     "bb upper");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return f3.update(b.close).lower; }), bb.lower,
                     "bb lower");
  Stddev s(20);
  ZScore z(20), vz(20);
  Highest h(20);
  Lowest l(20);
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return s.update(b.close); }),
                     stddev(bars_.close, 20), "stddev");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return z.update(b.close); }),
                     zscore(bars_.close, 20), "zscore");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return vz.update(b.volume); }),
                     zscore(bars_.volume, 20), "volume z");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return h.update(b.close); }),
                     highest(bars_.close, 20), "max");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return l.update(b.close); }),
                     lowest(bars_.close, 20), "min");
}

TEST_F(RealSeries, RangeOscillators) {
  const auto st = stochastic(bars_, 14, 3, 3);
  Stochastic k(14, 3, 3), d(14, 3, 3);
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return k.update(b).k; }), st.k, "stoch k");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return d.update(b).d; }), st.d, "stoch d");
  WilliamsR w(14);
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return w.update(b); }), williams_r(bars_, 14),
                     "willr");
  Cci c(20);
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return c.update(b); }), cci(bars_, 20),
                     "cci");
}

TEST_F(RealSeries, VolatilityAndTrend) {
  TrueRange tr;
  Atr a(14);
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return tr.update(b); }), true_range(bars_),
                     "tr");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return a.update(b); }), atr(bars_, 14),
                     "atr");
  const auto ax = adx(bars_, 14);
  Adx a1(14), a2(14), a3(14);
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return a1.update(b).adx; }), ax.adx, "adx");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return a2.update(b).plus_di; }), ax.plus_di,
                     "+di");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return a3.update(b).minus_di; }), ax.minus_di,
                     "-di");
  LogReturn lr;
  RealizedVol rv(24, 8760.0);
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return lr.update(b.close); }),
                     log_returns(bars_.close), "log return");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return rv.update(b.close); }),
                     realized_vol(bars_.close, 24, 8760.0), "rvol");
}

TEST_F(RealSeries, ChannelsAndCloud) {
  const auto dc = donchian(bars_, 20);
  Donchian d1(20), d2(20);
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return d1.update(b).high; }), dc.high,
                     "donchian high");
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return d2.update(b).low; }), dc.low,
                     "donchian low");
  const auto ich = ichimoku(bars_);
  std::vector<double> t, k, a, b;
  Ichimoku f;
  for (std::size_t i = 0; i < bars_.size(); ++i) {
    const auto v = f.update(bars_.bar(i));
    t.push_back(v.tenkan);
    k.push_back(v.kijun);
    a.push_back(v.senkou_a);
    b.push_back(v.senkou_b);
  }
  EXPECT_SAME_SERIES(t, ich.tenkan, "tenkan");
  EXPECT_SAME_SERIES(k, ich.kijun, "kijun");
  EXPECT_SAME_SERIES(a, ich.senkou_a, "senkou a");
  EXPECT_SAME_SERIES(b, ich.senkou_b, "senkou b");
}

TEST_F(RealSeries, VolumeIndicators) {
  Obv o;
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return o.update(b); }), obv(bars_), "obv");
  RollingVwap v(20);
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return v.update(b); }),
                     rolling_vwap(bars_, 20), "vwap 20");
  SessionVwap s;
  EXPECT_SAME_SERIES(stream([&](const data::Bar& b) { return s.update(b); }), session_vwap(bars_),
                     "vwap session 1h");
}

TEST(RealSeries5m, SessionVwapOnFiveMinuteBarsWithZeroVolumeBars) {
  const auto five = test::load_shared_candles("ohlcv/hyperliquid/BTC-5m.csv.gz");
  if (!five) GTEST_SKIP() << "../shared/data is absent: real-series streaming test skipped";
  ASSERT_EQ(five->size(), 38'530u);
  const auto batch = session_vwap(five->view());
  SessionVwap s;
  std::vector<double> live;
  for (std::size_t i = 0; i < five->size(); ++i) live.push_back(s.update(five->bar(i)));
  EXPECT_SAME_SERIES(live, batch, "vwap session 5m");
  for (const double x : batch) ASSERT_TRUE(std::isfinite(x));
}

TEST(RealSeriesFunding, FundingFeaturesOnHyperliquidBtc) {
  const auto bars = test::load_shared_candles("ohlcv/hyperliquid/BTC-1h.csv.gz");
  const auto f = test::load_shared_funding("funding/hyperliquid/BTC.csv.gz");
  if (!bars || !f) GTEST_SKIP() << "../shared/data is absent: real-series streaming test skipped";
  const auto batch = funding_features(bars->time(), core::kHourMs, *f, 24);
  FundingFeatures live(24);
  std::size_t j = 0;
  for (std::size_t i = 0; i < bars->size(); ++i) {
    const core::TimeMs close_time = bars->time()[i] + core::kHourMs;
    while (j < f->size() && f->time[j] <= close_time) {
      live.add_settlement(f->time[j], f->rate[j]);
      ++j;
    }
    ASSERT_TRUE(test::same(live.value().rate, batch.rate[i])) << i;
    ASSERT_TRUE(test::same(live.value().mean, batch.mean[i])) << i;
    ASSERT_TRUE(test::same(live.value().zscore, batch.zscore[i])) << i;
  }
  // Funding starts long before the first bar, so every bar has a rate.
  for (std::size_t i = 0; i < bars->size(); ++i) ASSERT_TRUE(std::isfinite(batch.rate[i])) << i;
}

}  // namespace
}  // namespace organism::indicators
