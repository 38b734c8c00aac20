// Scale-free objectives (docs/evolution.md): multiplying a genome's positions by k in [0.1, 1]
// changes none of its objective values by more than 2%, for every genome family.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "evolve/engine_support.hpp"
#include "evolve/backtest_problem.hpp"
#include "evolve/objectives.hpp"
#include "strategy/genome.hpp"

namespace organism::evolve {
namespace {

// Metrics an objective can be built on that must not depend on the position's size.
const std::vector<std::string> kScaleFree = {"total_return", "cagr",          "sharpe",      "sortino",
                                             "calmar",       "max_drawdown",  "consistency", "turnover",
                                             "var_95",       "cvar_95",       "win_rate",    "profit_factor",
                                             "avg_trade",    "exposure",      "trades"};

bool is_ml(const std::string& family) { return family == "svm_classifier" || family == "pca_tree_quantile"; }

// Within 2% of the full-size value, or within an absolute floor where the value is nearly 0 and a
// relative 2% of it is rounding and compounding noise (a 0.04% CAGR at 20% volatility is no
// return at all). Each floor is far below what tells two rules apart.
double floor_of(const std::string& metric) {
  if (metric == "total_return" || metric == "cagr") return 1e-3;  // 0.1% return
  if (metric == "calmar" || metric == "sharpe" || metric == "sortino" || metric == "profit_factor") return 1e-2;
  if (metric == "avg_trade") return 1e-4;  // 1 basis point a trade
  return 1e-4;                             // drawdowns, tail losses, shares, counts
}

void expect_close(double full, double scaled, const std::string& metric, const std::string& what) {
  EXPECT_NEAR(scaled, full, std::max(0.02 * std::abs(full), floor_of(metric))) << what << " " << metric;
}

TEST(ScaleFreeObjectives, PositionSizeChangesNoObjectiveOfAnyFamily) {
  const auto universe = test::small_universe(3000);
  indicators::IndicatorCache cache(std::size_t{256} << 20);
  const BacktestProblem evaluator(universe, backtest::BacktestConfig{}, cache, 2);
  int checked = 0;
  for (const auto& family : strategy::genome_families()) {
    std::vector<strategy::Genome> bases = {strategy::default_genome(family)};
    core::Rng rng(11, {strategy::fnv1a64(family)});
    for (int i = 0; i < (is_ml(family) ? 1 : 4); ++i) bases.push_back(strategy::random_genome(family, rng));
    for (const auto& base : bases) {
      std::vector<strategy::Genome> batch;
      for (double k : {1.0, 0.5, 0.25, 0.1}) {
        auto g = base;
        g.risk.leverage = k;
        batch.push_back(g);
      }
      const auto stages = is_ml(family) ? std::vector<Stage>{Stage::InSample}
                                        : std::vector<Stage>{Stage::InSample, Stage::OutOfSample};
      for (const auto stage : stages) {
        const auto metrics = evaluator.evaluate(batch, stage);
        for (std::size_t c = 0; c < universe.coins.size(); ++c) {
          if (metrics[0][c].volatility == 0) continue;  // never traded: infeasible, nothing to compare
          ++checked;
          for (std::size_t j = 1; j < batch.size(); ++j) {
            for (const auto& name : kScaleFree) {
              expect_close(metric_value(metrics[0][c], name), metric_value(metrics[j][c], name), name,
                           family + " " + strategy::genome_id(base) + " x" + std::to_string(batch[j].risk.leverage) +
                               " " + universe.coins[c].label + " " + std::string(stage_name(stage)));
            }
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 40);
}

TEST(ScaleFreeObjectives, EveryCurveIsMeasuredAtTheTargetVolatility) {
  const auto universe = test::small_universe(3000);
  indicators::IndicatorCache cache(std::size_t{64} << 20);
  for (double target : {0.1, 0.2, 0.5}) {
    const BacktestProblem evaluator(universe, backtest::BacktestConfig{}, cache, 1, target);
    const auto metrics = evaluator.evaluate(std::vector{strategy::default_genome("ema_cross")}, Stage::InSample);
    for (const auto& m : metrics[0]) EXPECT_NEAR(m.volatility, target, 1e-9);
  }
}

TEST(ScaleFreeObjectives, AGenomeThatNeverTradesIsInfeasible) {
  backtest::Metrics flat;  // every field 0: no volatility
  const auto objectives = parse_objectives("sharpe,max_drawdown");
  Constraints none;
  none.min_trades = 0;
  const auto f = fitness_of(std::vector{flat, flat}, objectives, Aggregate::Mean, none);
  EXPECT_GE(f.violation, 1.0);
  backtest::Metrics moving = flat;
  moving.volatility = 0.2;
  EXPECT_EQ(fitness_of(std::vector{flat, moving}, objectives, Aggregate::Mean, none).violation, 0.0);
}

}  // namespace
}  // namespace organism::evolve
