// Portfolio mode: legs share one cash account, sized on the portfolio's equity; one leg of weight
// 1 is exactly the single-coin run.
#include <array>

#include <gtest/gtest.h>

#include "backtest/simulator.hpp"
#include "backtest/hand_cases.hpp"
#include "core/error.hpp"
#include "core/random.hpp"

namespace organism::backtest {
namespace {

using hand_cases::costless;
using hand_cases::flat_bars;
using hand_cases::kH;
using hand_cases::kT0;

TEST(Portfolio, TwoLegsShareOneAccount) {
  // A doubles, B halves; half the equity in each, long both from bar 1's open.
  const auto a = flat_bars({100, 100, 200, 200});
  const auto b = flat_bars({50, 50, 25, 25});
  const std::vector<double> ta{1, 1, 1, 0}, tb{1, 1, 1, 0};
  const std::array<Leg, 2> legs{Leg{"A", {a.view(), ta}, 0.5}, Leg{"B", {b.view(), tb}, 0.5}};
  const auto r = run_portfolio(legs, costless());
  // Bar 1 open: equity 10000 -> 50 units of A (5000), 100 units of B (5000), cash 0.
  // Bar 2: A = 50 x 200 = 10000, B = 100 x 25 = 2500 -> 12500.
  EXPECT_DOUBLE_EQ(r.equity[1], 10000);
  EXPECT_DOUBLE_EQ(r.equity[2], 12500);
  EXPECT_DOUBLE_EQ(r.equity[3], 12500);  // both held to the last bar (target 0 at bar 3 fills after it)
  ASSERT_EQ(r.legs.size(), 2u);
  EXPECT_DOUBLE_EQ(r.legs[0].pnl, 5000);
  EXPECT_DOUBLE_EQ(r.legs[1].pnl, -2500);
  EXPECT_DOUBLE_EQ(r.legs[0].exposure[1], 0.5);
  EXPECT_DOUBLE_EQ(r.exposure[1], 1.0);
  EXPECT_EQ(r.fills, 2);
}

TEST(Portfolio, ALegIsSizedOnTheWholeAccount) {
  // B enters at bar 2, after A has doubled: its half is half of the portfolio's 15000.
  const auto a = flat_bars({100, 100, 200, 200});
  const auto b = flat_bars({10, 10, 10, 10});
  const std::vector<double> ta{1, 1, 1, 1}, tb{0, 1, 1, 1};
  const std::array<Leg, 2> legs{Leg{"A", {a.view(), ta}, 0.5}, Leg{"B", {b.view(), tb}, 0.5}};
  const auto r = run_portfolio(legs, costless());
  EXPECT_DOUBLE_EQ(r.equity[2], 15000);  // 5000 cash + 50 x 200
  EXPECT_DOUBLE_EQ(r.legs[1].trades.at(0).size, 750);  // 7500 / 10
}

TEST(Portfolio, OneLegIsTheSingleCoinRun) {
  core::Rng rng(5);
  data::Candles bars;
  double p = 100;
  std::vector<double> target, funding;
  double v = 0;
  for (int i = 0; i < 3000; ++i) {
    const double o = p;
    p *= std::exp(0.01 * rng.normal());
    bars.push_back({kT0 + i * kH, o, std::max(o, p) * 1.003, std::min(o, p) * 0.997, p, 1});
    if (rng.bernoulli(0.05)) v = rng.uniform(-1, 1);
    target.push_back(v);
    funding.push_back(1e-5);
  }
  BacktestConfig c;
  c.stops.stop_loss = 0.02;
  c.stops.trailing = 0.03;
  for (auto fill : {FillModel::NextOpen, FillModel::Close}) {
    c.fill = fill;
    BacktestInput in{bars.view(), target};
    in.funding = funding;
    const auto single = run_backtest(in, c);
    const std::array<Leg, 1> legs{Leg{"X", in, 1.0}};
    const auto port = run_portfolio(legs, c);
    EXPECT_EQ(port.equity, single.equity);
    EXPECT_EQ(port.legs[0].trades.size(), single.trades.size());
    EXPECT_EQ(port.fees, single.fees);
  }
}

TEST(Portfolio, RejectsMisalignedLegs) {
  const auto a = flat_bars({100, 100});
  data::Candles b;
  b.push_back({kT0 + kH, 1, 1, 1, 1, 1});
  b.push_back({kT0 + 2 * kH, 1, 1, 1, 1, 1});
  const std::vector<double> t{1, 1};
  const std::array<Leg, 2> legs{Leg{"A", {a.view(), t}, 0.5}, Leg{"B", {b.view(), t}, 0.5}};
  EXPECT_THROW(run_portfolio(legs, costless()), core::UsageError);
  EXPECT_THROW(run_portfolio(std::span<const Leg>{}, costless()), core::UsageError);
}

}  // namespace
}  // namespace organism::backtest
