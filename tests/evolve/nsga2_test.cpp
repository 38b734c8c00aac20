// NSGA-II's selection machinery on hand-made populations whose fronts, crowding distances,
// tournaments and survivors were worked out on paper; plus a brute-force check of the sort.
#include "evolve/nsga2.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace organism::evolve {
namespace {

using Fronts = std::vector<std::vector<std::size_t>>;
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<Fitness> points(const std::vector<std::vector<double>>& objectives) {
  std::vector<Fitness> population;
  for (const auto& o : objectives) population.push_back({o, 0.0});
  return population;
}

TEST(ConstrainedDominates, ParetoBetweenFeasible) {
  EXPECT_TRUE(constrained_dominates({{1, 2}, 0}, {{1, 3}, 0}));
  EXPECT_TRUE(constrained_dominates({{0, 0}, 0}, {{1, 3}, 0}));
  EXPECT_FALSE(constrained_dominates({{1, 3}, 0}, {{1, 2}, 0}));
  EXPECT_FALSE(constrained_dominates({{1, 2}, 0}, {{1, 2}, 0}));  // equal: neither
  EXPECT_FALSE(constrained_dominates({{0, 3}, 0}, {{1, 2}, 0}));  // a trade-off: neither
  EXPECT_FALSE(constrained_dominates({{1, 2}, 0}, {{0, 3}, 0}));
}

TEST(ConstrainedDominates, FeasibleBeatsInfeasibleAndViolationsCompare) {
  const Fitness feasible_bad{{10, 10}, 0};
  const Fitness infeasible_good{{0, 0}, 0.5};
  EXPECT_TRUE(constrained_dominates(feasible_bad, infeasible_good));
  EXPECT_FALSE(constrained_dominates(infeasible_good, feasible_bad));
  EXPECT_TRUE(constrained_dominates({{9, 9}, 0.2}, {{0, 0}, 0.5}));
  EXPECT_FALSE(constrained_dominates({{0, 0}, 0.5}, {{9, 9}, 0.2}));
  EXPECT_FALSE(constrained_dominates({{0, 0}, 0.3}, {{9, 9}, 0.3}));  // equal violation: neither
  EXPECT_FALSE(constrained_dominates({{9, 9}, 0.3}, {{0, 0}, 0.3}));
}

TEST(NonDominatedSort, HandMadeFrontsWithDuplicates) {
  // 1 and 5 are duplicates (neither dominates the other); 3 is dominated by 1 and 5; 4 by 1, 2,
  // 3 and 5; 6 by everyone.
  const auto population = points({{1, 5}, {2, 3}, {3, 1}, {2, 4}, {4, 4}, {2, 3}, {5, 5}});
  EXPECT_EQ(non_dominated_sort(population), (Fronts{{0, 1, 2, 5}, {3}, {4}, {6}}));
}

TEST(NonDominatedSort, ConstraintDominationOrdersFronts) {
  std::vector<Fitness> population = {
      {{1, 1}, 0}, {{0, 0}, 1.0}, {{5, 5}, 0}, {{0, 0}, 0.3}, {{9, 9}, 0.3}};
  // Feasible by Pareto first ({0} then {2}), then the infeasible by violation: 3 and 4 tie.
  EXPECT_EQ(non_dominated_sort(population), (Fronts{{0}, {2}, {3, 4}, {1}}));
}

TEST(NonDominatedSort, EmptyAndSingle) {
  EXPECT_TRUE(non_dominated_sort({}).empty());
  EXPECT_EQ(non_dominated_sort(points({{3, 3}})), (Fronts{{0}}));
}

TEST(NonDominatedSort, NanObjectiveStillPlacedOnce) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto population = points({{1, 1}, {nan, 0}, {2, 2}, {0, nan}});
  const auto fronts = non_dominated_sort(population);
  std::vector<int> seen(population.size(), 0);
  for (const auto& f : fronts)
    for (auto i : f) ++seen[i];
  EXPECT_EQ(seen, (std::vector<int>{1, 1, 1, 1}));
  EXPECT_EQ(fronts[0], (std::vector<std::size_t>{0, 1, 3}));
}

TEST(NonDominatedSort, MismatchedObjectiveCountsThrow) {
  EXPECT_THROW(non_dominated_sort(points({{1, 2}, {1, 2, 3}})), std::invalid_argument);
}

TEST(NonDominatedSort, AgreesWithBruteForceOnRandomPopulations) {
  for (std::uint64_t trial = 0; trial < 20; ++trial) {
    core::Rng rng(7, {trial});
    std::vector<Fitness> population(60);
    for (auto& f : population) {
      // Coarse values so ties and duplicates are common; some individuals infeasible.
      for (int k = 0; k < 3; ++k) f.objectives.push_back(static_cast<double>(rng.below(5)));
      if (rng.bernoulli(0.2)) f.violation = static_cast<double>(rng.below(3) + 1);
    }
    const auto fronts = non_dominated_sort(population);
    std::vector<int> rank(population.size(), -1);
    for (std::size_t f = 0; f < fronts.size(); ++f)
      for (auto i : fronts[f]) rank[i] = static_cast<int>(f);
    // Each individual's front is one more than the deepest front of those dominating it.
    for (std::size_t i = 0; i < population.size(); ++i) {
      int expected = 0;
      for (std::size_t j = 0; j < population.size(); ++j) {
        if (constrained_dominates(population[j], population[i]))
          expected = std::max(expected, rank[j] + 1);
      }
      EXPECT_EQ(rank[i], expected) << "trial " << trial << " individual " << i;
    }
  }
}

TEST(CrowdingDistance, HandComputedFront) {
  // Sorted by f1: A B C D, range 4: B gets (2-0)/4, C gets (4-1)/4; by f2: D C B A, range 4: C
  // gets (2-0)/4, B gets (4-1)/4. So B = C = 1.25; A and D are boundaries.
  const auto population = points({{0, 4}, {1, 2}, {2, 1}, {4, 0}});
  const std::vector<std::size_t> front = {0, 1, 2, 3};
  const auto d = crowding_distance(population, front);
  EXPECT_EQ(d[0], kInf);
  EXPECT_DOUBLE_EQ(d[1], 1.25);
  EXPECT_DOUBLE_EQ(d[2], 1.25);
  EXPECT_EQ(d[3], kInf);
}

TEST(CrowdingDistance, DuplicatesSortByIndex) {
  // Two copies of (1,1) between (0,2) and (2,0): in each objective the copies are ordered by
  // index, each sees one copy and one end as neighbours: 1/2 + 1/2.
  const auto population = points({{1, 1}, {1, 1}, {0, 2}, {2, 0}});
  const std::vector<std::size_t> front = {0, 1, 2, 3};
  const auto d = crowding_distance(population, front);
  EXPECT_DOUBLE_EQ(d[0], 1.0);
  EXPECT_DOUBLE_EQ(d[1], 1.0);
  EXPECT_EQ(d[2], kInf);
  EXPECT_EQ(d[3], kInf);
}

TEST(CrowdingDistance, FlatObjectiveAddsNothingAndSmallFrontsAreInfinite) {
  const auto population = points({{0, 5}, {1, 5}, {2, 5}});
  const auto d = crowding_distance(population, std::vector<std::size_t>{0, 1, 2});
  EXPECT_EQ(d[0], kInf);
  EXPECT_DOUBLE_EQ(d[1], 1.0);
  EXPECT_EQ(d[2], kInf);
  EXPECT_EQ(crowding_distance(population, std::vector<std::size_t>{1, 2}),
            (std::vector<double>{kInf, kInf}));
  EXPECT_EQ(crowding_distance(population, std::vector<std::size_t>{1}),
            (std::vector<double>{kInf}));
}

TEST(CrowdingDistance, UsesOnlyTheFrontsMembers) {
  // Index 4 is outside the front and must not act as a neighbour.
  const auto population = points({{0, 4}, {1, 2}, {2, 1}, {4, 0}, {1.5, 1.5}});
  const auto d = crowding_distance(population, std::vector<std::size_t>{0, 1, 2, 3});
  EXPECT_DOUBLE_EQ(d[1], 1.25);
}

TEST(RankPopulation, RanksAndCrowding) {
  const auto population = points({{0, 4}, {1, 2}, {2, 1}, {4, 0}, {5, 5}});
  const auto r = rank_population(population);
  EXPECT_EQ(r.rank, (std::vector<int>{0, 0, 0, 0, 1}));
  EXPECT_DOUBLE_EQ(r.crowding[1], 1.25);
  EXPECT_EQ(r.crowding[4], kInf);       // alone in its front
  EXPECT_TRUE(crowded_less(r, 0, 1));   // same rank, infinite beats 1.25
  EXPECT_FALSE(crowded_less(r, 1, 2));  // same rank and crowding: neither
  EXPECT_FALSE(crowded_less(r, 2, 1));
  EXPECT_TRUE(crowded_less(r, 2, 4));  // lower rank wins whatever the crowding
  EXPECT_FALSE(crowded_less(r, 4, 2));
}

TEST(Tournament, BetterAlwaysWinsAPair) {
  Ranking r;
  r.rank = {1, 0};
  r.crowding = {kInf, 0.1};
  for (std::uint64_t s = 0; s < 200; ++s) {
    core::Rng rng(s);
    EXPECT_EQ(tournament(r, rng), 1u);
  }
}

TEST(Tournament, TiesAreACoinAndContestantsDistinct) {
  Ranking r;
  r.rank = {0, 0};
  r.crowding = {1.0, 1.0};
  core::Rng rng(3);
  int zeros = 0;
  for (int i = 0; i < 10000; ++i) zeros += tournament(r, rng) == 0 ? 1 : 0;
  EXPECT_NEAR(zeros / 10000.0, 0.5, 0.03);

  // Three individuals, the worst one (index 2) can never win: it always meets a better one.
  r.rank = {0, 0, 1};
  r.crowding = {2.0, 1.0, kInf};
  std::vector<int> wins(3, 0);
  for (int i = 0; i < 9000; ++i) ++wins[tournament(r, rng)];
  EXPECT_EQ(wins[2], 0);
  // Index 0 wins both pairs it is drawn into (2/3 of tournaments), index 1 the rest.
  EXPECT_NEAR(wins[0] / 9000.0, 2.0 / 3.0, 0.03);

  Ranking single;
  single.rank = {0};
  single.crowding = {kInf};
  EXPECT_EQ(tournament(single, rng), 0u);
  EXPECT_THROW(tournament(Ranking{}, rng), std::invalid_argument);
}

TEST(SelectSurvivors, WholeFrontsThenLeastCrowded) {
  // Fronts {0,1,2,5}, {3}, {4}, {6} as in the sort test.
  const auto population = points({{1, 5}, {2, 3}, {3, 1}, {2, 4}, {4, 4}, {2, 3}, {5, 5}});
  EXPECT_EQ(select_survivors(population, 5), (std::vector<std::size_t>{0, 1, 2, 3, 5}));
  EXPECT_EQ(select_survivors(population, 4), (std::vector<std::size_t>{0, 1, 2, 5}));
  EXPECT_EQ(select_survivors(population, 7).size(), 7u);
  EXPECT_EQ(select_survivors(population, 99).size(), 7u);
  EXPECT_TRUE(select_survivors(population, 0).empty());
}

TEST(SelectSurvivors, CutFrontKeepsBoundariesAndBreaksTiesByIndex) {
  // Front {0..3}: 0 and 3 infinite, 1 and 2 both 1.25; 4 is dominated.
  const auto population = points({{0, 4}, {1, 2}, {2, 1}, {4, 0}, {5, 5}});
  EXPECT_EQ(select_survivors(population, 2), (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(select_survivors(population, 3), (std::vector<std::size_t>{0, 1, 3}));
  // Swap the two tied points: the lower index still wins the tie.
  const auto swapped = points({{0, 4}, {2, 1}, {1, 2}, {4, 0}, {5, 5}});
  EXPECT_EQ(select_survivors(swapped, 3), (std::vector<std::size_t>{0, 1, 3}));
}

TEST(SelectSurvivors, PrefersTheMostIsolatedInTheCutFront) {
  // 1 sits close to 0; 2 is alone in the middle, so 2 is kept over 1.
  const auto population = points({{0, 10}, {0.5, 9.5}, {5, 5}, {10, 0}});
  EXPECT_EQ(select_survivors(population, 3), (std::vector<std::size_t>{0, 2, 3}));
}

}  // namespace
}  // namespace organism::evolve
