// `organism backtest` as a user runs it: vectorbt parity end to end, store series with funding,
// portfolios, and clear errors.
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

std::vector<std::vector<std::string>> csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    rows.push_back(core::split_list(line));
  }
  return rows;
}

TEST(BacktestCommand, VectorbtParityEndToEnd) {
  const auto shared = shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent: vectorbt parity not run";
  TempDir dir;
  const auto fixture = csv(read_file(*shared / "peers/vectorbt-btc1h/signals.csv.gz"));
  std::string closes = "time,close\n", signals = "time,entry,exit\n";
  for (std::size_t i = 1; i < fixture.size(); ++i) {
    closes += fixture[i][0] + "," + fixture[i][1] + "\n";
    signals += fixture[i][0] + "," + fixture[i][2] + "," + fixture[i][3] + "\n";
  }
  write_file(dir / "closes.csv", closes);
  write_file(dir / "signals.csv", signals);
  const auto equity_out = dir / "equity.csv";
  auto r = run_organism({"backtest", "--data", (dir / "closes.csv").string(), "--interval", "1h", "--signals",
                         (dir / "signals.csv").string(), "--parity", "vectorbt", "--bars-per-year", "525600", "--sl",
                         "0.02", "--tp", "0.04", "--json", "--timing", "--equity-out", equity_out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  // reference.json, variant "stops".
  EXPECT_NEAR(j["final_equity"].get<double>(), 5634.673715645572, 1e-9 * 5634.67);
  EXPECT_NEAR(j["sharpe"].get<double>(), -2.2333308775491068, 1e-9 * 2.24);
  EXPECT_NEAR(j["max_drawdown"].get<double>(), 0.6179899345518945, 1e-9);
  EXPECT_EQ(j["fills"], 730);
  EXPECT_EQ(j["fill_model"], "close");
  EXPECT_EQ(j["slippage_model"], "fraction(0.0005,not_on_stop_exits)");
  EXPECT_GT(j["bars_per_second"].get<double>(), 0);
  for (const char* key : {"total_return", "cagr", "volatility", "sortino", "calmar", "max_drawdown_duration", "trades",
                          "win_rate", "profit_factor", "avg_trade", "exposure", "turnover", "consistency", "skew",
                          "kurtosis", "var_95", "cvar_95"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  const auto ours = csv(read_file(equity_out));
  const auto theirs = csv(read_file(*shared / "peers/vectorbt-btc1h/equity.csv.gz"));
  ASSERT_EQ(ours.size(), theirs.size());
  for (std::size_t i = 1; i < ours.size(); ++i) {
    const double a = *core::parse_double(ours[i][1]), b = *core::parse_double(theirs[i][2]);
    ASSERT_NEAR(a, b, 1e-9 * b) << "bar " << i;
  }
}

TEST(BacktestCommand, StoreSeriesPaysStoredFunding) {
  TempDir dir;
  const std::string db = (dir / "s.db").string();
  fs::create_directories(dir / "ohlcv" / "hyperliquid");
  fs::create_directories(dir / "funding" / "hyperliquid");
  std::string bars = "time,open,high,low,close,volume\n", funding = "time,rate\n", signals = "time,target\n";
  for (int i = 0; i < 48; ++i) {
    const auto t = std::to_string(1704067200000 + i * 3'600'000LL);
    bars += t + ",100,101,99,100,1\n";
    funding += std::to_string(1704067200000 + (i + 1) * 3'600'000LL) + ",0.0001\n";
    signals += t + ",1\n";
  }
  write_file(dir / "ohlcv/hyperliquid/BTC-1h.csv", bars);
  write_file(dir / "funding/hyperliquid/BTC.csv", funding);
  write_file(dir / "sig.csv", signals);
  ASSERT_EQ(run_organism({"--db", db, "data", "import", (dir / "ohlcv/hyperliquid/BTC-1h.csv").string(),
                          (dir / "funding/hyperliquid/BTC.csv").string()})
                .exit_code,
            0);
  auto r = run_organism({"--db", db, "backtest", "--coin", "BTC", "--interval", "1h", "--signals",
                         (dir / "sig.csv").string(), "--fees", "0", "--slippage", "0", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  // 100 units held from bar 1 through bar 47: 47 settlements of 100 x 100 x 0.0001 = 1 each.
  EXPECT_NEAR(j["funding_paid"].get<double>(), 47, 1e-9);
  EXPECT_NEAR(j["final_equity"].get<double>(), 10000 - 47, 1e-9);
  EXPECT_EQ(j["series"], "hyperliquid:BTC:1h");
  EXPECT_EQ(j["funding_model"], "hourly(notional_x_rate,longs_pay_positive)");
  // A venue that does not hold the coin is a clear runtime error.
  r = run_organism({"--db", db, "backtest", "--coin", "BTC", "--interval", "1h", "--venue", "binance", "--signals",
                    (dir / "sig.csv").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no candles binance:BTC:1h"), std::string::npos) << r.err;
}

TEST(BacktestCommand, PortfolioOfTwoLegs) {
  TempDir dir;
  std::string a = "time,close\n", b = "time,close\n", sig = "time,target\n";
  for (int i = 0; i < 10; ++i) {
    const auto t = std::to_string(1704067200000 + i * 3'600'000LL);
    a += t + "," + std::to_string(100 + i) + "\n";
    b += t + "," + std::to_string(200 - i) + "\n";
    sig += t + ",1\n";
  }
  write_file(dir / "A-1h.csv", a);
  write_file(dir / "B-1h.csv", b);
  write_file(dir / "sig.csv", sig);
  auto r = run_organism({"backtest", "--leg", (dir / "A-1h.csv").string() + "," + (dir / "sig.csv").string() + ",0.5",
                         "--leg", (dir / "B-1h.csv").string() + "," + (dir / "sig.csv").string() + ",0.5", "--fees", "0",
                         "--slippage", "0", "--venue", "x", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["legs"].size(), 2u);
  // 5000 in each at bar 1's open (101 and 199), marked at the last close (109 and 191).
  const double expected = 5000.0 / 101 * 109 + 5000.0 / 199 * 191;
  EXPECT_NEAR(j["final_equity"].get<double>(), expected, 1e-9);
  EXPECT_NEAR(j["legs"][0]["pnl"].get<double>(), 5000.0 / 101 * 109 - 5000, 1e-9);
}

TEST(BacktestCommand, ClearErrors) {
  TempDir dir;
  write_file(dir / "BTC-1h.csv", "time,close\n1704067200000,100\n1704070800000,101\n");
  write_file(dir / "sig.csv", "time,target\n1704067200000,1\n");
  auto r = run_organism({"backtest", "--venue", "x", "--data", (dir / "BTC-1h.csv").string(), "--signals", (dir / "sig.csv").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no signal for the bar at 1704070800000"), std::string::npos) << r.err;
  write_file(dir / "sig.csv", "time,target\n1704067200000,1\n1704070800000,1\n");
  r = run_organism({"backtest", "--venue", "x", "--data", (dir / "BTC-1h.csv").string(), "--signals",
                    (dir / "sig.csv").string(), "--fill", "tomorrow"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_organism({"backtest", "--venue", "x", "--data", (dir / "BTC-1h.csv").string(), "--signals",
                    (dir / "sig.csv").string(), "--fees", "-1"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_organism({"backtest", "--venue", "x", "--data", (dir / "BTC-1h.csv").string()});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace organism::test
