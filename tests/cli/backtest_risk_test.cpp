// `organism backtest --risk` through the binary on a synthetic crash: the halt bar and time it
// prints, the equity curve flat from the next open, the risk.* keys from the config file and the
// environment, and nothing changed without --risk.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/text.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

constexpr long long kT0 = 1704067200000;  // 2024-01-01 00:00 UTC
constexpr long long kH = 3'600'000;
constexpr int kBars = 15;

// Flat at 100 for five hourly bars, then -3% per bar, each bar opening at the previous close;
// a long signal (target 1) on every bar.
struct CrashFiles {
  TempDir dir;
  std::string candles = (dir / "crash-1h.csv").string();
  std::string signals = (dir / "long.csv").string();
  std::string config = (dir / "risk.toml").string();
  CrashFiles() {
    std::string c = "time,open,high,low,close,volume\n", s = "time,target\n";
    double p = 100;
    for (int i = 0; i < kBars; ++i) {
      const double open = p;
      if (i >= 5) p *= 0.97;
      const long long t = kT0 + i * kH;
      c += fmt_row(t, {open, open, p, p, 1});
      s += std::to_string(t);
      s += ",1\n";
    }
    write_file(candles, c);
    write_file(signals, s);
    // The drawdown breaker (its band at 5%, the halt at 10%); no daily loss, and no per-coin cap
    // (its default 15% would size the long book at 0.15).
    write_file(config,
               "[risk]\nmax_drawdown = 0.1\nreduce_at = 0.5\ndaily_loss = 0\nasset_cap = 0\n");
  }
  static std::string fmt_row(long long t, std::initializer_list<double> values) {
    std::string row = std::to_string(t);
    for (double v : values) {
      row += ',';
      row += core::format_number(v);
    }
    row += '\n';
    return row;
  }
  std::vector<std::string> args(std::vector<std::string> more) const {
    std::vector<std::string> a{"--config",   config,       "backtest",  "--data", candles,
                               "--interval", "1h",         "--signals", signals,  "--fees",
                               "0",          "--slippage", "0"};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  }
};

std::vector<std::vector<std::string>> csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) rows.push_back(core::split_list(line));
  return rows;
}

TEST(BacktestRisk, ACrashHaltsAtTheHandComputedBarAndIsFlatFromTheNextOpen) {
  const CrashFiles f;
  const auto equity_out = (f.dir / "equity.csv").string();
  const auto r = run_organism(f.args({"--risk", "--equity-out", equity_out}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Drawdown 1 - 0.97^2 = 0.0591 at bar 6's close (07:00), 1 - 0.97^4 = 0.1147 at bar 8's (09:00).
  EXPECT_NE(r.out.find("risk:\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2024-01-01 07:00:00  REDUCING by drawdown: drawdown 0.0591 >= limit 0.05 "
                       "(peak 10000, equity 9409)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("2024-01-01 09:00:00  HALTED by drawdown: drawdown 0.1147 >= limit 0.1 "
                       "(peak 10000, equity 8852.93)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find("halted at the close of bar 8 (opened 2024-01-01 08:00:00, closed 2024-01-01 "
                 "09:00:00); flat from the next open"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("bars_halted            7"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bars_reducing          2"), std::string::npos) << r.out;

  const auto rows = csv(read_file(equity_out));
  ASSERT_EQ(rows.size(), 1u + kBars);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"time", "equity", "exposure"}));
  const double frozen = *core::parse_double(rows[9][1]);  // bar 8's close
  EXPECT_NEAR(frozen, 10000 * std::pow(0.97, 4), 1e-6);   // 8852.9281
  for (int t = 1; t <= 8; ++t) EXPECT_EQ(rows[t + 1][2], "1") << t;
  for (int t = 9; t < kBars; ++t) {
    EXPECT_EQ(rows[t + 1][0], std::to_string(kT0 + t * kH));
    EXPECT_EQ(rows[t + 1][2], "0") << t;
    EXPECT_EQ(*core::parse_double(rows[t + 1][1]), frozen) << t;
  }
}

TEST(BacktestRisk, TheEnvironmentOverridesTheFileAndJsonCarriesTheRiskBlock) {
  const CrashFiles f;
  // 20%: 1 - 0.97^7 = 0.192 (bar 11), 1 - 0.97^8 = 0.2163 at bar 12's close.
  const auto r = run_organism(f.args({"--risk", "--json"}), {"ORGANISM_RISK_MAX_DRAWDOWN=0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("risk"));
  const auto& risk = j["risk"];
  EXPECT_EQ(risk["halt_bar"], 12);
  EXPECT_EQ(risk["halt_bar_time"], kT0 + 12 * kH);
  EXPECT_EQ(risk["halt_time"], kT0 + 13 * kH);
  EXPECT_EQ(risk["limits"]["max_drawdown"], 0.2);
  ASSERT_EQ(risk["transitions"].size(), 2u);
  EXPECT_EQ(risk["transitions"][1]["to"], "HALTED");
  EXPECT_EQ(risk["transitions"][1]["reason"], "drawdown");
  EXPECT_NEAR(risk["transitions"][1]["figures"]["drawdown"].get<double>(), 1 - std::pow(0.97, 8),
              1e-12);
  // Flat from bar 13: the last equity is bar 12's close, 10000 x 0.97^8.
  EXPECT_NEAR(j["final_equity"].get<double>(), 10000 * std::pow(0.97, 8), 1e-6);
}

TEST(BacktestRisk, WithoutRiskNothingChanges) {
  const CrashFiles f;
  const auto equity_out = (f.dir / "equity.csv").string();
  const auto r = run_organism(f.args({"--json", "--equity-out", equity_out}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(nlohmann::json::parse(r.out).contains("risk"));
  const auto rows = csv(read_file(equity_out));
  ASSERT_EQ(rows.size(), 1u + kBars);
  EXPECT_EQ(rows[kBars][2], "1");  // held to the end
  EXPECT_NEAR(*core::parse_double(rows[kBars][1]), 10000 * std::pow(0.97, 10), 1e-6);
}

TEST(BacktestRisk, AnOutOfRangeRiskKeyIsAUsageError) {
  const CrashFiles f;
  const auto r = run_organism(f.args({"--risk"}), {"ORGANISM_RISK_DEAD_MAN_SECONDS=5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("risk.dead_man_seconds"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("0 (off) or a number >= 10"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace organism::test
