// Objectives, their aggregation across coins and the constraints, by hand; and the splits.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "evolve/objectives.hpp"
#include "evolve/splits.hpp"

namespace organism::evolve {
namespace {

backtest::Metrics coin(double sharpe, double dd, double turnover, std::int64_t trades) {
  backtest::Metrics m;
  m.sharpe = sharpe;
  m.max_drawdown = dd;
  m.turnover = turnover;
  m.trades = trades;
  m.volatility = 0.2;  // the curve moved: the flat-genome constraint does not apply
  return m;
}

TEST(Objectives, DirectionsFollowTheMetric) {
  const auto o = parse_objectives("sharpe, consistency,max_drawdown,turnover");
  ASSERT_EQ(o.size(), 4u);
  EXPECT_EQ(o[0].direction, Direction::Maximize);
  EXPECT_EQ(o[1].direction, Direction::Maximize);
  EXPECT_EQ(o[2].direction, Direction::Minimize);
  EXPECT_EQ(o[3].direction, Direction::Minimize);
  EXPECT_EQ(metric_direction("cvar_95"), Direction::Minimize);
  EXPECT_EQ(metric_direction("sortino"), Direction::Maximize);
  EXPECT_THROW(metric_direction("alpha"), core::UsageError);
  EXPECT_THROW(parse_objectives(" , "), core::UsageError);
}

TEST(Objectives, MeanAndWorstAcrossCoinsByHand) {
  const std::vector<backtest::Metrics> coins = {coin(2.0, 0.10, 30, 20), coin(-1.0, 0.30, 10, 40)};
  const auto objectives = parse_objectives("sharpe,max_drawdown,turnover");
  Constraints off;
  off.min_trades = 0;
  off.max_drawdown = 1;
  const auto mean = fitness_of(coins, objectives, Aggregate::Mean, off);
  ASSERT_EQ(mean.objectives.size(), 3u);
  EXPECT_DOUBLE_EQ(mean.objectives[0], -0.5);  // maximized: negated mean
  EXPECT_DOUBLE_EQ(mean.objectives[1], 0.20);
  EXPECT_DOUBLE_EQ(mean.objectives[2], 20.0);
  EXPECT_EQ(mean.violation, 0);
  const auto worst = fitness_of(coins, objectives, Aggregate::Worst, off);
  EXPECT_DOUBLE_EQ(worst.objectives[0], 1.0);  // the weakest Sharpe is -1
  EXPECT_DOUBLE_EQ(worst.objectives[1], 0.30);
  EXPECT_DOUBLE_EQ(worst.objectives[2], 30.0);
}

TEST(Objectives, ConstraintViolationsByHand) {
  const std::vector<backtest::Metrics> coins = {coin(1, 0.10, 0, 4), coin(1, 0.70, 0, 8)};
  Constraints c;
  c.min_trades = 10;
  c.max_drawdown = 0.5;
  // Mean trades 6: short by 4 of 10 -> 0.4; worst drawdown 0.7 over 0.5 -> 0.2.
  EXPECT_DOUBLE_EQ(fitness_of(coins, parse_objectives("sharpe"), Aggregate::Mean, c).violation, 0.4 + 0.2);
  c.min_trades = 6;
  c.max_drawdown = 0.7;
  EXPECT_EQ(fitness_of(coins, parse_objectives("sharpe"), Aggregate::Mean, c).violation, 0);
}

TEST(Objectives, MeanMetricsByName) {
  const std::vector<backtest::Metrics> coins = {coin(2.0, 0.1, 0, 3), coin(1.0, 0.3, 0, 6)};
  const auto m = mean_metrics(coins);
  EXPECT_DOUBLE_EQ(value_of(m, "sharpe"), 1.5);
  EXPECT_DOUBLE_EQ(value_of(m, "max_drawdown"), 0.2);
  EXPECT_DOUBLE_EQ(value_of(m, "trades"), 4.5);
  EXPECT_TRUE(std::isnan(value_of(m, "nope")));
}

TEST(Splits, SixtyTwentyTwentyWithEmbargoByHand) {
  const auto s = split_bars(1000, 50);
  EXPECT_EQ(s.in_sample.begin, 0u);
  EXPECT_EQ(s.in_sample.end, 600u);
  EXPECT_EQ(s.out_of_sample.begin, 650u);
  EXPECT_EQ(s.out_of_sample.end, 800u);
  EXPECT_EQ(s.walk_forward.begin, 850u);
  EXPECT_EQ(s.walk_forward.end, 1000u);
  const auto eaten = split_bars(100, 30);  // the embargo is longer than the 20-bar segments
  EXPECT_EQ(eaten.out_of_sample.size(), 0u);
  EXPECT_EQ(eaten.walk_forward.size(), 0u);
  EXPECT_EQ(eaten.in_sample.size(), 60u);
}

}  // namespace
}  // namespace organism::evolve
