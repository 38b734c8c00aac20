// backtest::Account driven bar by bar by hand, as the paper broker will drive it: fills with fee
// and slippage, intrabar stops, funding, liquidation; and bar-by-bar equals run_backtest on real
// data.
#include "backtest/account.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>

#include "backtest/hand_cases.hpp"
#include "backtest/simulator.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "data/import.hpp"
#include "support/test_support.hpp"

namespace organism::backtest {
namespace {

using hand_cases::costless;
using hand_cases::kH;
using hand_cases::kT0;

constexpr double kOne = 1;

data::Bar bar(int i, double open, double high, double low, double close) {
  return {kT0 + i * kH, open, high, low, close, 1.0};
}

// Feeds one leg's bar; the single-leg form of Account::step.
double step(Account& a, const data::Bar& b, double funding_rate = 0) {
  return a.step({&b, 1}, {&funding_rate, 1});
}

TEST(Account, MarketFillPaysFeeAndSlippageAtTheNextOpen) {
  BacktestConfig c;
  c.fees.taker = 0.001;
  c.slippage.fraction = 0.001;
  Account a(c, {&kOne, 1});
  EXPECT_DOUBLE_EQ(step(a, bar(0, 100, 100, 100, 100)), 10000);
  a.set_target(0, 1);                   // decided at bar 0's close
  EXPECT_EQ(a.position(0).units(), 0);  // nothing fills before the next bar
  const double eq = step(a, bar(1, 100, 110, 100, 110));
  // Buy at 100 x 1.001 = 100.1, all-in net of the fee: units = 10000 / (100.1 x 1.001).
  const double units = 10000 / (100.1 * 1.001);
  EXPECT_DOUBLE_EQ(a.position(0).units(), units);
  EXPECT_NEAR(a.position(0).fees(), units * 100.1 * 0.001, 1e-12);
  EXPECT_NEAR(a.cash(), 0, 1e-9);
  EXPECT_NEAR(eq, units * 110, 1e-9);
  EXPECT_EQ(a.position(0).fills(), 1);
  EXPECT_DOUBLE_EQ(a.position(0).exposure(), 1);
  // The open trade, marked at 110 without exit costs.
  const auto open = a.open_trade(0, 110, kT0 + kH);
  ASSERT_TRUE(open.has_value());
  EXPECT_DOUBLE_EQ(open->entry_price, 100.1);
  EXPECT_NEAR(open->pnl, units * (110 - 100.1) - units * 100.1 * 0.001, 1e-9);
  // Sell at the next open: 120 x 0.999 = 119.88, fee 0.1% of that.
  a.set_target(0, 0);
  EXPECT_NEAR(step(a, bar(2, 120, 120, 120, 120)), units * 119.88 * 0.999, 1e-9);
  ASSERT_EQ(a.closed_trades(0).size(), 1u);
  EXPECT_DOUBLE_EQ(a.closed_trades(0)[0].exit_price, 119.88);
  EXPECT_EQ(a.closed_trades(0)[0].reason, ExitReason::Signal);
  EXPECT_FALSE(a.open_trade(0, 120, kT0 + 2 * kH).has_value());
}

TEST(Account, CloseFillModelFillsAtTheDecisionBarsClose) {
  BacktestConfig c = costless();
  c.fill = FillModel::Close;
  Account a(c, {&kOne, 1});
  a.set_target(0, -1);  // decided at bar 0's close, filled there
  EXPECT_DOUBLE_EQ(step(a, bar(0, 90, 100, 90, 100)), 10000);
  EXPECT_DOUBLE_EQ(a.position(0).units(), -100);
  EXPECT_DOUBLE_EQ(a.cash(), 20000);
  EXPECT_DOUBLE_EQ(step(a, bar(1, 100, 100, 80, 80)), 12000);  // short 100 units, 100 -> 80
}

TEST(Account, StopLossHitIntrabarFillsAtTheStopAndBeatsTheTakeProfit) {
  BacktestConfig c = costless();
  c.stops.stop_loss = 0.05;
  c.stops.take_profit = 0.05;
  Account a(c, {&kOne, 1});
  step(a, bar(0, 100, 100, 100, 100));
  a.set_target(0, 1);
  step(a, bar(1, 100, 101, 99, 100));  // 100 units at 100; neither level (95, 105) touched
  EXPECT_DOUBLE_EQ(a.position(0).units(), 100);
  // Both 95 and 105 lie inside the next bar: the stop is assumed first, filled at 95.
  EXPECT_DOUBLE_EQ(step(a, bar(2, 100, 106, 94, 104)), 9500);
  EXPECT_EQ(a.position(0).units(), 0);
  ASSERT_EQ(a.closed_trades(0).size(), 1u);
  EXPECT_EQ(a.closed_trades(0)[0].reason, ExitReason::StopLoss);
  EXPECT_DOUBLE_EQ(a.closed_trades(0)[0].exit_price, 95);
  EXPECT_DOUBLE_EQ(a.closed_trades(0)[0].pnl, -500);
  // Stopped out: the unchanged long target does not re-enter until re-armed.
  step(a, bar(3, 104, 104, 104, 104));
  EXPECT_EQ(a.position(0).units(), 0);
  a.set_target(0, 1, true);
  step(a, bar(4, 104, 104, 104, 104));
  EXPECT_GT(a.position(0).units(), 0);
}

TEST(Account, GapThroughTheStopFillsAtTheOpen) {
  BacktestConfig c = costless();
  c.stops.stop_loss = 0.05;
  Account a(c, {&kOne, 1});
  step(a, bar(0, 100, 100, 100, 100));
  a.set_target(0, 1);
  step(a, bar(1, 100, 100, 100, 100));
  EXPECT_DOUBLE_EQ(step(a, bar(2, 90, 92, 88, 91)), 9000);  // opened below 95: out at 90
  EXPECT_DOUBLE_EQ(a.closed_trades(0)[0].exit_price, 90);
}

TEST(Account, FundingLongsPayWhenTheRateIsPositiveShortsReceive) {
  for (const double side : {1.0, -1.0}) {
    Account a(costless(), {&kOne, 1});
    step(a, bar(0, 100, 100, 100, 100));
    a.set_target(0, side);
    step(a, bar(1, 100, 100, 100, 100));  // 100 units either way
    // Rate 0.001 on 100 units x close 100: 10 paid by the long, received by the short.
    const double eq = step(a, bar(2, 100, 100, 100, 100), 0.001);
    EXPECT_DOUBLE_EQ(eq, 10000 - side * 10) << side;
    EXPECT_DOUBLE_EQ(a.position(0).funding(), side * 10) << side;
    EXPECT_DOUBLE_EQ(a.open_trade(0, 100, kT0 + 2 * kH)->funding, side * 10);
  }
}

TEST(Account, EquityGoneLiquidatesAtTheCloseAndStopsTrading) {
  BacktestConfig c = costless();
  c.leverage = 2;
  Account a(c, {&kOne, 1});
  step(a, bar(0, 100, 100, 100, 100));
  a.set_target(0, 1);
  step(a, bar(1, 100, 100, 100, 100));  // 200 units, cash -10000
  EXPECT_DOUBLE_EQ(a.cash(), -10000);
  EXPECT_DOUBLE_EQ(step(a, bar(2, 100, 100, 60, 70)), 4000);  // 200 x 70 - 10000
  // Close 45: 200 x 45 - 10000 = -1000 <= 0: liquidated at that close.
  EXPECT_EQ(step(a, bar(3, 70, 70, 40, 45)), 0);
  EXPECT_TRUE(a.liquidated());
  EXPECT_EQ(a.position(0).units(), 0);
  ASSERT_EQ(a.closed_trades(0).size(), 1u);
  EXPECT_EQ(a.closed_trades(0)[0].reason, ExitReason::Liquidation);
  EXPECT_DOUBLE_EQ(a.closed_trades(0)[0].exit_price, 45);
  EXPECT_DOUBLE_EQ(a.cash(), -1000);
  a.set_target(0, 1);
  EXPECT_EQ(step(a, bar(4, 100, 100, 100, 100)), 0);
  EXPECT_EQ(a.position(0).fills(), 2);  // nothing traded after
}

TEST(Account, LegsShareOneCashAccount) {
  const std::array<double, 2> weights{0.5, 0.5};
  Account a(costless(), weights);
  std::array<data::Bar, 2> b{bar(0, 100, 100, 100, 100), bar(0, 50, 50, 50, 50)};
  a.step(b);
  a.set_target(0, 1);
  a.set_target(1, 1);
  b = {bar(1, 100, 200, 100, 200), bar(1, 50, 50, 25, 25)};
  // Each leg gets half of 10000 at the open: 50 units of A, 100 of B; cash 0.
  EXPECT_DOUBLE_EQ(a.step(b), 50 * 200 + 100 * 25);
  EXPECT_DOUBLE_EQ(a.cash(), 0);
  const std::array<double, 2> prices{100, 50};
  EXPECT_DOUBLE_EQ(a.equity(prices), 10000);
}

TEST(Account, RejectsBadInput) {
  BacktestConfig bad;
  bad.leverage = 0;
  EXPECT_THROW({ Account x(bad, {&kOne, 1}); }, core::UsageError);
  const double negative = -1;
  EXPECT_THROW({ Account x(BacktestConfig{}, {&negative, 1}); }, core::UsageError);
  EXPECT_THROW({ Account x(BacktestConfig{}, {}); }, core::UsageError);
  Account a(BacktestConfig{}, {&kOne, 1});
  EXPECT_THROW(a.set_target(0, std::nan("")), core::UsageError);
  const std::array<data::Bar, 2> two{bar(0, 1, 1, 1, 1), bar(0, 1, 1, 1, 1)};
  EXPECT_THROW(a.step(two), core::UsageError);
}

// Bit-for-bit equality of doubles (EXPECT_EQ on doubles would accept -0 == 0).
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The paper broker's loop: the target decided at bar t's close is set after feeding bar t.
void expect_bar_by_bar_equals_run_backtest(const data::Candles& candles,
                                           const std::vector<double>& target,
                                           const std::vector<std::uint8_t>& rearm,
                                           const std::vector<double>& funding,
                                           const BacktestConfig& c) {
  BacktestInput in{candles.view(), target};
  in.rearm = rearm;
  in.funding = funding;
  const auto batch = run_backtest(in, c);
  Account a(c, {&kOne, 1});
  const auto view = candles.view();
  const bool next_open = c.fill == FillModel::NextOpen;
  std::size_t mismatches = 0;
  for (std::size_t t = 0; t < view.size(); ++t) {
    const data::Bar b = view.bar(t);
    if (!next_open) a.set_target(0, target[t], rearm[t] != 0);
    const double eq = a.step({&b, 1}, {&funding[t], 1});
    if (next_open) a.set_target(0, target[t], rearm[t] != 0);
    if (!same_bits(eq, batch.equity[t]) || !same_bits(a.position(0).exposure(), batch.exposure[t]))
      ++mismatches;
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(a.liquidated(), batch.liquidated);
  EXPECT_TRUE(same_bits(a.position(0).fees(), batch.fees));
  EXPECT_TRUE(same_bits(a.position(0).funding(), batch.funding));
  EXPECT_EQ(a.position(0).fills(), batch.fills);
  const auto last = view.bar(view.size() - 1);
  auto trades = a.closed_trades(0);
  if (auto open = a.open_trade(0, last.close, last.time)) trades.push_back(*open);
  ASSERT_EQ(trades.size(), batch.trades.size());
  for (std::size_t i = 0; i < trades.size(); ++i) {
    const auto &x = trades[i], &y = batch.trades[i];
    ASSERT_TRUE(x.entry_time == y.entry_time && x.exit_time == y.exit_time && x.side == y.side &&
                x.reason == y.reason && x.open == y.open &&
                same_bits(x.entry_price, y.entry_price) && same_bits(x.exit_price, y.exit_price) &&
                same_bits(x.size, y.size) && same_bits(x.pnl, y.pnl) && same_bits(x.fees, y.fees) &&
                same_bits(x.funding, y.funding))
        << "trade " << i;
  }
  EXPECT_GT(batch.trades.size(), 50u);
}

TEST(Account, BarByBarEqualsRunBacktestOnBtc1h) {
  const auto shared = test::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent: no real BTC 1h series to replay";
  const auto candles =
      data::parse_file((*shared / "data/ohlcv/binance/BTC-1h.csv.gz").string(), {}).candles->bars;
  const std::size_t n = candles.size();
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    core::Rng rng(seed);
    std::vector<double> target(n), funding(n);
    std::vector<std::uint8_t> rearm(n);
    double v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (rng.bernoulli(0.02)) v = rng.uniform(-1.2, 1.2);  // beyond +-1 is clamped
      target[i] = v;
      funding[i] = rng.uniform(-0.0001, 0.0002);
      rearm[i] = rng.bernoulli(0.01);
    }
    BacktestConfig c;
    c.fill = seed % 2 ? FillModel::NextOpen : FillModel::Close;
    c.leverage = seed == 4 ? 3 : 1;
    if (seed >= 2) c.stops.stop_loss = 0.03;
    if (seed >= 3) {
      c.stops.take_profit = 0.06;
      c.stops.trailing = 0.04;
    }
    if (seed == 4) c.stops.anchor = StopAnchor::EntryClose;
    SCOPED_TRACE(seed);
    expect_bar_by_bar_equals_run_backtest(candles, target, rearm, funding, c);
  }
}

}  // namespace
}  // namespace organism::backtest
