// Invariants of the simulator on real data (Binance BTC 1h) under random signals.
#include <gtest/gtest.h>

#include "backtest/simulator.hpp"
#include "core/random.hpp"
#include "data/import.hpp"
#include "support/test_support.hpp"

namespace organism::backtest {
namespace {

std::optional<data::Candles> btc() {
  const auto shared = test::shared_dir();
  if (!shared) return std::nullopt;
  return data::parse_file((*shared / "data/ohlcv/binance/BTC-1h.csv.gz").string(), {}).candles->bars;
}

// Piecewise-constant random targets in [-1, 1], changing on about 2% of bars.
std::vector<double> random_target(std::size_t n, std::uint64_t seed, bool whole) {
  core::Rng rng(seed);
  std::vector<double> t(n);
  double v = 0;
  for (auto& x : t) {
    if (rng.bernoulli(0.02)) v = whole ? static_cast<double>(static_cast<int>(rng.below(3)) - 1) : rng.uniform(-1, 1);
    x = v;
  }
  return t;
}

TEST(Invariants, CashPlusPositionIsEquityAndTradesAddUp) {
  const auto bars = btc();
  if (!bars) GTEST_SKIP() << "../shared is absent";
  const std::vector<double> funding(bars->size(), 0.00001);
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto target = random_target(bars->size(), seed, false);
    BacktestConfig c;
    c.leverage = 2;
    c.stops.stop_loss = seed % 2 ? 0.03 : 0;
    c.stops.trailing = seed % 3 ? 0.05 : 0;
    BacktestInput in{bars->view(), target};
    in.funding = funding;
    in.record_positions = true;
    const auto r = run_backtest(in, c);
    for (std::size_t i = 0; i < bars->size(); ++i) {
      ASSERT_NEAR(r.cash[i] + r.units[i] * bars->close()[i], r.equity[i], 1e-9 * std::abs(r.equity[i]) + 1e-9) << i;
    }
    // Independent bookkeeping: trade pnls (closed plus the open one marked) sum to the equity change.
    double pnl = 0, fees = 0, funding_paid = 0;
    for (const auto& t : r.trades) {
      pnl += t.pnl;
      fees += t.fees;
      funding_paid += t.funding;
    }
    EXPECT_NEAR(pnl, r.equity.back() - c.initial_cash, 1e-6 * c.initial_cash) << seed;
    EXPECT_NEAR(fees, r.fees, 1e-9 * r.fees) << seed;
    EXPECT_NEAR(funding_paid, r.funding, 1e-9 * std::abs(r.funding) + 1e-9) << seed;
    EXPECT_GT(r.trades.size(), 100u);
  }
}

TEST(Invariants, CostlessCloseFillsCompoundExposureTimesReturn) {
  const auto bars = btc();
  if (!bars) GTEST_SKIP() << "../shared is absent";
  const auto target = random_target(bars->size(), 11, false);
  BacktestConfig c;
  c.fees.taker = 0;
  c.slippage.fraction = 0;
  c.fill = FillModel::Close;
  c.rebalance = Rebalance::EveryBar;
  const auto r = run_backtest({bars->view(), target}, c);
  const auto close = bars->close();
  double expected = c.initial_cash;
  double worst = 0;
  for (std::size_t t = 1; t < close.size(); ++t) {
    expected *= 1 + target[t - 1] * (close[t] / close[t - 1] - 1);
    worst = std::max(worst, std::abs(r.equity[t] / expected - 1));
  }
  EXPECT_LT(worst, 1e-9);
}

TEST(Invariants, DoublingFeesNeverRaisesFinalEquity) {
  const auto bars = btc();
  if (!bars) GTEST_SKIP() << "../shared is absent";
  for (std::uint64_t seed = 21; seed <= 30; ++seed) {
    const auto target = random_target(bars->size(), seed, seed % 2 == 0);
    BacktestConfig c;
    c.stops.stop_loss = seed % 3 == 0 ? 0.05 : 0;
    double last = std::numeric_limits<double>::infinity();
    for (double fee : {0.0, 0.0005, 0.001, 0.002}) {
      c.fees.taker = fee;
      const double final_equity = run_backtest({bars->view(), target}, c).equity.back();
      EXPECT_LE(final_equity, last) << "seed " << seed << " fee " << fee;
      last = final_equity;
    }
  }
}

}  // namespace
}  // namespace organism::backtest
