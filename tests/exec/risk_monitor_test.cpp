// The risk monitor: VaR and CVaR worked by hand on 20 scenarios, checked against a separate
// computation (a map of times, a sort and the explicit formula) on two coins with a gap, a hedged
// book against a one-sided one, the flags for no or too little history, and the exposure report.
#include "exec/risk_monitor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace organism::exec {
namespace {

constexpr core::TimeMs kHour = 3'600'000;

// Bars every hour from time 0 whose closes move by `returns` from 100.
data::Candles closes_with_returns(const std::vector<double>& returns) {
  data::Candles bars;
  double close = 100;
  bars.push_back({0, close, close, close, close, 1});
  for (std::size_t i = 0; i < returns.size(); ++i) {
    close *= 1 + returns[i];
    bars.push_back({static_cast<core::TimeMs>(i + 1) * kHour, close, close, close, close, 1});
  }
  return bars;
}

// The 20 hourly returns of the hand-worked case, in %. Sorted, the worst are -4, -3, -2.5, -2,
// -1.5, -1.2, ...
const std::vector<double> kReturns = {0.01,   -0.02,  0.005, -0.03,  0.02,   -0.01, 0.015,
                                      -0.005, 0.002,  -0.04, 0.03,   -0.015, 0.008, -0.025,
                                      0.012,  -0.008, 0.003, -0.002, 0.025,  -0.012};

TEST(RiskMonitorTest, VarAndCvarByHandOnTwentyScenarios) {
  const data::Candles btc = closes_with_returns(kReturns);
  // $10000 long: the scenario pnls are 100 x the returns in %; the worst are -400, -300, -250,
  // -200. k = floor((1 - a) x 20): 1 at 95%, 2 at 90%, 4 at 80%, and at least 1 at 99%.
  const VarReport report =
      historical_var({{"BTC", 10'000}}, {{"BTC", btc.view()}}, 100'000, {0.95, 0.99, 0.90, 0.80});
  ASSERT_TRUE(report.enough_history) << report.note;
  EXPECT_EQ(report.scenarios, 20u);
  ASSERT_EQ(report.levels.size(), 4u);
  const double expected[4][3] = {{1, 400, 400}, {1, 400, 400}, {2, 300, 350}, {4, 200, 287.5}};
  for (std::size_t i = 0; i < 4; ++i) {
    const TailRisk& risk = report.levels[i];
    EXPECT_EQ(risk.tail_count, static_cast<std::size_t>(expected[i][0])) << risk.level;
    EXPECT_NEAR(risk.var, expected[i][1], 1e-9) << risk.level;
    EXPECT_NEAR(risk.cvar, expected[i][2], 1e-9) << risk.level;
    EXPECT_NEAR(risk.var_of_equity, expected[i][1] / 100'000, 1e-12);
    EXPECT_NEAR(risk.cvar_of_equity, expected[i][2] / 100'000, 1e-12);
  }
  // A short book's losses are the long book's gains: the worst are -300 (+3%), -250, -200.
  const VarReport short_book =
      historical_var({{"BTC", -10'000}}, {{"BTC", btc.view()}}, 100'000, {0.90});
  EXPECT_NEAR(short_book.levels.at(0).var, 250, 1e-9);
  EXPECT_NEAR(short_book.levels.at(0).cvar, 275, 1e-9);
}

// The same figures computed apart: closes by time in maps, the common times, the pnls, a sort,
// k from integer percents.
TailRisk independent_tail(const std::map<std::string, std::map<core::TimeMs, double>>& closes,
                          const std::map<std::string, double>& notional, int percent) {
  std::vector<core::TimeMs> common;
  for (const auto& [time, close] : closes.begin()->second) {
    bool everywhere = true;
    for (const auto& [coin, series] : closes) everywhere = everywhere && series.count(time) > 0;
    if (everywhere) common.push_back(time);
  }
  std::vector<double> pnl;
  for (std::size_t t = 1; t < common.size(); ++t) {
    double sum = 0;
    for (const auto& [coin, usd] : notional)
      sum += usd * (closes.at(coin).at(common[t]) / closes.at(coin).at(common[t - 1]) - 1);
    pnl.push_back(sum);
  }
  std::sort(pnl.begin(), pnl.end());
  const std::size_t k =
      std::max<std::size_t>(1, pnl.size() * static_cast<std::size_t>(100 - percent) / 100);
  TailRisk risk;
  risk.tail_count = k;
  risk.var = -pnl[k - 1];
  double sum = 0;
  for (std::size_t i = 0; i < k; ++i) sum += pnl[i];
  risk.cvar = -sum / static_cast<double>(k);
  return risk;
}

TEST(RiskMonitorTest, AgreesWithAnIndependentComputationOnTwoCoinsWithAGap) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> move(0, 0.02);
  std::map<std::string, std::map<core::TimeMs, double>> by_time;
  std::map<std::string, data::Candles> bars;
  double btc = 50'000, eth = 2'000;
  for (int i = 0; i < 130; ++i) {
    btc *= 1 + move(rng);
    eth *= 1 + move(rng);
    const core::TimeMs time = i * kHour;
    by_time["BTC"][time] = btc;
    bars["BTC"].push_back({time, btc, btc, btc, btc, 1});
    if (i % 17 == 5) continue;  // ETH misses some hours: those times are left out for both
    by_time["ETH"][time] = eth;
    bars["ETH"].push_back({time, eth, eth, eth, eth, 1});
  }
  const std::map<std::string, double> notional = {{"BTC", 7'000}, {"ETH", -3'000}};
  const VarReport report =
      historical_var(notional, {{"BTC", bars["BTC"].view()}, {"ETH", bars["ETH"].view()}}, 20'000);
  ASSERT_TRUE(report.enough_history) << report.note;
  EXPECT_EQ(report.scenarios, 130u - 8u - 1u);  // 8 missing hours (5, 22, ..., 124)
  ASSERT_EQ(report.levels.size(), 2u);
  for (const auto& [index, percent] : std::map<std::size_t, int>{{0, 95}, {1, 99}}) {
    const TailRisk expected = independent_tail(by_time, notional, percent);
    const TailRisk& got = report.levels[index];
    EXPECT_EQ(got.tail_count, expected.tail_count) << percent;
    EXPECT_NEAR(got.var, expected.var, 1e-9) << percent;
    EXPECT_NEAR(got.cvar, expected.cvar, 1e-9) << percent;
    EXPECT_GE(got.cvar, got.var);
    EXPECT_GT(got.var, 0);
  }
  EXPECT_EQ(report.levels[0].tail_count, 6u);  // floor(0.05 x 121)
  EXPECT_EQ(report.levels[1].tail_count, 1u);  // floor(0.01 x 121)
}

TEST(RiskMonitorTest, AHedgedBookHasALowerVarThanOneSide) {
  std::mt19937_64 rng(8);
  std::normal_distribution<double> common(0, 0.03), own(0, 0.005);
  data::Candles btc, eth;
  double b = 50'000, e = 2'000;
  for (int i = 0; i < 200; ++i) {
    const double shock = common(rng);
    b *= 1 + shock + own(rng);
    e *= 1 + shock + own(rng);
    btc.push_back({i * kHour, b, b, b, b, 1});
    eth.push_back({i * kHour, e, e, e, e, 1});
  }
  const std::map<std::string, data::CandleView> closes = {{"BTC", btc.view()}, {"ETH", eth.view()}};
  const VarReport one_side = historical_var({{"BTC", 10'000}}, closes, 50'000);
  const VarReport hedged = historical_var({{"BTC", 10'000}, {"ETH", -10'000}}, closes, 50'000);
  ASSERT_TRUE(one_side.enough_history && hedged.enough_history);
  for (std::size_t i = 0; i < 2; ++i) {
    // The common shock (3%) cancels; what is left is two 0.5% idiosyncratic moves.
    EXPECT_LT(hedged.levels[i].var, one_side.levels[i].var / 2) << i;
    EXPECT_LT(hedged.levels[i].cvar, one_side.levels[i].cvar / 2) << i;
  }
}

TEST(RiskMonitorTest, EmptyPositionsHaveNoRisk) {
  const VarReport report = historical_var({{"BTC", 0}}, {}, 10'000);
  EXPECT_TRUE(report.enough_history);
  EXPECT_EQ(report.scenarios, 0u);
  ASSERT_EQ(report.levels.size(), 2u);
  EXPECT_EQ(report.levels[0].level, 0.95);
  EXPECT_EQ(report.levels[1].level, 0.99);
  for (const TailRisk& risk : report.levels) {
    EXPECT_EQ(risk.var, 0);
    EXPECT_EQ(risk.cvar, 0);
    EXPECT_EQ(risk.var_of_equity, 0);
  }
}

TEST(RiskMonitorTest, TooLittleHistoryIsFlaggedNotComputed) {
  const data::Candles btc =
      closes_with_returns(std::vector<double>(kReturns.begin(), kReturns.begin() + 19));
  const VarReport short_history = historical_var({{"BTC", 10'000}}, {{"BTC", btc.view()}}, 10'000);
  EXPECT_FALSE(short_history.enough_history);
  EXPECT_EQ(short_history.scenarios, 19u);
  EXPECT_TRUE(short_history.levels.empty());
  EXPECT_EQ(short_history.note, "not enough history: 19 scenarios < 20");

  const VarReport missing =
      historical_var({{"BTC", 10'000}, {"SOL", 500}}, {{"BTC", btc.view()}}, 10'000);
  EXPECT_FALSE(missing.enough_history);
  EXPECT_EQ(missing.note, "not enough history: no closes for SOL");

  EXPECT_THROW(historical_var({}, {}, 1, {1.0}), core::UsageError);
}

TEST(RiskMonitorTest, ExposureByCoinAndByStrategy) {
  const std::map<std::string, std::map<std::string, Units>> positions = {
      {"a", {{"BTC", units_of(0.1)}, {"ETH", units_of(-1)}}},
      {"b", {{"BTC", units_of(0.05)}, {"ETH", 0}}},
      {"c", {{"SOL", units_of(3)}}}};
  const ExposureReport report = exposure_of(positions, {{"BTC", 50'000}, {"ETH", 2'000}}, 10'000);
  ASSERT_EQ(report.by_coin.size(), 2u);
  EXPECT_EQ(report.by_coin[0].coin, "BTC");
  EXPECT_DOUBLE_EQ(report.by_coin[0].net_notional, 7'500);  // 0.15 x 50000
  EXPECT_DOUBLE_EQ(report.by_coin[0].of_equity, 0.75);
  EXPECT_EQ(report.by_coin[1].coin, "ETH");
  EXPECT_DOUBLE_EQ(report.by_coin[1].net_notional, -2'000);
  EXPECT_DOUBLE_EQ(report.by_coin[1].of_equity, -0.2);
  EXPECT_DOUBLE_EQ(report.gross, 9'500);
  EXPECT_DOUBLE_EQ(report.gross_of_equity, 0.95);
  EXPECT_DOUBLE_EQ(report.by_strategy.at("a").at("BTC"), 5'000);
  EXPECT_DOUBLE_EQ(report.by_strategy.at("a").at("ETH"), -2'000);
  EXPECT_DOUBLE_EQ(report.by_strategy.at("b").at("BTC"), 2'500);
  EXPECT_EQ(report.by_strategy.at("b").count("ETH"), 0u);
  EXPECT_EQ(report.unpriced, std::vector<std::string>{"SOL"});
  EXPECT_EQ(report.notional(), (std::map<std::string, double>{{"BTC", 7'500}, {"ETH", -2'000}}));

  const ExposureReport broke = exposure_of(positions, {{"BTC", 50'000}}, 0);
  EXPECT_EQ(broke.by_coin.at(0).of_equity, 0);  // no equity: the ratio is 0
  EXPECT_EQ(broke.gross_of_equity, 0);
}

}  // namespace
}  // namespace organism::exec
