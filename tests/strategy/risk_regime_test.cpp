// The risk block and the regime filter change exposures exactly as documented, on hand-made
// markets: the F&G band, the volatility filter, volatility targeting and the backtest config.
#include <gtest/gtest.h>

#include <cmath>

#include "indicators/returns.hpp"
#include "evolve/genome_config.hpp"
#include "strategy/genome.hpp"
#include "strategy/patterns.hpp"

namespace organism::strategy {
namespace {

// Log returns alternating +up, -down, with a burst of larger moves in [burst_from, burst_to).
test::Pattern zigzag(double up, double down, std::size_t burst_from = 0, std::size_t burst_to = 0) {
  std::vector<double> c;
  double x = 100;
  for (std::size_t i = 0; i < test::kBars; ++i) {
    const double scale = i >= burst_from && i < burst_to ? 5.0 : 1.0;
    x *= std::exp(scale * (i % 2 ? -down : up));
    c.push_back(x);
  }
  return test::make_pattern("zigzag", c);
}

// A long-only trend genome whose base exposure is 1 on most bars of a rising zigzag.
Genome trend_genome() { return default_genome(find_family("sma_trend")); }

TEST(RegimeFilter, FearAndGreedBandZeroesExposureOutsideIt) {
  const auto pat = zigzag(0.02, 0.01);
  Genome g = trend_genome();
  const auto base = exposures(g, pat.view());
  g.regime.fg_on = true;
  g.regime.fg_low = 30;
  g.regime.fg_high = 70;
  const auto filtered = exposures(g, pat.view());
  int inside = 0, outside = 0;
  for (std::size_t i = 0; i < base.size(); ++i) {
    const double fg = pat.sentiment[i];
    if (fg >= 30 && fg <= 70) {
      ASSERT_EQ(filtered[i], base[i]) << i;
      inside += base[i] != 0;
    } else {
      ASSERT_EQ(filtered[i], 0.0) << i;
      outside += base[i] != 0;
    }
  }
  EXPECT_GT(inside, 50);  // the case exercises both sides
  EXPECT_GT(outside, 50);
}

TEST(RegimeFilter, UnknownSentimentMeansNoTrade) {
  const auto pat = zigzag(0.02, 0.01);
  Genome g = trend_genome();
  g.regime.fg_on = true;
  auto view = pat.view();
  view.sentiment = {};
  for (double e : exposures(g, view)) ASSERT_EQ(e, 0.0);
}

TEST(RegimeFilter, VolatilityFilterClosesDuringABurst) {
  // Calm alternating returns have a constant realized volatility, equal to its median, so the
  // filter is open (vol < 1.5 x median); a burst of 5x moves lifts volatility far above the
  // median of the calm window, which closes it until the burst leaves the volatility window.
  const auto pat = zigzag(0.02, 0.01, 300, 330);
  Genome g = trend_genome();
  g.regime.vol_filter_on = true;
  g.regime.vol_k = 1.5;
  g.regime.vol_window = 10;
  g.regime.median_window = 50;
  const auto mask = regime_mask(g.regime, pat.view());
  // Realized vol is defined from bar 10, its 50-bar median from bar 59.
  for (std::size_t i = 0; i < 59; ++i) EXPECT_EQ(mask[i], 0.0) << i;
  for (std::size_t i = 59; i < 300; ++i) EXPECT_EQ(mask[i], 1.0) << i;
  // Closed from the first burst bar until burst volatilities fill half the median's window (the
  // median itself then rises to the burst's level).
  for (std::size_t i = 301; i < 325; ++i) EXPECT_EQ(mask[i], 0.0) << i;
  for (std::size_t i = 400; i < test::kBars; ++i) EXPECT_EQ(mask[i], 1.0) << i;

  const auto base = exposures(trend_genome(), pat.view());
  const auto filtered = exposures(g, pat.view());
  for (std::size_t i = 0; i < base.size(); ++i) ASSERT_EQ(filtered[i], base[i] * mask[i]) << i;
}

TEST(RiskBlock, VolTargetScalesByTargetOverRealizedVolCappedAtOne) {
  const auto pat = zigzag(0.02, 0.01);
  Genome g = trend_genome();
  const auto base = exposures(g, pat.view());
  g.risk.vol_target_on = true;
  g.risk.vol_window = 24;
  const auto vol = indicators::realized_vol(pat.bars.close(), 24, 8760.0);
  for (double target : {0.1, 0.5, 3.0}) {
    g.risk.vol_target = target;
    const auto scaled = exposures(g, pat.view());
    int partial = 0;
    for (std::size_t i = 0; i < base.size(); ++i) {
      const double want = base[i] == 0 || !std::isfinite(vol[i])
                              ? 0.0
                              : std::clamp(base[i] * target / vol[i], -1.0, 1.0);
      ASSERT_EQ(scaled[i], want) << "target " << target << " bar " << i;
      partial += std::abs(want) > 0 && std::abs(want) < 1;
    }
    // The zigzag's annualized vol is about 1.4: 0.1 and 0.5 scale down, 3 is capped at 1.
    if (target < 1) {
      EXPECT_GT(partial, 100) << target;
    } else {
      EXPECT_EQ(partial, 0);
    }
  }
}

TEST(RiskBlock, ZeroVolatilityKeepsTheFullExposure) {
  // Constant log returns: realized vol is exactly 0, the scale is unbounded and capped at 1.
  std::vector<double> c;
  for (std::size_t i = 0; i < test::kBars; ++i)
    c.push_back(100 * std::exp(0.001 * static_cast<double>(i)));
  const auto pat = test::make_pattern("exp", c);
  Genome g = trend_genome();
  const auto base = exposures(g, pat.view());
  g.risk.vol_target_on = true;
  EXPECT_EQ(exposures(g, pat.view()), base);
}

TEST(RiskBlock, StopsAndLeverageGoToTheBacktestConfig) {
  Genome g = trend_genome();
  g.risk.stop_loss = 0.05;
  g.risk.take_profit = 0.2;
  g.risk.trailing = 0.03;
  g.risk.leverage = 3;
  backtest::BacktestConfig base;
  base.fees.taker = 0.001;
  base.stops.stop_loss = 0.9;
  const auto c = evolve::backtest_config(g, base);
  EXPECT_EQ(c.stops.stop_loss, 0.05);
  EXPECT_EQ(c.stops.take_profit, 0.2);
  EXPECT_EQ(c.stops.trailing, 0.03);
  EXPECT_EQ(c.leverage, 3);
  EXPECT_EQ(c.fees.taker, 0.001);  // everything else is the base's
  // Stops off in the genome turn them off in the config.
  EXPECT_EQ(evolve::backtest_config(trend_genome(), base).stops.stop_loss, 0.0);
}

TEST(RiskBlock, ExposuresStayWithinOneAndDefaultsChangeNothing) {
  const auto pat = test::random_walk(3);
  for (const Family* f : all_families()) {
    std::vector<double> raw(pat.bars.size());
    f->signal(pat.view(), default_params(f->params()), raw);
    EXPECT_EQ(exposures(default_genome(*f), pat.view()), raw) << f->name();
  }
}

}  // namespace
}  // namespace organism::strategy
