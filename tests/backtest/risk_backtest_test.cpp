// The backtest under the risk limits: with every limit off it is run_portfolio bit for bit; a
// synthetic crash halts at the hand-computed bar and is flat from the next open; the per-coin and
// gross caps size positions as computed by hand; REDUCING never grows a position.
#include "backtest/risk_backtest.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "backtest/hand_cases.hpp"
#include "core/random.hpp"
#include "data/import.hpp"
#include "support/test_support.hpp"

namespace organism::backtest {
namespace {

using hand_cases::costless;
using hand_cases::flat_bars;
using hand_cases::kH;
using hand_cases::kT0;

RiskLimits all_off() {
  RiskLimits l;
  l.max_drawdown = l.reduce_at = l.daily_loss = l.vol_k = l.stale_intervals = 0;
  l.stale_book_seconds = l.error_rate = l.asset_cap = l.max_leverage = 0;
  l.losing_streak = l.vol_window = l.vol_median_window = l.error_window = 0;
  return l;
}

void expect_same_trades(const std::vector<Trade>& a, const std::vector<Trade>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].entry_time, b[i].entry_time) << i;
    EXPECT_EQ(a[i].exit_time, b[i].exit_time) << i;
    EXPECT_EQ(a[i].entry_price, b[i].entry_price) << i;
    EXPECT_EQ(a[i].exit_price, b[i].exit_price) << i;
    EXPECT_EQ(a[i].size, b[i].size) << i;
    EXPECT_EQ(a[i].pnl, b[i].pnl) << i;
    EXPECT_EQ(a[i].fees, b[i].fees) << i;
    EXPECT_EQ(a[i].funding, b[i].funding) << i;
    EXPECT_EQ(a[i].reason, b[i].reason) << i;
    EXPECT_EQ(a[i].open, b[i].open) << i;
  }
}

// Exact equality (EXPECT_EQ on doubles is ==): the same arithmetic in the same order.
void expect_identical(std::span<const Leg> legs, const BacktestConfig& config) {
  const auto plain = run_portfolio(legs, config);
  const auto risk = run_portfolio_with_risk(legs, config, all_off());
  EXPECT_TRUE(risk.transitions.empty());
  EXPECT_EQ(risk.targets_capped, 0);
  const auto& r = risk.portfolio;
  EXPECT_EQ(r.equity, plain.equity);
  EXPECT_EQ(r.exposure, plain.exposure);
  EXPECT_EQ(r.fees, plain.fees);
  EXPECT_EQ(r.funding, plain.funding);
  EXPECT_EQ(r.fills, plain.fills);
  EXPECT_EQ(r.liquidated, plain.liquidated);
  ASSERT_EQ(r.legs.size(), plain.legs.size());
  for (std::size_t j = 0; j < r.legs.size(); ++j) {
    EXPECT_EQ(r.legs[j].exposure, plain.legs[j].exposure);
    EXPECT_EQ(r.legs[j].pnl, plain.legs[j].pnl);
    expect_same_trades(r.legs[j].trades, plain.legs[j].trades);
  }
}

// A random walk with random targets, re-arm events and funding.
struct RandomLeg {
  data::Candles bars;
  std::vector<double> target, funding;
  std::vector<std::uint8_t> rearm;
  RandomLeg(std::uint64_t seed, std::size_t n) {
    core::Rng rng(seed);
    double p = 100, v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double o = p;
      p *= std::exp(0.01 * rng.normal());
      bars.push_back({kT0 + static_cast<core::TimeMs>(i) * kH, o, std::max(o, p) * 1.003,
                      std::min(o, p) * 0.997, p, 1});
      if (rng.bernoulli(0.03)) v = rng.uniform(-1.2, 1.2);
      target.push_back(v);
      funding.push_back(rng.uniform(-0.0001, 0.0002));
      rearm.push_back(rng.bernoulli(0.01));
    }
  }
  Leg leg(std::string name, double weight) const {
    return {std::move(name), {bars.view(), target, rearm, funding}, weight};
  }
};

TEST(RiskBacktest, EveryLimitOffIsRunPortfolioBitForBitOnSyntheticData) {
  const RandomLeg a(1, 3000), b(2, 3000);
  const std::array<Leg, 2> legs{a.leg("A", 0.6), b.leg("B", 0.7)};
  for (int variant = 0; variant < 4; ++variant) {
    BacktestConfig c;
    c.fill = variant % 2 ? FillModel::Close : FillModel::NextOpen;
    c.leverage = variant == 3 ? 2 : 1;
    if (variant >= 2) {
      c.stops.stop_loss = 0.03;
      c.stops.trailing = 0.05;
    }
    SCOPED_TRACE(variant);
    expect_identical(legs, c);
    expect_identical(std::span<const Leg>(legs).first(1), c);
  }
}

TEST(RiskBacktest, EveryLimitOffIsRunPortfolioBitForBitOnBtc1h) {
  const auto shared = test::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent: no real BTC 1h series";
  const auto candles =
      data::parse_file((*shared / "data/ohlcv/binance/BTC-1h.csv.gz").string(), {}).candles->bars;
  core::Rng rng(9);
  std::vector<double> target(candles.size());
  double v = 0;
  for (auto& x : target) {
    if (rng.bernoulli(0.02)) v = rng.uniform(-1, 1);
    x = v;
  }
  const Leg leg{"BTC", {candles.view(), target}, 1};
  BacktestConfig c;
  c.stops.stop_loss = 0.04;
  expect_identical({&leg, 1}, c);
}

// Flat at 100 for five bars, then -3% per bar, each bar opening at the previous close.
data::Candles crash(std::size_t n) {
  data::Candles c;
  double p = 100;
  for (std::size_t i = 0; i < n; ++i) {
    const double open = p;
    if (i >= 5) p *= 0.97;
    c.push_back({kT0 + static_cast<core::TimeMs>(i) * kH, open, open, p, p, 1});
  }
  return c;
}

TEST(RiskBacktest, ASyntheticCrashEqualsAHandComputedHaltBar) {
  const std::size_t n = 15;
  const auto bars = crash(n);
  const std::vector<double> target(n, 1.0);
  const Leg leg{"crash", {bars.view(), target}, 1};
  auto limits = all_off();
  limits.max_drawdown = 0.10;
  limits.reduce_at = 0.5;
  limits.hysteresis = 0.2;
  const auto r = run_portfolio_with_risk({&leg, 1}, costless(), limits);
  // 100 units bought at bar 1's open (10000 / 100). Equity at bar k's close is 100 x 100 x
  // 0.97^(k-4) for k >= 5: drawdowns 0.03 (bar 5), 0.0591 (bar 6: >= 0.05, REDUCING), 0.0873
  // (bar 7), 0.1147 (bar 8: >= 0.10, HALTED). Flat at bar 9's open, which is bar 8's close.
  ASSERT_TRUE(r.halt_bar.has_value());
  EXPECT_EQ(*r.halt_bar, 8u);
  ASSERT_EQ(r.transitions.size(), 2u);
  EXPECT_EQ(r.transitions[0].to, TradingState::reducing);
  EXPECT_EQ(r.transitions[0].time, kT0 + 7 * kH);  // bar 6 closes at the open of bar 7
  EXPECT_NEAR(r.transitions[0].figures[0].second, 1 - 0.97 * 0.97, 1e-12);
  EXPECT_EQ(r.transitions[1].to, TradingState::halted);
  EXPECT_EQ(r.transitions[1].time, kT0 + 9 * kH);
  EXPECT_NEAR(r.transitions[1].figures[0].second, 1 - std::pow(0.97, 4), 1e-12);
  EXPECT_EQ(r.transitions[1].describe(),
            "HALTED by drawdown: drawdown 0.1147 >= limit 0.1 (peak 10000, equity 8852.93)");
  EXPECT_EQ(r.bars_reducing, 2);       // bars 6 and 7
  EXPECT_EQ(r.bars_halted, 15 - 8);    // bars 8 .. 14
  const auto& p = r.portfolio;
  for (std::size_t t = 1; t <= 8; ++t) EXPECT_DOUBLE_EQ(p.exposure[t], 1) << t;  // REDUCING holds
  for (std::size_t t = 9; t < n; ++t) {
    EXPECT_EQ(p.exposure[t], 0) << t;
    EXPECT_EQ(p.equity[t], p.equity[8]) << t;  // the flattening fill is at bar 8's close price
  }
  EXPECT_NEAR(p.equity[8], 10000 * std::pow(0.97, 4), 1e-6);  // 8852.9281
  ASSERT_EQ(p.legs[0].trades.size(), 1u);
  EXPECT_EQ(p.legs[0].trades[0].exit_time, kT0 + 9 * kH);
  EXPECT_FALSE(p.legs[0].trades[0].open);
}

TEST(RiskBacktest, AssetCapSizesOneLegAtFifteenPercent) {
  const auto bars = flat_bars({100, 100, 120, 120});
  const std::vector<double> target{1, 1, 1, 1};
  const Leg leg{"A", {bars.view(), target}, 1};
  auto limits = all_off();
  limits.asset_cap = 0.15;
  const auto r = run_portfolio_with_risk({&leg, 1}, costless(), limits);
  // Target 1 cut to 0.15: 0.15 x 10000 / 100 = 15 units at bar 1's open; held (not resized) after.
  EXPECT_DOUBLE_EQ(r.portfolio.exposure[1], 0.15);
  EXPECT_DOUBLE_EQ(r.portfolio.exposure[3], 0.15);
  ASSERT_EQ(r.portfolio.legs[0].trades.size(), 1u);
  EXPECT_DOUBLE_EQ(r.portfolio.legs[0].trades[0].size, 15);
  EXPECT_DOUBLE_EQ(r.portfolio.equity[2], 10000 + 15 * 20);
  EXPECT_EQ(r.targets_capped, 3);  // the decisions at bars 0, 1, 2 (the last one fills nothing)
}

TEST(RiskBacktest, AssetCapSumsTheLegsOfOneCoin) {
  const auto bars = flat_bars({100, 100, 100});
  const std::vector<double> target{1, 1, 1};
  const std::array<Leg, 2> legs{Leg{"A1", {bars.view(), target}, 0.5},
                                Leg{"A2", {bars.view(), target}, 0.5}};
  auto limits = all_off();
  limits.asset_cap = 0.15;
  // One coin: net 0.5 + 0.5 = 1 -> both scaled by 0.15: 0.075 each, 7.5 units each.
  const std::array<std::size_t, 2> one_coin{0, 0};
  auto r = run_portfolio_with_risk(legs, costless(), limits, one_coin);
  EXPECT_DOUBLE_EQ(r.portfolio.legs[0].exposure[1], 0.075);
  EXPECT_DOUBLE_EQ(r.portfolio.legs[1].exposure[1], 0.075);
  EXPECT_DOUBLE_EQ(r.portfolio.exposure[1], 0.15);
  EXPECT_DOUBLE_EQ(r.portfolio.legs[0].trades.at(0).size, 7.5);
  // Two coins: each 0.5 -> 0.15, together 0.3.
  r = run_portfolio_with_risk(legs, costless(), limits);
  EXPECT_DOUBLE_EQ(r.portfolio.legs[0].exposure[1], 0.15);
  EXPECT_DOUBLE_EQ(r.portfolio.exposure[1], 0.3);
}

TEST(RiskBacktest, GrossLeverageScalesTheLegsTogether) {
  const auto a = flat_bars({100, 100, 100});
  const auto b = flat_bars({50, 50, 50});
  const std::vector<double> ta{1, 1, 1}, tb{-0.5, -0.5, -0.5};
  const std::array<Leg, 2> legs{Leg{"A", {a.view(), ta}, 1}, Leg{"B", {b.view(), tb}, 1}};
  auto c = costless();
  c.leverage = 2;
  auto limits = all_off();
  limits.max_leverage = 1.2;
  const auto r = run_portfolio_with_risk(legs, c, limits);
  // Exposures 2 and -1: gross 3 > 1.2 -> x 0.4: 0.8 and -0.4 (units 80 and -80).
  EXPECT_DOUBLE_EQ(r.portfolio.legs[0].exposure[1], 0.8);
  EXPECT_DOUBLE_EQ(r.portfolio.legs[1].exposure[1], -0.4);
  EXPECT_DOUBLE_EQ(r.portfolio.legs[0].trades.at(0).size, 80);
  EXPECT_DOUBLE_EQ(r.portfolio.legs[1].trades.at(0).size, 80);
  EXPECT_EQ(r.portfolio.legs[1].trades.at(0).side, -1);
}

TEST(RiskBacktest, ReducingNeverIncreasesAbsoluteExposure) {
  const RandomLeg a(3, 4000), b(4, 4000);
  const std::array<Leg, 2> legs{a.leg("A", 0.5), b.leg("B", 0.5)};
  auto limits = all_off();
  limits.max_drawdown = 0.9;  // the REDUCING band at 4.5% (cleared below 3.6%), a halt far away
  limits.reduce_at = 0.05;
  limits.hysteresis = 0.2;
  limits.losing_streak = 3;
  BacktestConfig c;
  c.leverage = 3;
  const auto r = run_portfolio_with_risk(legs, c, limits);
  ASSERT_GT(r.bars_reducing, 100);
  EXPECT_FALSE(r.halt_bar);
  // The state after each close, from the transitions (a close at time[t] + 1h is bar t's).
  const std::size_t n = r.portfolio.equity.size();
  std::vector<TradingState> state(n, TradingState::active);
  std::size_t k = 0;
  TradingState now = TradingState::active;
  for (std::size_t t = 0; t < n; ++t) {
    for (; k < r.transitions.size() && r.transitions[k].time == kT0 + static_cast<core::TimeMs>(t + 1) * kH; ++k)
      now = r.transitions[k].to;
    state[t] = now;
  }
  ASSERT_EQ(k, r.transitions.size());
  std::int64_t checked = 0;
  for (std::size_t j = 0; j < 2; ++j) {
    const auto& x = r.portfolio.legs[j].exposure;
    for (std::size_t t = 0; t + 1 < n; ++t) {
      if (state[t] != TradingState::reducing) continue;
      ++checked;
      EXPECT_LE(std::abs(x[t + 1]), std::abs(x[t]) * (1 + 1e-12)) << j << " " << t;
      EXPECT_GE(x[t + 1] * x[t], 0) << j << " " << t;
    }
  }
  EXPECT_EQ(checked, 2 * r.bars_reducing - (state[n - 1] == TradingState::reducing ? 2 : 0));
}

}  // namespace
}  // namespace organism::backtest
