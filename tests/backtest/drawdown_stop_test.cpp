// The genome's drawdown stop (backtest/drawdown_stop.hpp): the rule alone, and in the simulation
// loop on a hand-computed long through a 10% drawdown.
#include "backtest/drawdown_stop.hpp"

#include <cstring>

#include <gtest/gtest.h>

#include "backtest/hand_cases.hpp"
#include "backtest/simulator.hpp"
#include "core/error.hpp"

namespace organism::backtest {
namespace {

using hand_cases::costless;
using hand_cases::flat_bars;
using hand_cases::kH;
using hand_cases::kT0;

TEST(DrawdownStop, FiresAtTheFractionHoldsTheCooldownAndRearmsAtTheEquityThen) {
  DrawdownStop stop({0.08, 3});
  EXPECT_FALSE(stop.flat_after(100));
  EXPECT_FALSE(stop.flat_after(110));  // the peak
  EXPECT_FALSE(stop.flat_after(102));  // 7.3% below 110
  EXPECT_TRUE(stop.flat_after(101));   // 8.2%: fires; this close is the first flat decision
  EXPECT_TRUE(stop.flat_after(101));
  EXPECT_TRUE(stop.flat_after(101));
  EXPECT_FALSE(stop.flat_after(101));  // re-armed, peak 101
  EXPECT_FALSE(stop.flat_after(94));   // 6.9% below 101 (it would be 14.5% below the old 110)
  EXPECT_TRUE(stop.flat_after(92));    // 8.9% below 101
  EXPECT_EQ(stop.times_fired(), 2);
}

TEST(DrawdownStop, OffNeverFires) {
  DrawdownStop stop({0, 5});
  for (double equity : {100.0, 50.0, 1.0}) EXPECT_FALSE(stop.flat_after(equity));
  EXPECT_EQ(stop.times_fired(), 0);
}

// Open = close on every bar; always long (target 1), no costs, 10000 of cash.
const data::Candles kFall = flat_bars({100, 100, 98, 96, 94, 91, 90, 90, 90, 90, 85, 86});

BacktestResult run_long(double dd_stop, int cooldown) {
  BacktestConfig config = costless();
  config.drawdown_stop = {dd_stop, cooldown};
  const std::vector<double> target(kFall.size(), 1.0);
  return run_backtest(BacktestInput{kFall.view(), target}, config);
}

TEST(DrawdownStop, LongGoesFlatTheBarAfterEightPercentAndReentersAfterTheCooldown) {
  const auto r = run_long(0.08, 3);
  // Bought at bar 1's open (100): 100 units; equity at close t = 10000 + 100 x (close - 100).
  // Close 4: 9400 (6% down). Close 5: 9100, 9% >= 8%: the stop fires, decision 5 is flat.
  EXPECT_DOUBLE_EQ(r.equity[4], 9400);
  EXPECT_DOUBLE_EQ(r.equity[5], 9100);
  EXPECT_DOUBLE_EQ(r.exposure[5], 100 * 91 / 9100.0);
  // Sold at bar 6's open (90): 9000 of cash, flat for the decisions of closes 5, 6, 7.
  for (std::size_t t : {6u, 7u, 8u}) {
    EXPECT_DOUBLE_EQ(r.equity[t], 9000) << t;
    EXPECT_EQ(r.exposure[t], 0) << t;
  }
  // Close 8 re-arms (peak 9000): long again at bar 9's open, 9000 / 90 = 100 units.
  EXPECT_DOUBLE_EQ(r.exposure[9], 1);
  // Close 10: 8500, 5.6% below the new peak (15% below the old one): still long.
  EXPECT_DOUBLE_EQ(r.equity[10], 8500);
  EXPECT_DOUBLE_EQ(r.equity[11], 8600);
  EXPECT_GT(r.exposure[11], 0);
  ASSERT_EQ(r.trades.size(), 2u);
  EXPECT_EQ(r.trades[0].entry_time, kT0 + kH);
  EXPECT_EQ(r.trades[0].exit_time, kT0 + 6 * kH);
  EXPECT_DOUBLE_EQ(r.trades[0].exit_price, 90);
  EXPECT_DOUBLE_EQ(r.trades[0].pnl, -1000);
  EXPECT_EQ(r.trades[1].entry_time, kT0 + 9 * kH);
}

TEST(DrawdownStop, ABarOfCooldownAndAStopThatNeverTripsLeaveTheRunAsWithoutIt) {
  // Cooldown 1: flat for the one decision of close 5 only, long again from bar 7's open.
  const auto one = run_long(0.08, 1);
  EXPECT_EQ(one.exposure[6], 0);
  EXPECT_DOUBLE_EQ(one.exposure[7], 1);
  // Without a stop the run stays long; its worst close (85) is 15% down, so a 16% stop never
  // fires and the run is the same bit for bit.
  const auto off = run_long(0, 24), far = run_long(0.16, 24);
  ASSERT_EQ(off.equity.size(), far.equity.size());
  for (std::size_t t = 0; t < off.equity.size(); ++t) {
    EXPECT_EQ(std::memcmp(&off.equity[t], &far.equity[t], sizeof(double)), 0) << t;
    EXPECT_EQ(off.exposure[t], far.exposure[t]) << t;
  }
  EXPECT_DOUBLE_EQ(off.equity[10], 8500);  // 15% down: the 16% stop did not fire
}

TEST(DrawdownStop, ConfigRefusesAFractionOutsideZeroToOne) {
  BacktestConfig config = costless();
  config.drawdown_stop = {1.2, 3};
  EXPECT_THROW(check_config(config), core::UsageError);
  config.drawdown_stop = {0.1, 0};
  EXPECT_THROW(check_config(config), core::UsageError);
}

}  // namespace
}  // namespace organism::backtest
