// Market regimes: volatility, trend and sentiment parts on hand-made series, the packed code and
// label, no look-ahead, and performance per regime on a hand-computed case.
#include "indicators/regime.hpp"

#include <cmath>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

// Closes whose log returns alternate in sign with the given magnitude per bar (amplitude[0] unused).
data::Candles alternating(const std::vector<double>& amplitude) {
  std::vector<double> close{100.0};
  for (std::size_t t = 1; t < amplitude.size(); ++t) {
    const double sign = t % 2 == 0 ? -1.0 : 1.0;
    close.push_back(close.back() * std::exp(sign * amplitude[t]));
  }
  std::vector<double> high, low;
  for (const double c : close) {
    high.push_back(c * 1.001);
    low.push_back(c * 0.999);
  }
  return test::make_candles(high, low, close);
}

// Bars 1..30 move 1%, 31..34 10% (the burst), 35..50 0.1%.
TEST(Regime, VolatilityBurstIsHighAndACalmerStretchIsLow) {
  std::vector<double> amplitude(51, 0.01);
  for (int t = 31; t <= 34; ++t) amplitude[t] = 0.10;
  for (int t = 35; t <= 50; ++t) amplitude[t] = 0.001;
  const auto bars = alternating(amplitude);
  RegimeOptions o;
  o.vol_window = 3;
  o.vol_median_window = 11;
  const auto r = classify_regimes(bars.view(), {}, o);
  ASSERT_EQ(r.size(), 51u);
  // Realized vol needs 3 returns (bar 3), its median 11 of them (bar 13).
  for (int t = 0; t <= 12; ++t) EXPECT_EQ(r[t].vol, VolRegime::Unknown) << t;
  // Every window of 1% returns has the same vol, equal to its median.
  for (int t = 13; t <= 30; ++t) EXPECT_EQ(r[t].vol, VolRegime::Normal) << t;
  // A 10% return in the window, against a median that is still mostly calm bars.
  for (int t = 31; t <= 34; ++t) EXPECT_EQ(r[t].vol, VolRegime::High) << t;
  // Windows of 0.1% returns (from bar 37) against a median that the burst still holds up: the
  // 11-bar median is the 6th smallest, a burst value until 6 calm values are in (bar 42).
  for (int t = 37; t <= 41; ++t) EXPECT_EQ(r[t].vol, VolRegime::Low) << t;
  for (int t = 42; t <= 50; ++t) EXPECT_EQ(r[t].vol, VolRegime::Normal) << t;
  // No sentiment given: every band Unknown.
  for (const auto& x : r) EXPECT_EQ(x.sentiment, SentimentBand::Unknown);
}

RegimeOptions short_trend_options() {
  RegimeOptions o;
  o.adx_period = 5;  // ADX from bar 2 * 5 - 1 = 9
  o.ema_period = 5;  // EMA from bar 4, slope over 2 bars from bar 6
  o.slope_bars = 2;
  return o;
}

// close = 100 + step * t, a bar 1 wide around it.
data::Candles line(int n, double step) {
  std::vector<double> high, low, close;
  for (int t = 0; t < n; ++t) {
    close.push_back(100 + step * t);
    high.push_back(close.back() + 0.5);
    low.push_back(close.back() - 0.5);
  }
  return test::make_candles(high, low, close);
}

TEST(Regime, SteadyRiseIsUpAndFallIsDown) {
  // Rise: +DM 1 every bar, -DM 0, so +DI > 0 = -DI, DX 100 and ADX 100 >= 25; the EMA rises.
  const auto up = classify_regimes(line(30, 1).view(), {}, short_trend_options());
  for (int t = 0; t <= 8; ++t) EXPECT_EQ(up[t].trend, TrendRegime::Unknown) << t;
  for (int t = 9; t < 30; ++t) EXPECT_EQ(up[t].trend, TrendRegime::Up) << t;
  const auto down = classify_regimes(line(30, -1).view(), {}, short_trend_options());
  for (int t = 0; t <= 8; ++t) EXPECT_EQ(down[t].trend, TrendRegime::Unknown) << t;
  for (int t = 9; t < 30; ++t) EXPECT_EQ(down[t].trend, TrendRegime::Down) << t;
  // The same rise with the ADX threshold above 100 is never a trend.
  auto strict = short_trend_options();
  strict.adx_trend = 100.5;
  EXPECT_THROW(check_regime_options(strict), core::UsageError);  // outside [0, 100]
  strict.adx_trend = 100;
  EXPECT_EQ(classify_regimes(line(30, 1).view(), {}, strict)[20].trend, TrendRegime::Up);  // ADX is exactly 100
}

TEST(Regime, FlatOscillationIsRange) {
  // 100, 101, 100, 101...: +DM and -DM take turns, so +DI and -DI stay close and ADX stays low.
  std::vector<double> high, low, close;
  for (int t = 0; t < 40; ++t) {
    close.push_back(t % 2 == 0 ? 100 : 101);
    high.push_back(close.back() + 0.5);
    low.push_back(close.back() - 0.5);
  }
  const auto bars = test::make_candles(high, low, close);
  const auto r = classify_regimes(bars.view(), {}, short_trend_options());
  for (int t = 0; t <= 8; ++t) EXPECT_EQ(r[t].trend, TrendRegime::Unknown) << t;
  for (int t = 9; t < 40; ++t) EXPECT_EQ(r[t].trend, TrendRegime::Range) << t;
}

TEST(Regime, SentimentBands) {
  const std::vector<std::pair<double, SentimentBand>> cases{
      {0, SentimentBand::ExtremeFear},  {25, SentimentBand::ExtremeFear}, {26, SentimentBand::Fear},
      {45, SentimentBand::Fear},        {50, SentimentBand::Neutral},     {55, SentimentBand::Greed},
      {74, SentimentBand::Greed},       {75, SentimentBand::ExtremeGreed}, {100, SentimentBand::ExtremeGreed},
      {std::nan(""), SentimentBand::Unknown}};
  for (const auto& [value, band] : cases) EXPECT_EQ(sentiment_band(value), band) << value;
  // The bands reach classify_regimes bar by bar.
  const auto bars = line(static_cast<int>(cases.size()), 1);
  std::vector<double> values;
  for (const auto& c : cases) values.push_back(c.first);
  const auto r = classify_regimes(bars.view(), values);
  for (std::size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(r[i].sentiment, cases[i].second) << i;
  EXPECT_THROW(classify_regimes(bars.view(), std::span<const double>(values).first(3)), core::UsageError);
}

TEST(Regime, CodeAndLabelRoundTripAllCombinations) {
  std::set<std::string> labels;
  for (int code = 0; code < 96; ++code) {
    const auto r = Regime::from_code(static_cast<std::uint8_t>(code));
    EXPECT_EQ(r.code(), code);
    EXPECT_EQ(static_cast<int>(r.vol) * 24 + static_cast<int>(r.trend) * 6 + static_cast<int>(r.sentiment), code);
    const auto parsed = Regime::parse(r.label());
    ASSERT_TRUE(parsed) << r.label();
    EXPECT_EQ(*parsed, r);
    labels.insert(r.label());
  }
  EXPECT_EQ(labels.size(), 96u);
  EXPECT_EQ((Regime{VolRegime::High, TrendRegime::Up, SentimentBand::ExtremeFear}.label()), "high_vol/up/extreme_fear");
  EXPECT_EQ((Regime{VolRegime::High, TrendRegime::Up, SentimentBand::ExtremeFear}.code()), 3 * 24 + 3 * 6 + 1);
  EXPECT_EQ(Regime{}.label(), "unknown/unknown/unknown");
  EXPECT_THROW(Regime::from_code(96), core::UsageError);
  for (const char* bad : {"", "high_vol/up", "high_vol/up/fear/x", "HIGH_VOL/up/fear", "up/high_vol/fear", "high_vol//fear"}) {
    EXPECT_FALSE(Regime::parse(bad)) << bad;
  }
}

TEST(Regime, OptionsAreChecked) {
  EXPECT_NO_THROW(check_regime_options({}));
  auto bad = [](auto change) {
    RegimeOptions o;
    change(o);
    return o;
  };
  EXPECT_THROW(check_regime_options(bad([](RegimeOptions& o) { o.vol_window = 0; })), core::UsageError);
  EXPECT_THROW(check_regime_options(bad([](RegimeOptions& o) { o.vol_median_window = 0; })), core::UsageError);
  EXPECT_THROW(check_regime_options(bad([](RegimeOptions& o) { o.low_vol_ratio = 1.3; })), core::UsageError);
  EXPECT_THROW(check_regime_options(bad([](RegimeOptions& o) { o.fear = 20; })), core::UsageError);
  EXPECT_THROW(check_regime_options(bad([](RegimeOptions& o) { o.extreme_greed = 101; })), core::UsageError);
  try {
    check_regime_options(bad([](RegimeOptions& o) { o.slope_bars = 0; }));
    FAIL();
  } catch (const core::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("slope_bars"), std::string::npos) << e.what();
  }
}

TEST(Regime, PrefixRegimesEqualTheRegimesPrefix) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> step(0, 0.01);
  std::uniform_real_distribution<double> mood(0, 100);
  std::vector<double> high, low, close{100}, sentiment;
  for (int t = 1; t < 400; ++t) close.push_back(close.back() * std::exp(step(rng)));
  for (const double c : close) {
    high.push_back(c * (1 + std::abs(step(rng))));
    low.push_back(c * (1 - std::abs(step(rng))));
    sentiment.push_back(mood(rng));
  }
  const auto bars = test::make_candles(high, low, close);
  RegimeOptions o;
  o.vol_window = 6;
  o.vol_median_window = 40;
  o.adx_period = 7;
  o.ema_period = 12;
  const auto all = classify_regimes(bars.view(), sentiment, o);
  std::set<VolRegime> seen_vol;
  std::set<TrendRegime> seen_trend;
  for (const auto& r : all) {
    seen_vol.insert(r.vol);
    seen_trend.insert(r.trend);
  }
  EXPECT_EQ(seen_vol.size(), 4u);  // the random walk visits every part: the check is not vacuous
  EXPECT_GE(seen_trend.size(), 3u);
  for (const std::size_t n : {1u, 45u, 46u, 200u, 399u}) {
    const auto prefix = classify_regimes(bars.view().slice(0, n), std::span<const double>(sentiment).first(n), o);
    ASSERT_EQ(prefix.size(), n);
    for (std::size_t t = 0; t < n; ++t) ASSERT_EQ(prefix[t], all[t]) << "prefix " << n << " bar " << t;
  }
}

TEST(Regime, PerformanceByRegimeHandComputed) {
  const Regime high_up_fear{VolRegime::High, TrendRegime::Up, SentimentBand::Fear};
  const Regime high_down{VolRegime::High, TrendRegime::Down, SentimentBand::Unknown};
  const Regime low_up_fear{VolRegime::Low, TrendRegime::Up, SentimentBand::Fear};
  const Regime unknown{};
  // returns[i] is classified by regimes[i - 1]; bar 0's return is skipped, bar 4's regime unused.
  const std::vector<double> returns{0.5, 0.10, -0.05, 0.02, 0.03};
  const std::vector<Regime> regimes{high_up_fear, high_down, low_up_fear, unknown, high_up_fear};
  const auto rows = performance_by_regime(returns, regimes, 4.0);  // sqrt(bars per year) = 2
  ASSERT_EQ(rows.size(), 5u);
  // low_vol: {0.02}.
  EXPECT_EQ(rows[0].regime, "low_vol");
  EXPECT_EQ(rows[0].bars, 1);
  EXPECT_DOUBLE_EQ(rows[0].mean_return, 0.02);
  EXPECT_NEAR(rows[0].total_return, 0.02, 1e-15);
  EXPECT_EQ(rows[0].sharpe, 0);  // one bar
  // high_vol: {0.10, -0.05}: mean 0.025, total 1.1 * 0.95 - 1, std 0.075 * sqrt(2).
  EXPECT_EQ(rows[1].regime, "high_vol");
  EXPECT_EQ(rows[1].bars, 2);
  EXPECT_NEAR(rows[1].mean_return, 0.025, 1e-15);
  EXPECT_NEAR(rows[1].total_return, 0.045, 1e-15);
  EXPECT_NEAR(rows[1].sharpe, 0.025 / (0.075 * std::sqrt(2.0)) * 2, 1e-12);
  // down: {-0.05}.
  EXPECT_EQ(rows[2].regime, "down");
  EXPECT_EQ(rows[2].bars, 1);
  EXPECT_NEAR(rows[2].total_return, -0.05, 1e-15);
  // up and fear: {0.10, 0.02}: mean 0.06, total 1.1 * 1.02 - 1 = 0.122, std 0.04 * sqrt(2).
  for (const std::size_t i : {3u, 4u}) {
    EXPECT_EQ(rows[i].regime, i == 3 ? "up" : "fear");
    EXPECT_EQ(rows[i].bars, 2);
    EXPECT_NEAR(rows[i].mean_return, 0.06, 1e-15);
    EXPECT_NEAR(rows[i].total_return, 0.122, 1e-15);
    EXPECT_NEAR(rows[i].sharpe, 0.06 / (0.04 * std::sqrt(2.0)) * 2, 1e-12);
  }
  // Equal returns have no variance: Sharpe 0, not a division by rounding noise.
  const std::vector<double> flat{0, 0.01, 0.01, 0.01};
  const std::vector<Regime> all_high(4, high_down);
  EXPECT_EQ(performance_by_regime(flat, all_high, 8760)[0].sharpe, 0);
  EXPECT_THROW(performance_by_regime(returns, std::span<const Regime>(regimes).first(4), 1), core::UsageError);
  EXPECT_TRUE(performance_by_regime({}, {}, 1).empty());
}

}  // namespace
}  // namespace organism::indicators
