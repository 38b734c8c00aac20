// A measured run and its JSON document (what `organism backtest --json` prints), on hand-made
// markets whose results are worked out in the comments.
#include "backtest/run_report.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "backtest/hand_cases.hpp"

namespace organism::backtest {
namespace {

using hand_cases::costless;
using hand_cases::flat_bars;
using hand_cases::kH;
using hand_cases::kT0;

std::vector<std::string> keys(const nlohmann::ordered_json& j) {
  std::vector<std::string> out;
  for (const auto& [k, v] : j.items()) out.push_back(k);
  return out;
}

TEST(RunReport, SingleRunDocumentCarriesTheRunInItsOrder) {
  // Long 100 units from bar 1's open (100) to bar 3's open (200): +10000, one closed trade.
  const auto bars = flat_bars({100, 100, 200, 200});
  const std::vector<double> target{1, 1, 0, 0}, funding{0, 0, 0, 0};
  MetricsOptions mo;
  mo.bars_per_year = 8760;
  const auto run = run_measured({bars.view(), target, {}, funding}, costless(), mo);
  EXPECT_TRUE(run.funding);
  EXPECT_DOUBLE_EQ(run.metrics.final_equity, 20000);
  EXPECT_EQ(run.metrics.trades, 1);
  const auto doc =
      run_document(run, bars.time(), costless(), {"hand:A:1h", "ema_cross_0_12345678", true});
  EXPECT_EQ(doc["series"], "hand:A:1h");
  EXPECT_EQ(doc["strategy"], "ema_cross_0_12345678");
  EXPECT_EQ(doc["bars"], 4);
  EXPECT_EQ(doc["first"], kT0);
  EXPECT_EQ(doc["last"], kT0 + 3 * kH);
  EXPECT_DOUBLE_EQ(doc["final_equity"].get<double>(), 20000);
  EXPECT_TRUE(doc["trades"].is_number_integer());
  EXPECT_EQ(doc["fills"], 2);
  EXPECT_EQ(doc["fees_paid"], 0.0);
  EXPECT_EQ(doc["liquidated"], false);
  EXPECT_EQ(doc["bars_per_year"], 8760.0);
  EXPECT_EQ(doc["funding_model"], "hourly(notional_x_rate,longs_pay_positive)");
  const auto k = keys(doc);
  ASSERT_GE(k.size(), 6u);
  EXPECT_EQ(
      std::vector<std::string>(k.begin(), k.begin() + 6),
      (std::vector<std::string>{"series", "strategy", "bars", "first", "last", "final_equity"}));
  EXPECT_EQ(k.back(), "bars_per_second");
}

TEST(RunReport, ASignalRunHasNoStrategyNoTimingAndNoFunding) {
  const auto bars = flat_bars({100, 100, 100});
  const std::vector<double> target{0, 0, 0};
  const auto run = run_measured({bars.view(), target}, costless(), {});
  const auto doc = run_document(run, bars.time(), costless(), {"hand:A:1h", "", false});
  EXPECT_FALSE(doc.contains("strategy"));
  EXPECT_FALSE(doc.contains("bars_per_second"));
  EXPECT_EQ(doc["funding_model"], "off");
}

TEST(RunReport, PortfolioMetricsCountEveryLegsTrades) {
  // A doubles, B halves; half the equity in each from bar 1's open to bar 3's open.
  const auto a = flat_bars({100, 100, 200, 200});
  const auto b = flat_bars({50, 50, 25, 25});
  const std::vector<double> t{1, 1, 0, 0};
  const std::array<Leg, 2> legs{Leg{"A", {a.view(), t}, 0.5}, Leg{"B", {b.view(), t}, 0.25}};
  const auto run = run_portfolio_measured(legs, costless(), {});
  EXPECT_EQ(run.bars, 4u);
  EXPECT_EQ(run.metrics.trades, 2);  // one closed trade per leg
  EXPECT_DOUBLE_EQ(run.metrics.win_rate, 0.5);
  const auto doc = portfolio_document(run, costless());
  ASSERT_EQ(doc["legs"].size(), 2u);
  EXPECT_EQ(doc["legs"][0]["series"], "A");
  EXPECT_EQ(doc["legs"][0]["weight"], 0.5);
  EXPECT_EQ(doc["legs"][1]["weight"], 0.25);
  EXPECT_DOUBLE_EQ(doc["legs"][0]["pnl"].get<double>(), 5000);   // 50 units x +100
  EXPECT_DOUBLE_EQ(doc["legs"][1]["pnl"].get<double>(), -1250);  // 50 units x -25
  EXPECT_EQ(doc["legs"][1]["trades"], 1);
  EXPECT_EQ(keys(doc).front(), "bars");
  EXPECT_EQ(doc["funding_model"], "off");
}

TEST(RunReport, NonFiniteMetricsAreNullAndCountsIntegers) {
  Metrics m;
  m.sharpe = std::nan("");
  m.calmar = INFINITY;
  m.trades = 3;
  nlohmann::ordered_json out;
  put_metrics(out, m);
  EXPECT_TRUE(out["sharpe"].is_null());
  EXPECT_TRUE(out["calmar"].is_null());
  EXPECT_EQ(out["trades"], 3);
  EXPECT_TRUE(out["trades"].is_number_integer());
  EXPECT_TRUE(out["final_equity"].is_number_float());
}

}  // namespace
}  // namespace organism::backtest
