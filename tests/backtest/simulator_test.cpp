// The simulator on hand-computed cases: every mechanism with its arithmetic written out.
#include "backtest/simulator.hpp"

#include <array>
#include <cmath>

#include <gtest/gtest.h>

#include "backtest/hand_cases.hpp"
#include "data/align.hpp"
#include "core/error.hpp"

namespace organism::backtest {
namespace {

using hand_cases::bars;
using hand_cases::costless;
using hand_cases::kH;
using hand_cases::kT0;

BacktestConfig with_costs() {
  BacktestConfig c;
  c.fees.taker = 0.001;
  c.slippage.fraction = 0.001;
  return c;
}

BacktestResult run(const data::Candles& b, const std::vector<double>& target, const BacktestConfig& c,
                   const std::vector<double>& funding = {}) {
  BacktestInput in{b.view(), target};
  in.funding = funding;
  in.record_positions = true;
  return run_backtest(in, c);
}

TEST(Simulator, LongRoundTripWithFeesAndSlippage) {
  const auto b = bars({{100, 100, 100, 100}, {100, 110, 100, 110}, {110, 120, 110, 120}, {120, 120, 120, 120}});
  const auto r = run(b, {1, 1, 0, 0}, with_costs());
  // Bar 1 open: buy at 100 x 1.001 = 100.1, sized net of the fee: units = 10000 / (100.1 x 1.001).
  const double units = 10000 / (100.1 * 1.001);
  EXPECT_DOUBLE_EQ(r.equity[0], 10000);
  EXPECT_NEAR(r.cash[1], 0, 1e-9);  // all-in: the fee took the rest
  EXPECT_DOUBLE_EQ(r.units[1], units);
  EXPECT_NEAR(r.equity[1], units * 110, 1e-9);
  EXPECT_NEAR(r.equity[2], units * 120, 1e-9);
  // Bar 3 open: sell at 120 x 0.999 = 119.88, fee 0.1% of that.
  const double final_equity = units * 119.88 * 0.999;
  EXPECT_NEAR(r.equity[3], final_equity, 1e-9);
  ASSERT_EQ(r.trades.size(), 1u);
  const auto& t = r.trades[0];
  EXPECT_EQ(t.side, 1);
  EXPECT_EQ(t.entry_time, kT0 + kH);
  EXPECT_EQ(t.exit_time, kT0 + 3 * kH);
  EXPECT_DOUBLE_EQ(t.entry_price, 100.1);
  EXPECT_DOUBLE_EQ(t.exit_price, 119.88);
  EXPECT_NEAR(t.fees, units * 100.1 * 0.001 + units * 119.88 * 0.001, 1e-9);
  EXPECT_NEAR(t.pnl, final_equity - 10000, 1e-9);
  EXPECT_FALSE(t.open);
  EXPECT_EQ(t.reason, ExitReason::Signal);
  EXPECT_EQ(r.fills, 2);
  EXPECT_EQ(r.exposure[1], 1);
  EXPECT_EQ(r.exposure[3], 0);
}

TEST(Simulator, ShortSide) {
  const auto b = bars({{100, 100, 100, 100}, {100, 100, 90, 90}, {90, 90, 90, 90}});
  const auto r = run(b, {-1, 0, 0}, with_costs());
  // Sell at 100 x 0.999 = 99.9; units = 10000 / (99.9 x 1.001); proceeds minus fee stay in cash.
  const double u = 10000 / (99.9 * 1.001);
  EXPECT_DOUBLE_EQ(r.units[1], -u);
  EXPECT_NEAR(r.cash[1], 10000 + u * 99.9 * (1 - 0.001), 1e-9);
  EXPECT_NEAR(r.equity[1], r.cash[1] - u * 90, 1e-9);
  // Buy back at 90 x 1.001 = 90.09 plus fee.
  const double final_equity = 10000 + u * 99.9 * 0.999 - u * 90.09 * 1.001;
  EXPECT_NEAR(r.equity[2], final_equity, 1e-9);
  ASSERT_EQ(r.trades.size(), 1u);
  EXPECT_EQ(r.trades[0].side, -1);
  EXPECT_NEAR(r.trades[0].pnl, final_equity - 10000, 1e-9);
  EXPECT_GT(r.trades[0].pnl, 0);
}

TEST(Simulator, FractionalResizingAndFlip) {
  const auto b = bars({{100, 100, 100, 100}, {100, 100, 100, 100}, {200, 200, 200, 200}, {200, 200, 200, 200}, {100, 100, 100, 100}});
  const auto r = run(b, {1, 0.5, -0.5, 0, 0}, costless());
  // Bar 1: 100 units at 100. Bar 2 open 200: equity 20000, half of it = 50 units: sell 50 at 200.
  EXPECT_DOUBLE_EQ(r.units[1], 100);
  EXPECT_DOUBLE_EQ(r.units[2], 50);
  EXPECT_DOUBLE_EQ(r.cash[2], 10000);
  EXPECT_DOUBLE_EQ(r.equity[2], 20000);
  // Bar 3 open 200: equity 20000, -0.5 -> -50 units: sell 100 (close 50, open 50 short).
  EXPECT_DOUBLE_EQ(r.units[3], -50);
  EXPECT_DOUBLE_EQ(r.cash[3], 30000);
  // Bar 4 open 100: buy back 50 at 100: +5000 on the short.
  EXPECT_DOUBLE_EQ(r.equity[4], 25000);
  ASSERT_EQ(r.trades.size(), 2u);
  EXPECT_DOUBLE_EQ(r.trades[0].pnl, 10000);  // 50 units +100 realized at the resize, 50 more at the flip
  EXPECT_DOUBLE_EQ(r.trades[0].size, 100);
  EXPECT_DOUBLE_EQ(r.trades[1].pnl, 5000);
  EXPECT_EQ(r.trades[1].side, -1);
  EXPECT_DOUBLE_EQ(r.exposure[2], 0.5);
  EXPECT_DOUBLE_EQ(r.exposure[3], -0.5);
}

TEST(Simulator, StopHitIntrabarFillsAtTheLevel) {
  auto c = costless();
  c.stops.stop_loss = 0.05;
  const auto b = bars({{100, 100, 100, 100}, {100, 101, 99, 100}, {100, 101, 94, 96}, {96, 96, 96, 96}});
  const auto r = run(b, {1, 1, 1, 1}, c);
  // Entry at 100; stop at 95; bar 2's low 94 reaches it: exit at 95 exactly.
  ASSERT_EQ(r.trades.size(), 1u);
  EXPECT_EQ(r.trades[0].reason, ExitReason::StopLoss);
  EXPECT_DOUBLE_EQ(r.trades[0].exit_price, 95);
  EXPECT_DOUBLE_EQ(r.equity[2], 9500);
  // The signal still says long: no re-entry until it lets go.
  EXPECT_DOUBLE_EQ(r.units[3], 0);
  EXPECT_DOUBLE_EQ(r.equity[3], 9500);
}

TEST(Simulator, StopAndTargetInOneBarStopWins) {
  auto c = costless();
  c.stops.stop_loss = 0.05;
  c.stops.take_profit = 0.05;
  const auto b = bars({{100, 100, 100, 100}, {100, 100, 100, 100}, {100, 110, 90, 100}});
  const auto r = run(b, {1, 1, 1}, c);
  EXPECT_EQ(r.trades.at(0).reason, ExitReason::StopLoss);
  EXPECT_DOUBLE_EQ(r.trades[0].exit_price, 95);
}

TEST(Simulator, TakeProfitAndGapThroughStop) {
  auto c = costless();
  c.stops.stop_loss = 0.05;
  c.stops.take_profit = 0.10;
  auto r = run(bars({{100, 100, 100, 100}, {100, 100, 100, 100}, {101, 112, 100, 111}}), {1, 1, 1}, c);
  EXPECT_EQ(r.trades.at(0).reason, ExitReason::TakeProfit);
  EXPECT_DOUBLE_EQ(r.trades[0].exit_price, 110);
  // Bar 2 opens at 90, below the 95 stop: the fill is the open, not the stop level.
  r = run(bars({{100, 100, 100, 100}, {100, 100, 100, 100}, {90, 92, 88, 91}}), {1, 1, 1}, c);
  EXPECT_EQ(r.trades.at(0).reason, ExitReason::StopLoss);
  EXPECT_DOUBLE_EQ(r.trades[0].exit_price, 90);
  EXPECT_DOUBLE_EQ(r.equity[2], 9000);
  // Short: a gap up through the stop fills at the open too; slippage applies to stop fills.
  c.slippage.fraction = 0.001;
  r = run(bars({{100, 100, 100, 100}, {100, 100, 100, 100}, {110, 111, 109, 110}}), {-1, -1, -1}, c);
  EXPECT_DOUBLE_EQ(r.trades.at(0).exit_price, 110 * 1.001);
}

TEST(Simulator, TrailingStopFollowsTheBestPrice) {
  auto c = costless();
  c.stops.trailing = 0.10;
  const auto b = bars({{100, 100, 100, 100}, {100, 120, 100, 118}, {118, 119, 107, 110}, {110, 110, 110, 110}});
  const auto r = run(b, {1, 1, 1, 1}, c);
  // Best price 120 after bar 1 -> level 108; bar 2's low 107 hits it: exit at 108.
  ASSERT_EQ(r.trades.size(), 1u);
  EXPECT_EQ(r.trades[0].reason, ExitReason::TrailingStop);
  EXPECT_DOUBLE_EQ(r.trades[0].exit_price, 108);
  EXPECT_DOUBLE_EQ(r.equity[2], 10800);
}

TEST(Simulator, FundingPaidByLongsReceivedByShorts) {
  const auto b = bars({{100, 100, 100, 100}, {100, 100, 100, 100}, {100, 100, 100, 100}});
  const std::vector<double> funding{0.001, 0.001, -0.002};
  auto r = run(b, {1, 1, 1}, costless(), funding);
  // 100 units from bar 1: pays 100 x 100 x 0.001 = 10 in bar 1, receives 20 in bar 2.
  EXPECT_DOUBLE_EQ(r.equity[1], 9990);
  EXPECT_DOUBLE_EQ(r.equity[2], 10010);
  EXPECT_DOUBLE_EQ(r.funding, -10);
  ASSERT_EQ(r.trades.size(), 1u);
  EXPECT_TRUE(r.trades[0].open);
  EXPECT_DOUBLE_EQ(r.trades[0].funding, -10);
  EXPECT_DOUBLE_EQ(r.trades[0].pnl, 10);
  r = run(b, {-1, -1, -1}, costless(), funding);
  EXPECT_DOUBLE_EQ(r.equity[1], 10010);
  EXPECT_DOUBLE_EQ(r.equity[2], 9990);
  auto off = costless();
  off.funding = false;
  EXPECT_DOUBLE_EQ(run(b, {1, 1, 1}, off, funding).equity[2], 10000);
}

TEST(Simulator, NextOpenAndCloseFillModels) {
  const auto b = bars({{100, 100, 100, 100}, {105, 110, 105, 110}, {110, 120, 110, 120}});
  auto c = costless();
  auto r = run(b, {1, 0, 0}, c);
  // Decided at bar 0's close, filled at bar 1's open (105), closed at bar 2's open (110).
  EXPECT_DOUBLE_EQ(r.trades.at(0).entry_price, 105);
  EXPECT_DOUBLE_EQ(r.equity[2], 10000 * 110 / 105.0);
  c.fill = FillModel::Close;
  r = run(b, {1, 0, 0}, c);
  // Filled at bar 0's close (100), out at bar 1's close (110).
  EXPECT_DOUBLE_EQ(r.trades.at(0).entry_price, 100);
  EXPECT_DOUBLE_EQ(r.trades[0].exit_price, 110);
  EXPECT_DOUBLE_EQ(r.equity[2], 11000);
}

TEST(Simulator, EmptySignalKeepsEquityFlat) {
  const auto b = bars({{100, 100, 100, 100}, {100, 120, 80, 110}, {90, 95, 85, 90}});
  const auto r = run(b, {0, 0, 0}, with_costs(), {0.01, 0.01, 0.01});
  for (double e : r.equity) EXPECT_EQ(e, 10000);
  EXPECT_TRUE(r.trades.empty());
  EXPECT_EQ(r.fills, 0);
  EXPECT_EQ(r.fees, 0);
}

TEST(Simulator, RebalanceEveryBarKeepsExposureConstant) {
  auto c = costless();
  c.rebalance = Rebalance::EveryBar;
  c.fill = FillModel::Close;
  const auto b = bars({{100, 100, 100, 100}, {110, 110, 110, 110}, {99, 99, 99, 99}});
  const auto r = run(b, {-1, -1, 0}, c);
  // Short 100%: +10% -> equity x 0.9; rebalanced; -10% -> x 1.1.
  EXPECT_DOUBLE_EQ(r.equity[1], 9000);
  EXPECT_NEAR(r.equity[2], 9900, 1e-9);
}

TEST(Simulator, LiquidationStopsTrading) {
  auto c = costless();
  c.leverage = 5;
  const auto b = bars({{100, 100, 100, 100}, {100, 100, 100, 100}, {70, 70, 70, 70}, {200, 200, 200, 200}});
  const auto r = run(b, {1, 1, 1, 1}, c);
  // 5x long from 100: at 70 the equity is 10000 - 500 x 30 < 0.
  EXPECT_TRUE(r.liquidated);
  EXPECT_EQ(r.equity[2], 0);
  EXPECT_EQ(r.equity[3], 0);
  EXPECT_EQ(r.trades.at(0).reason, ExitReason::Liquidation);
}

TEST(Simulator, RejectsBadInput) {
  const auto b = bars({{100, 100, 100, 100}, {100, 100, 100, 100}});
  EXPECT_THROW(run(b, {1}, costless()), core::UsageError);
  EXPECT_THROW(run(b, {1, std::nan("")}, costless()), core::UsageError);
  auto c = costless();
  c.leverage = 0;
  EXPECT_THROW(run(b, {1, 1}, c), core::UsageError);
  c = costless();
  c.fees.taker = -0.1;
  EXPECT_THROW(run(b, {1, 1}, c), core::UsageError);
}

TEST(Simulator, FundingPerBarAndSignalsToTarget) {
  data::FundingSeries f{"x", "BTC", kH, {kT0, kT0 + kH, kT0 + 2 * kH, kT0 + 8 * kH}, {1, 2, 4, 8}};
  // 1h bars at kT0, kT0+1h, kT0+2h: each takes the settlement at its close.
  const std::vector<core::TimeMs> times{kT0, kT0 + kH, kT0 + 2 * kH};
  EXPECT_EQ(data::funding_per_bar(times, kH, f), (std::vector<double>{2, 4, 0}));
  // One 8h bar at kT0 takes everything in (kT0, kT0 + 8h].
  EXPECT_EQ(data::funding_per_bar(std::vector<core::TimeMs>{kT0}, 8 * kH, f), (std::vector<double>{14}));
  const std::vector<std::uint8_t> entry{0, 1, 0, 0, 1, 1}, exit{0, 0, 0, 1, 1, 0};
  EXPECT_EQ(signals_to_target(entry, exit, 1), (std::vector<double>{0, 1, 1, 0, 0, 1}));
  EXPECT_EQ(signals_to_target(entry, exit, -1), (std::vector<double>{0, -1, -1, 0, 0, -1}));
}

}  // namespace
}  // namespace organism::backtest
