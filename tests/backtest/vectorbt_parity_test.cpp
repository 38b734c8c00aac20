// Parity with vectorbt 0.28.3 (../shared/peers/vectorbt-btc1h): SMA(20/100) crossover signals on
// Binance BTC 1h, with and without 2%/4% stops. Every bar's equity must match to 1e-9 relative.
#include <sstream>

#include <gtest/gtest.h>

#include "backtest/simulator.hpp"
#include "core/text.hpp"
#include "support/test_support.hpp"

namespace organism::backtest {
namespace {

struct Fixture {
  data::Candles bars;
  std::vector<std::uint8_t> entry, exit;
  std::vector<double> equity_plain, equity_stops;
};

std::vector<std::string_view> cells(std::string_view line) {
  std::vector<std::string_view> out;
  while (true) {
    const auto pos = line.find(',');
    out.push_back(line.substr(0, pos));
    if (pos == std::string_view::npos) return out;
    line.remove_prefix(pos + 1);
  }
}

std::optional<Fixture> load() {
  const auto shared = test::shared_dir();
  if (!shared) return std::nullopt;
  const auto dir = *shared / "peers" / "vectorbt-btc1h";
  Fixture f;
  std::istringstream sig(test::read_file(dir / "signals.csv.gz")), eq(test::read_file(dir / "equity.csv.gz"));
  std::string line;
  std::getline(sig, line);  // time,close,entry,exit
  while (std::getline(sig, line)) {
    const auto c = cells(line);
    const double close = *core::parse_double(c[1]);
    f.bars.push_back({*core::parse_int64(c[0]), close, close, close, close, 0});
    f.entry.push_back(c[2] == "1");
    f.exit.push_back(c[3] == "1");
  }
  std::getline(eq, line);  // time,equity_plain,equity_stops
  while (std::getline(eq, line)) {
    const auto c = cells(line);
    f.equity_plain.push_back(*core::parse_double(c[1]));
    f.equity_stops.push_back(*core::parse_double(c[2]));
  }
  return f;
}

BacktestConfig vectorbt_config() {
  BacktestConfig c;
  c.initial_cash = 10'000;
  c.fees.taker = 0.0005;
  c.slippage.fraction = 0.0005;
  c.funding = false;
  apply_vectorbt_parity(c);
  return c;
}

void expect_same_curve(const std::vector<double>& ours, const std::vector<double>& theirs) {
  ASSERT_EQ(ours.size(), theirs.size());
  double worst = 0;
  std::size_t worst_at = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const double rel = std::abs(ours[i] - theirs[i]) / std::abs(theirs[i]);
    if (rel > worst) {
      worst = rel;
      worst_at = i;
    }
  }
  EXPECT_LE(worst, 1e-9) << "worst relative difference at bar " << worst_at << ": ours " << ours[worst_at]
                         << ", vectorbt " << theirs[worst_at];
}

TEST(VectorbtParity, PlainAndStopsEquityMatchEveryBar) {
  const auto f = load();
  if (!f) GTEST_SKIP() << "../shared is absent: vectorbt parity not run";
  ASSERT_EQ(f->bars.size(), 54'613u);
  const auto target = signals_to_target(f->entry, f->exit, 1);
  BacktestInput in{f->bars.view(), target, f->entry};

  auto config = vectorbt_config();
  const auto plain = run_backtest(in, config);
  expect_same_curve(plain.equity, f->equity_plain);
  EXPECT_NEAR(plain.equity.back(), 41231.042897223175, 41231.04 * 1e-9);  // reference.json final_value
  EXPECT_EQ(plain.fills, 729);                                           // reference.json orders
  EXPECT_EQ(plain.trades.size(), 365u);                                  // trades_all, 1 still open
  EXPECT_TRUE(plain.trades.back().open);

  config.stops.stop_loss = 0.02;
  config.stops.take_profit = 0.04;
  const auto stops = run_backtest(in, config);
  expect_same_curve(stops.equity, f->equity_stops);
  EXPECT_NEAR(stops.equity.back(), 5634.673715645572, 5634.67 * 1e-9);
  EXPECT_EQ(stops.fills, 730);
  EXPECT_EQ(stops.trades.size(), 365u);
  std::size_t stop_exits = 0;
  for (const auto& t : stops.trades) stop_exits += t.reason == ExitReason::StopLoss || t.reason == ExitReason::TakeProfit;
  EXPECT_GT(stop_exits, 100u);
}

}  // namespace
}  // namespace organism::backtest
