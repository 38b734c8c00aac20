// validate_front on the small synthetic universe: every member gets its seven gates, the in-sample
// DSR is deflated by the run's clustered trials and the gated held-out DSR by the clustered front
// under the null V = 1/(T-1), PBO covers the distinct population, and the gates' verdict matches
// their inputs. On a planted trend the held-out DSR passes; on noise it does not.
#include <gtest/gtest.h>

#include <cmath>

#include <fmt/format.h>

#include "validate/small_market.hpp"
#include "validate/validation.hpp"

namespace organism::validate {
namespace {

// Per regime part (vol, trend, sentiment), the held-out bars a member's regime rows must cover:
// each coin's out-of-sample and walk-forward bars after the first, whose previous bar's part is known.
std::array<std::int64_t, 3> held_out_bars_with_known_regime(const evolve::Universe& u) {
  std::array<std::int64_t, 3> out{};
  for (const auto& coin : u.coins) {
    const auto regimes = indicators::classify_regimes(coin.bars.view(), coin.sentiment);
    for (const auto& segment : {coin.splits.out_of_sample, coin.splits.walk_forward}) {
      for (std::size_t t = segment.begin + 1; t < segment.end; ++t) {
        out[0] += regimes[t - 1].vol != indicators::VolRegime::Unknown;
        out[1] += regimes[t - 1].trend != indicators::TrendRegime::Unknown;
        out[2] += regimes[t - 1].sentiment != indicators::SentimentBand::Unknown;
      }
    }
  }
  return out;
}

std::array<std::int64_t, 3> regime_bars_per_part(const std::vector<indicators::RegimeStats>& rows) {
  std::array<std::int64_t, 3> out{};
  for (const auto& r : rows) {
    const bool vol = r.regime.ends_with("_vol");
    const bool trend = r.regime == "down" || r.regime == "range" || r.regime == "up";
    out[vol ? 0 : trend ? 1 : 2] += r.bars;
  }
  return out;
}

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
  const TrialSummary trials{engine.trials().count, engine.trials().variance(), engine.trial_sample()->genomes()};
  const auto v = validate_front(evaluator, front, population, eo, trials, o);

  ASSERT_EQ(v.members.size(), front.size());
  const auto& tc = v.trial_clustering;
  EXPECT_TRUE(tc.from_sample);
  EXPECT_EQ(tc.trials, trials.count);
  EXPECT_EQ(tc.clustered, static_cast<std::size_t>(trials.count));  // fewer trials than the sample's 1024
  EXPECT_GE(tc.clusters, 1u);
  EXPECT_LT(tc.clusters, tc.clustered);  // variants of a few rules are not independent
  EXPECT_GT(tc.sharpe_variance_per_bar, 0.0);
  EXPECT_GE(v.effective_front_members, 1u);
  EXPECT_LE(v.effective_front_members, front.size());
  const auto held_out = held_out_returns(evaluator, std::vector<strategy::Genome>{front[0].genome});
  const std::size_t held_bars = u.coins[0].splits.out_of_sample.size() + u.coins[0].splits.walk_forward.size();
  ASSERT_TRUE(v.pbo.has_value()) << v.pbo_note;
  EXPECT_EQ(v.pbo->combinations, 70);
  EXPECT_GE(v.pbo_strategies, 2u);
  EXPECT_EQ(v.pbo_bars, u.coins[0].splits.in_sample.size());
  EXPECT_EQ(v.walk_forward.folds.size(), 2u);
  std::size_t passed = 0;
  for (std::size_t i = 0; i < front.size(); ++i) {
    const auto& m = v.members[i];
    EXPECT_EQ(m.id, front[i].id);
    if (i == 0) {
      ASSERT_EQ(held_out[0].size(), held_bars);
      EXPECT_EQ(m.held_out.sample.sharpe_per_bar, sharpe_sample(std::span<const double>(held_out[0])).sharpe_per_bar);
    }
    ASSERT_EQ(m.gates.size(), 7u);
    EXPECT_EQ(m.stages[0].per_coin.size(), 2u);
    EXPECT_EQ(m.in_sample.trials.trials, static_cast<std::int64_t>(tc.clusters));
    EXPECT_EQ(m.in_sample.trials.sharpe_variance_per_bar, tc.sharpe_variance_per_bar);
    EXPECT_EQ(m.in_sample.sample.bars, static_cast<std::int64_t>(u.coins[0].splits.in_sample.size()));
    EXPECT_EQ(m.held_out.sample.bars, static_cast<std::int64_t>(held_bars));
    EXPECT_EQ(m.held_out.trials.trials, static_cast<std::int64_t>(v.effective_front_members));
    EXPECT_DOUBLE_EQ(m.held_out.trials.sharpe_variance_per_bar, 1.0 / static_cast<double>(held_bars - 1));
    for (const auto* d : {&m.in_sample, &m.held_out}) {
      EXPECT_GE(d->deflated.dsr, 0);
      EXPECT_LE(d->deflated.dsr, d->deflated.psr + 1e-12);  // deflating never raises the probability
    }
    EXPECT_DOUBLE_EQ(m.gates[4].value.value(), m.held_out.deflated.dsr);
    EXPECT_DOUBLE_EQ(m.gates[0].value.value(), evolve::value_of(m.stages[0].mean, "sharpe"));
    EXPECT_DOUBLE_EQ(m.gates[5].value.value(), v.pbo->pbo);
    EXPECT_LE(m.cost_stress.total_return, evolve::value_of(m.cost_stress.stages[1].mean, "total_return"));
    EXPECT_EQ(m.robustness.coin_sharpes.size(), 2u);
    // Held out from bar 1,440 on: past the regimes' warm-up, so every held-out pair has its
    // volatility and trend regimes (2 coins x (OOS - 1 + WF - 1) bars), and the rows cover them.
    const auto known = held_out_bars_with_known_regime(u);
    const auto pairs = static_cast<std::int64_t>(2 * (held_bars - 2));
    EXPECT_EQ(known[0], pairs);
    EXPECT_EQ(known[1], pairs);
    EXPECT_FALSE(m.regimes.empty());
    EXPECT_EQ(regime_bars_per_part(m.regimes), known) << m.id;
    bool all = true;
    for (const auto& g : m.gates) all = all && g.passed;
    EXPECT_EQ(m.passed, all);
    passed += m.passed;
  }
  EXPECT_EQ(v.survivors, passed);
}

TEST(ValidateFront, WithoutATrialSampleTheFinalPopulationsAreClustered) {
  const test::SmallMarket market(5);
  const auto eo = test::small_options(1, 8, 1);
  evolve::Engine engine(eo, market.evaluator);
  engine.initialize();
  const auto front = engine.front();
  ValidationOptions o;
  o.pbo_blocks = 4;
  o.walk_forward = {1, 4, 0};
  const TrialSummary trials{engine.trials().count, engine.trials().variance(), std::nullopt};
  const auto v = validate_front(market.evaluator, front, engine.islands()[0], eo, trials, o);
  EXPECT_FALSE(v.trial_clustering.from_sample);
  EXPECT_EQ(v.trial_clustering.clustered, engine.islands()[0].size());
  EXPECT_NE(v.trial_clustering.note.find("no trial sample"), std::string::npos) << v.trial_clustering.note;
  ASSERT_FALSE(v.members.empty());
  for (const auto& m : v.members) {
    EXPECT_EQ(m.in_sample.trials.trials, static_cast<std::int64_t>(v.trial_clustering.clusters));
  }
}

// A planted trend (drift +-0.2%/bar flipping every 150-450 bars) against pure noise, the same
// search on each: the best in-sample member's held-out DSR is high on the trend, low on noise.
struct PlantedOutcome {
  double held_out_dsr = 0, in_sample_dsr = 0, held_out_sharpe = 0;
  std::size_t clusters = 0, trials = 0, front_members = 0;
};

PlantedOutcome validate_planted(bool trend) {
  const test::SmallMarket market(test::planted_universe(trend, 3000, trend ? 1 : 11), 2);
  const auto eo = test::small_options(3, 40, 6);
  evolve::Engine engine(eo, market.evaluator);
  engine.initialize();
  while (!engine.done()) engine.step();
  std::vector<evolve::Individual> population;
  for (const auto& island : engine.islands()) population.insert(population.end(), island.begin(), island.end());
  ValidationOptions o;
  o.pbo_blocks = 8;
  o.walk_forward = {1, 8, 1};
  const TrialSummary trials{engine.trials().count, engine.trials().variance(), engine.trial_sample()->genomes()};
  const auto v = validate_front(market.evaluator, engine.front(), population, eo, trials, o);
  const MemberValidation* best = nullptr;
  for (const auto& m : v.members) {
    if (!best || evolve::value_of(m.stages[0].mean, "sharpe") > evolve::value_of(best->stages[0].mean, "sharpe")) best = &m;
  }
  PlantedOutcome out;
  if (!best) return out;
  out.held_out_dsr = best->held_out.deflated.dsr;
  out.in_sample_dsr = best->in_sample.deflated.dsr;
  out.held_out_sharpe = best->held_out.sample.sharpe_per_bar * std::sqrt(8760.0);
  out.clusters = v.trial_clustering.clusters;
  out.trials = static_cast<std::size_t>(v.trial_clustering.trials);
  out.front_members = v.effective_front_members;
  return out;
}

TEST(ValidateFront, HeldOutDsrPassesAPlantedTrendAndFailsNoise) {
  const auto edge = validate_planted(true), noise = validate_planted(false);
  fmt::print("planted trend: {}\n", fmt::format("held-out DSR {} (Sharpe {}), in-sample DSR {}, K {} of {} trials, front K {}",
                                     edge.held_out_dsr, edge.held_out_sharpe, edge.in_sample_dsr, edge.clusters,
                                     edge.trials, edge.front_members));
  fmt::print("pure noise: {}\n", fmt::format("held-out DSR {} (Sharpe {}), in-sample DSR {}, K {} of {} trials, front K {}",
                                      noise.held_out_dsr, noise.held_out_sharpe, noise.in_sample_dsr, noise.clusters,
                                      noise.trials, noise.front_members));
  EXPECT_GT(edge.held_out_dsr, 0.95);
  EXPECT_LT(noise.held_out_dsr, 0.95);
  EXPECT_LT(edge.clusters, edge.trials);
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
