// validate_front on the small synthetic universe: every member gets its seven gates, the DSR is
// computed on the per-bar scale from the run's trials, PBO covers the distinct population, and
// the gates' verdict matches their inputs.
#include <gtest/gtest.h>

#include <cmath>

#include "validate/small_market.hpp"
#include "validate/validation.hpp"

namespace organism::validate {
namespace {

TEST(ValidateFront, EveryMemberGetsItsEvidenceAndGates) {
  const test::SmallMarket market(5);
  const auto& u = market.universe;
  const auto& evaluator = market.evaluator;
  const auto eo = test::small_options(1, 12, 2);
  evolve::Engine engine(eo, evaluator);
  engine.initialize();
  while (!engine.done()) engine.step();
  const auto front = engine.front();
  std::vector<evolve::Individual> population;
  for (const auto& island : engine.islands()) population.insert(population.end(), island.begin(), island.end());

  ValidationOptions o;
  o.pbo_blocks = 8;
  o.walk_forward = {2, 8, 1};
  const TrialSummary trials{engine.trials().count, engine.trials().variance()};
  const auto v = validate_front(evaluator, front, population, eo, trials, o);

  ASSERT_EQ(v.members.size(), front.size());
  EXPECT_EQ(v.trial_set.trials, trials.count);
  EXPECT_NEAR(v.trial_set.sharpe_variance_per_bar, trials.sharpe_variance / 8760, 1e-15);
  ASSERT_TRUE(v.pbo.has_value()) << v.pbo_note;
  EXPECT_EQ(v.pbo->combinations, 70);
  EXPECT_GE(v.pbo_strategies, 2u);
  EXPECT_EQ(v.pbo_bars, u.coins[0].splits.in_sample.size());
  EXPECT_EQ(v.walk_forward.folds.size(), 2u);
  std::size_t passed = 0;
  for (std::size_t i = 0; i < front.size(); ++i) {
    const auto& m = v.members[i];
    EXPECT_EQ(m.id, front[i].id);
    ASSERT_EQ(m.gates.size(), 7u);
    EXPECT_NEAR(m.sample.sharpe_per_bar * std::sqrt(8760.0), evolve::value_of(m.stages[0].mean, "sharpe"), 1e-9);
    EXPECT_EQ(m.stages[0].per_coin.size(), 2u);
    EXPECT_GE(m.deflated.dsr, 0);
    EXPECT_LE(m.deflated.dsr, m.deflated.psr + 1e-12);  // deflating never raises the probability
    EXPECT_DOUBLE_EQ(m.gates[0].value.value(), evolve::value_of(m.stages[0].mean, "sharpe"));
    EXPECT_DOUBLE_EQ(m.gates[5].value.value(), v.pbo->pbo);
    EXPECT_LE(m.cost_stress.total_return, evolve::value_of(m.cost_stress.stages[1].mean, "total_return"));
    EXPECT_EQ(m.robustness.coin_sharpes.size(), 2u);
    bool all = true;
    for (const auto& g : m.gates) all = all && g.passed;
    EXPECT_EQ(m.passed, all);
    passed += m.passed;
  }
  EXPECT_EQ(v.survivors, passed);
}

TEST(ValidateFront, NullDsrVarianceIsTheSamplingVarianceOfAZeroSharpe) {
  const test::SmallMarket market(5);
  const auto eo = test::small_options(1, 8, 1);
  evolve::Engine engine(eo, market.evaluator);
  engine.initialize();
  const auto front = engine.front();
  ValidationOptions o;
  o.pbo_blocks = 4;
  o.walk_forward = {1, 4, 0};
  o.dsr_variance = DsrVariance::Null;
  const TrialSummary trials{engine.trials().count, engine.trials().variance()};
  const auto v = validate_front(market.evaluator, front, engine.islands()[0], eo, trials, o);
  ASSERT_FALSE(v.members.empty());
  for (const auto& m : v.members) {
    const double null_variance = 1.0 / static_cast<double>(m.sample.bars - 1);
    EXPECT_DOUBLE_EQ(m.deflated.expected_max_sharpe, expected_max_sharpe(trials.count, null_variance));
  }
  EXPECT_EQ(parse_dsr_variance("trials"), DsrVariance::Trials);
  EXPECT_THROW(parse_dsr_variance("luck"), core::UsageError);
}

TEST(ValidateFront, BadOptionsAreUsageErrors) {
  const test::SmallMarket market(5, 1);
  const auto& evaluator = market.evaluator;
  ValidationOptions o;
  o.pbo_blocks = 7;
  EXPECT_THROW(validate_front(evaluator, {}, {}, evolve::EvolveOptions{}, {}, o), core::UsageError);
  o = {};
  o.cost_multiplier = 0.5;
  EXPECT_THROW(validate_front(evaluator, {}, {}, evolve::EvolveOptions{}, {}, o), core::UsageError);
}

}  // namespace
}  // namespace organism::validate
