// The hypervolume indicator: hand-computed boxes in 1, 2 and 3 dimensions, and random 3-D and 4-D
// sets against three independent answers: inclusion-exclusion over all subsets (exact, small
// sets), unit-cell counting on an integer grid (exact) and Monte Carlo (larger sets).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "evolve/nsga2.hpp"

namespace organism::evolve {
namespace {

using Points = std::vector<std::vector<double>>;

double hv(const Points& p, const std::vector<double>& reference) {
  return hypervolume(p, reference);
}

TEST(Hypervolume, TwoDimensionsByHand) {
  EXPECT_DOUBLE_EQ(hv({{0.5, 0.5}}, {1, 1}), 0.25);
  // Two boxes of 0.5 overlapping in a 0.25 square.
  EXPECT_DOUBLE_EQ(hv({{0, 0.5}, {0.5, 0}}, {1, 1}), 0.75);
  // A staircase: 3x1 + 2x1 + 1x1 (reference 4,4; points (1,3) (2,2) (3,1)).
  EXPECT_DOUBLE_EQ(hv({{3, 1}, {1, 3}, {2, 2}}, {4, 4}), 6.0);
  // Dominated points and duplicates change nothing.
  EXPECT_DOUBLE_EQ(hv({{3, 1}, {1, 3}, {2, 2}, {2, 2}, {3, 3}, {2.5, 2.5}}, {4, 4}), 6.0);
}

TEST(Hypervolume, PointsNotStrictlyInsideContributeNothing) {
  EXPECT_DOUBLE_EQ(hv({{1, 0}}, {1, 1}), 0.0);      // on the reference's edge
  EXPECT_DOUBLE_EQ(hv({{0.5, 1.2}}, {1, 1}), 0.0);  // beyond it
  EXPECT_DOUBLE_EQ(hv({{0.5, 1.2}, {0.5, 0.5}}, {1, 1}), 0.25);
  EXPECT_DOUBLE_EQ(hv({}, {1, 1}), 0.0);
  EXPECT_DOUBLE_EQ(hv({{0.3}}, {1}), 0.7);
  EXPECT_DOUBLE_EQ(hv({{0.3}, {0.6}}, {1}), 0.7);
}

TEST(Hypervolume, ThreeDimensionsByHand) {
  EXPECT_DOUBLE_EQ(hv({{0, 0, 0}}, {1, 2, 3}), 6.0);
  // Boxes 0.5 and 0.25 sharing a 0.5 x 0.5 x 0.5 cube.
  EXPECT_DOUBLE_EQ(hv({{0, 0, 0.5}, {0.5, 0.5, 0}}, {1, 1, 1}), 0.625);
  // Three slabs of 0.5: 1.5 - 3 x 0.25 + 0.125.
  EXPECT_DOUBLE_EQ(hv({{0.5, 0, 0}, {0, 0.5, 0}, {0, 0, 0.5}}, {1, 1, 1}), 0.875);
  // Adding a point dominated by one of them, or outside, changes nothing.
  EXPECT_DOUBLE_EQ(
      hv({{0.5, 0, 0}, {0, 0.5, 0}, {0, 0, 0.5}, {0.6, 0.1, 0.2}, {0, 0, 1}}, {1, 1, 1}), 0.875);
}

TEST(Hypervolume, MismatchedDimensionsThrow) {
  EXPECT_THROW(hv({{0.5, 0.5, 0.5}}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(hv({{0.5}}, {}), std::invalid_argument);
}

// Exact by inclusion-exclusion: the union's volume is the alternating sum over every non-empty
// subset of the volume of the subset's intersection (the box from its componentwise maximum).
double inclusion_exclusion(const Points& p, const std::vector<double>& r) {
  double total = 0;
  for (std::uint32_t mask = 1; mask < (1u << p.size()); ++mask) {
    std::vector<double> corner(r.size(), -1e300);
    for (std::size_t i = 0; i < p.size(); ++i)
      if (mask & (1u << i))
        for (std::size_t k = 0; k < r.size(); ++k) corner[k] = std::max(corner[k], p[i][k]);
    double box = 1;
    for (std::size_t k = 0; k < r.size(); ++k) box *= std::max(0.0, r[k] - corner[k]);
    total += (std::popcount(mask) % 2 == 1 ? box : -box);
  }
  return total;
}

Points random_points(std::size_t n, std::size_t d, core::Rng& rng) {
  Points p(n, std::vector<double>(d));
  for (auto& x : p)
    for (auto& v : x) v = rng.uniform();
  return p;
}

TEST(Hypervolume, MatchesInclusionExclusionOnRandomSets) {
  for (std::size_t d : {3u, 4u, 5u}) {
    for (std::uint64_t trial = 0; trial < 25; ++trial) {
      core::Rng rng(11, {d, trial});
      const auto p = random_points(1 + rng.below(10), d, rng);
      const std::vector<double> r(d, 1.0);
      EXPECT_NEAR(hv(p, r), inclusion_exclusion(p, r), 1e-12) << d << "-D trial " << trial;
    }
  }
}

TEST(Hypervolume, MatchesUnitCellCountOnIntegerGrids) {
  constexpr int kSide = 8;
  for (std::size_t d : {3u, 4u}) {
    for (std::uint64_t trial = 0; trial < 10; ++trial) {
      core::Rng rng(12, {d, trial});
      Points p(25, std::vector<double>(d));
      for (auto& x : p)
        for (auto& v : x) v = static_cast<double>(rng.below(kSide));
      // A unit cell (lower corner c) is dominated when some point is <= c in every coordinate.
      std::size_t cells = 0, total = 1;
      for (std::size_t k = 0; k < d; ++k) total *= kSide;
      std::vector<int> c(d);
      for (std::size_t cell = 0; cell < total; ++cell) {
        std::size_t rest = cell;
        for (std::size_t k = 0; k < d; ++k, rest /= kSide) c[k] = static_cast<int>(rest % kSide);
        cells += std::any_of(p.begin(), p.end(), [&](const std::vector<double>& x) {
          for (std::size_t k = 0; k < d; ++k)
            if (x[k] > c[k]) return false;
          return true;
        });
      }
      EXPECT_DOUBLE_EQ(hv(p, std::vector<double>(d, kSide)), static_cast<double>(cells))
          << d << "-D trial " << trial;
    }
  }
}

TEST(Hypervolume, MatchesMonteCarloOnLargerSets) {
  for (std::size_t d : {3u, 4u}) {
    core::Rng rng(13, {d});
    // Points near the unit sphere's octant: a front-like set where most points matter.
    Points p(80, std::vector<double>(d));
    for (auto& x : p) {
      double norm = 0;
      for (auto& v : x) {
        v = std::fabs(rng.normal());
        norm += v * v;
      }
      for (auto& v : x) v /= std::sqrt(norm);
    }
    const std::vector<double> r(d, 1.1);
    constexpr int kSamples = 400'000;
    int hits = 0;
    std::vector<double> s(d);
    for (int i = 0; i < kSamples; ++i) {
      for (auto& v : s) v = rng.uniform(0, 1.1);
      hits += std::any_of(p.begin(), p.end(), [&](const std::vector<double>& x) {
        for (std::size_t k = 0; k < d; ++k)
          if (x[k] > s[k]) return false;
        return true;
      });
    }
    const double box = std::pow(1.1, static_cast<double>(d));
    const double share = static_cast<double>(hits) / kSamples;
    const double sigma = box * std::sqrt(share * (1 - share) / kSamples);
    EXPECT_NEAR(hv(p, r), box * share, 5 * sigma) << d << "-D";
  }
}

}  // namespace
}  // namespace organism::evolve
