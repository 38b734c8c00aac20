// The sizing evolution on a small planted set: one seed gives one front bit for bit, another seed
// another; a run resumed from its JSON state at a middle generation ends where the uninterrupted
// run ends; the validation backtests every distinct front member and the default on the held-out
// 40% and marks the best. Also the sizing genome's bounds and JSON.
#include "portfolio/sizing_evolution.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "portfolio/planted_market.hpp"
#include "portfolio/sizing_genome.hpp"

namespace organism::portfolio {
namespace {

using test::planted_targets;
using test::random_walk_market;
using test::stream;

// Three coins: two strategies that know the next 6 bars' sign with p = 0.56, one loser (0.44).
struct Planted {
  data::Market market = random_walk_market(3, 1500, 77);
  PreparedPortfolio prepared =
      prepare_portfolio({stream("good0", 0, planted_targets(market, 0, 0.56, 6, 1)),
                         stream("good1", 1, planted_targets(market, 1, 0.56, 6, 2)),
                         stream("loser", 2, planted_targets(market, 2, 0.44, 6, 3))},
                        market);
};

SizingEvolutionOptions small(std::uint64_t seed) {
  SizingEvolutionOptions o;
  o.backtest.allocator.lookback_bars = 400;
  o.backtest.allocator.min_history_bars = 200;
  o.backtest.allocator.rebalance_bars = 48;
  o.nsga2.population = 8;
  o.nsga2.generations = 4;
  o.nsga2.seed = seed;
  o.nsga2.threads = 2;
  return o;
}

bool same_bits(const evolve::RealNsga2State& a, const evolve::RealNsga2State& b) {
  if (a.generation != b.generation || a.variables.size() != b.variables.size()) return false;
  for (std::size_t i = 0; i < a.variables.size(); ++i) {
    const auto &x = a.variables[i], &y = b.variables[i];
    const auto &f = a.fitness[i].objectives, &g = b.fitness[i].objectives;
    if (x.size() != y.size() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) != 0)
      return false;
    if (f.size() != g.size() || std::memcmp(f.data(), g.data(), f.size() * sizeof(double)) != 0)
      return false;
  }
  return true;
}

evolve::RealNsga2State run(const SizingEvolution& e) {
  auto s = e.start();
  while (s.generation < e.nsga2().generations) e.step(s);
  return s;
}

TEST(SizingEvolution, SplitIsTheFirstSixtyPercentAfterTheWarmUp) {
  AllocatorOptions a;
  a.min_history_bars = 200;
  a.rebalance_bars = 48;
  const auto s = sizing_split(1500, a);
  EXPECT_EQ(s.in_begin, 200u);
  EXPECT_EQ(s.in_end, 900u);  // floor(0.6 x 1500)
  EXPECT_EQ(s.bars, 1500u);
  EXPECT_EQ(sizing_split(1001, a).in_end, 600u);  // floor(600.6)
  // 300 bars: in-sample [200, 180) is empty.
  EXPECT_THROW(sizing_split(300, a), core::UsageError);
}

TEST(SizingEvolution, OneSeedOneFrontAnotherSeedAnother) {
  const Planted p;
  const SizingEvolution a(p.prepared, small(3)), b(p.prepared, small(3)), c(p.prepared, small(4));
  const auto ra = run(a);
  EXPECT_EQ(ra.evaluations, 8u * 5u);
  EXPECT_TRUE(same_bits(ra, run(b)));
  EXPECT_FALSE(same_bits(ra, run(c)));
  // The fitness is the in-sample backtest at the common volatility, recomputed independently.
  PortfolioBacktestOptions o = small(3).backtest;
  o.allocator.sizing = from_genome(ra.variables[0]);
  o.begin = 200;
  o.end = 900;
  o.target_volatility = 0.20;
  const auto direct = run_portfolio_backtest(p.prepared, {Policy::Allocator}, o).policies[0].scaled;
  EXPECT_EQ(ra.fitness[0].objectives[0], -direct.sharpe);
  EXPECT_EQ(ra.fitness[0].objectives[1], direct.max_drawdown);
  EXPECT_EQ(ra.fitness[0].objectives[2], direct.turnover);
}

TEST(SizingEvolution, ResumedFromAMiddleCheckpointEqualsTheUninterruptedRun) {
  const Planted p;
  const SizingEvolution e(p.prepared, small(5));
  const auto straight = run(e);
  auto first = e.start();
  e.step(first);
  e.step(first);
  const std::string checkpoint = evolve::real_nsga2_state_json(first).dump();
  // A new process would build a new evolution on the same data: so does this.
  const SizingEvolution again(p.prepared, small(5));
  auto resumed = evolve::real_nsga2_state_from_json(nlohmann::json::parse(checkpoint));
  while (resumed.generation < 4) again.step(resumed);
  EXPECT_TRUE(same_bits(straight, resumed));
}

TEST(SizingEvolution, ValidationScoresEveryFrontMemberAndTheDefaultOnTheHeldOutPart) {
  const Planted p;
  const SizingEvolution e(p.prepared, small(3));
  const auto state = run(e);
  const auto v = e.validate(state);
  ASSERT_GE(v.members.size(), 2u);
  EXPECT_TRUE(v.members.back().is_default);
  EXPECT_EQ(v.members.back().params.kelly_fraction, SizingParams{}.kelly_fraction);
  double best = -1e300;
  for (std::size_t k = 0; k < v.members.size(); ++k) {
    if (k + 1 < v.members.size()) {
      EXPECT_FALSE(v.members[k].is_default);
      if (k > 0) {
        EXPECT_GE(v.members[k - 1].in_sample.sharpe, v.members[k].in_sample.sharpe);
      }
    }
    best = std::max(best, v.members[k].held_out.sharpe);
  }
  EXPECT_EQ(v.members[v.best_held_out].held_out.sharpe, best);
  // Held-out = bars [900, 1500), recomputed for the default directly.
  PortfolioBacktestOptions o = small(3).backtest;
  o.begin = 900;
  o.end = 1500;
  o.target_volatility = 0.20;
  const auto direct = run_portfolio_backtest(p.prepared, {Policy::Allocator}, o).policies[0];
  EXPECT_EQ(direct.times.size(), 600u);
  EXPECT_GT(direct.scaled.sharpe, 0.5);  // the planted edge shows out of sample
  EXPECT_EQ(v.members.back().held_out.sharpe, direct.scaled.sharpe);
  EXPECT_EQ(v.members.back().held_out.max_drawdown, direct.scaled.max_drawdown);
  const auto j = sizing_validation_json(v);
  EXPECT_EQ(j["members"].size(), v.members.size());
  EXPECT_EQ(j["split"]["held_out_bars"][0], 900);
  EXPECT_EQ(j["members"][v.best_held_out]["best_held_out"], true);
}

TEST(SizingGenome, RoundTripsAndRefusesGenesOutsideTheirBounds) {
  SizingParams p;
  p.tilt_momentum = -1.25;
  p.band = 0.07;
  const auto g = to_genome(p);
  ASSERT_EQ(g.size(), 10u);
  EXPECT_EQ(g[4], 0.5);    // kelly_fraction
  EXPECT_EQ(g[5], 0.07);   // band
  EXPECT_EQ(g[8], -1.25);  // tilt_momentum
  EXPECT_EQ(g[9], 0.25);   // regime_scale
  EXPECT_EQ(to_genome(from_genome(g)), g);
  EXPECT_EQ(to_genome(sizing_from_json(nlohmann::json::parse(sizing_json(p).dump()))), g);
  auto bad = g;
  bad[4] = 0.01;  // kelly_fraction below 0.05
  EXPECT_THROW(from_genome(bad), core::UsageError);
  bad = g;
  bad[6] = 2.5;  // tilt_liquidity above 2
  EXPECT_THROW(from_genome(bad), core::UsageError);
  EXPECT_THROW(from_genome(std::vector<double>(9, 0.1)), core::UsageError);
  auto j = sizing_json(p);
  j.erase("band");
  EXPECT_THROW(sizing_from_json(j), core::UsageError);
  EXPECT_EQ(sizing_lower_bounds(), (std::vector<double>{0, 0, 0, 0, 0.05, 0, -2, -2, -2, 0}));
  EXPECT_EQ(sizing_upper_bounds(), (std::vector<double>{2, 2, 2, 2, 1, 0.1, 2, 2, 2, 1}));
}

}  // namespace
}  // namespace organism::portfolio
