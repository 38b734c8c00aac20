// A genome whose evaluation throws is that genome's problem, never the run's: its slot is marked
// failed with the reason, the engine ranks it infeasible and counts it, and the run goes on, the
// same on any thread count. The failure is provoked by a funding rate that is not finite on a
// thousand bars of one coin, so that every genome holding a position through them has no finite
// equity.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine_support.hpp"
#include "evolve/engine.hpp"

namespace organism::evolve {
namespace {

// The small universe with coin 0's funding rate NaN on in-sample bars 600 to 1,599.
Universe universe_with_a_bad_rate() {
  auto u = test::small_universe();
  for (std::size_t t = 600; t < 1600; ++t)
    u.coins[0].funding_per_bar[t] = std::numeric_limits<double>::quiet_NaN();
  return u;
}

// A tree genome whose rule never fires: it never holds a position, so the bad rate never
// reaches it.
strategy::Genome flat_genome() {
  auto g = strategy::default_genome("tree");
  g.rule = {};
  return g;
}

TEST(RobustEvaluation, AGenomeThatThrowsIsMarkedFailedWithItsReasonAndTheBatchGoesOn) {
  const auto u = universe_with_a_bad_rate();
  indicators::IndicatorCache cache(64u << 20);
  const std::vector<strategy::Genome> genomes = {strategy::default_genome("ema_cross"),
                                                 flat_genome()};
  std::vector<std::vector<std::string>> failures_by_threads;
  for (const int threads : {1, 4}) {
    const BacktestProblem problem(u, {}, cache, threads);
    std::vector<std::string> failures;
    const auto metrics = problem.evaluate(genomes, Stage::InSample, nullptr, failures);
    ASSERT_EQ(metrics.size(), 2u);
    ASSERT_EQ(failures.size(), 2u);
    // ema_cross is in the market on coin 0's bad bars: failed there, evaluated on coin 1.
    EXPECT_TRUE(metrics[0][0].evaluation_failed);
    EXPECT_EQ(metrics[0][0].sharpe, 0);
    EXPECT_FALSE(metrics[0][1].evaluation_failed);
    EXPECT_NE(metrics[0][1].sharpe, 0);
    EXPECT_EQ(failures[0].rfind(u.coins[0].label + ": metrics: ", 0), 0u) << failures[0];
    // The NaN reaches the trades' pnl first.
    EXPECT_NE(failures[0].find("needs a positive size and entry price and a finite pnl"),
              std::string::npos)
        << failures[0];
    // The flat genome never meets the bad rate.
    EXPECT_FALSE(metrics[1][0].evaluation_failed);
    EXPECT_TRUE(failures[1].empty()) << failures[1];
    failures_by_threads.push_back(failures);
    // A failure ranks below any constraint violation and keeps the objectives finite.
    const std::vector<Objective> objectives = parse_objectives("sharpe,max_drawdown");
    const auto f = fitness_of(metrics[0], objectives, Aggregate::Mean, Constraints{});
    EXPECT_EQ(f.violation, kFailedEvaluationViolation);
    EXPECT_EQ(f.objectives, std::vector<double>(2, 0.0));
  }
  EXPECT_EQ(failures_by_threads[0], failures_by_threads[1]);
}

struct EngineEnd {
  std::string checkpoint;
  std::int64_t failed = 0;
  std::size_t feasible = 0;
  bool front_has_failed = false;
};

EngineEnd run_engine(const Universe& u, int threads) {
  EvolveOptions o;
  o.seed = 5;
  o.population = 16;
  o.generations = 2;
  o.constraints.min_trades = 1;
  indicators::IndicatorCache cache(64u << 20);
  const BacktestProblem problem(u, {}, cache, threads);
  Engine engine(o, problem);
  engine.initialize();
  while (!engine.done()) engine.step();
  EngineEnd end;
  end.failed = engine.last_stats().failed;
  end.feasible = engine.last_stats().feasible;
  for (const auto& ind : engine.front())
    end.front_has_failed |= ind.fitness.violation >= kFailedEvaluationViolation;
  end.checkpoint = engine.checkpoint().dump();
  return end;
}

TEST(RobustEvaluation, TheEngineRunsToTheEndCountsFailuresAndKeepsThemOffTheFront) {
  const auto u = universe_with_a_bad_rate();
  const auto one = run_engine(u, 1);
  const auto two = run_engine(u, 2);
  EXPECT_GT(one.failed, 0);
  EXPECT_EQ(one.failed, two.failed);
  // The front is the feasible archive whenever a genome is feasible; a failed one never is.
  ASSERT_GT(one.feasible, 0u);
  EXPECT_FALSE(one.front_has_failed);
  EXPECT_EQ(one.checkpoint, two.checkpoint);
}

}  // namespace
}  // namespace organism::evolve
