// SBX and polynomial mutation: children stay within bounds over many draws, SBX keeps the
// parents' mean and spreads half its children inside the parents' interval, mutation moves
// either way equally often, larger distribution indices stay closer, integer versions give
// integers and reach every one of them.
#include "evolve/real_operators.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace organism::evolve {
namespace {

constexpr int kDraws = 100'000;

struct Box {
  double lo = 0;
  double hi = 0;
};

TEST(Sbx, ChildrenStayWithinBounds) {
  core::Rng rng(1);
  for (const Box b : {Box{0, 1}, Box{-5, 5}, Box{100, 100.001}, Box{-1e6, 1e6}}) {
    for (double eta : {0.5, 15.0, 20.0}) {
      for (int i = 0; i < kDraws / 10; ++i) {
        // Parents anywhere in the box, often on its edges.
        const double a = i % 7 == 0 ? b.lo : rng.uniform(b.lo, b.hi);
        const double p = i % 5 == 0 ? b.hi : rng.uniform(b.lo, b.hi);
        const auto [c1, c2] = sbx(a, p, b.lo, b.hi, eta, rng);
        ASSERT_GE(c1, b.lo);
        ASSERT_LE(c1, b.hi);
        ASSERT_GE(c2, b.lo);
        ASSERT_LE(c2, b.hi);
      }
    }
  }
}

TEST(Sbx, EqualParentsOrEmptyRangeReturnParents) {
  core::Rng rng(2);
  EXPECT_EQ(sbx(0.3, 0.3, 0, 1, 15, rng), std::make_pair(0.3, 0.3));
  EXPECT_EQ(sbx(0.3, 0.3 + 1e-15, 0, 1, 15, rng), std::make_pair(0.3, 0.3 + 1e-15));
  EXPECT_EQ(sbx(2.0, 2.0, 2, 2, 15, rng), std::make_pair(2.0, 2.0));
}

TEST(Operators, OutOfBoundsInputsAreClampedFirst) {
  core::Rng rng(10);
  EXPECT_EQ(sbx(5, 7, 0, 1, 15, rng), std::make_pair(1.0, 1.0));  // both clamp to 1: equal
  for (int i = 0; i < 1000; ++i) {
    const auto [c1, c2] = sbx(-1, 0.5, 0, 1, 15, rng);
    ASSERT_TRUE(c1 >= 0 && c1 <= 1 && c2 >= 0 && c2 <= 1) << c1 << " " << c2;
    const double y = polynomial_mutation(2, 0, 1, 20, rng);
    ASSERT_TRUE(y >= 0 && y <= 1) << y;
  }
}

TEST(Sbx, FarFromBoundsChildrenKeepTheParentsMean) {
  core::Rng rng(3);
  int inside = 0, first_is_lower = 0;
  for (int i = 0; i < kDraws; ++i) {
    const auto [c1, c2] = sbx(0.4, 0.6, -1e3, 1e3, 15, rng);
    ASSERT_NEAR(c1 + c2, 1.0, 1e-9);  // symmetric spread around the parents' mean
    inside += (std::min(c1, c2) >= 0.4 && std::max(c1, c2) <= 0.6) ? 1 : 0;
    first_is_lower += c1 < c2 ? 1 : 0;
  }
  // P(beta <= 1) = 1/2 for the unbounded distribution: half the pairs contract.
  EXPECT_NEAR(inside / double(kDraws), 0.5, 0.01);
  EXPECT_NEAR(first_is_lower / double(kDraws), 0.5, 0.01);  // children swapped half the time
}

double mean_sbx_spread(double eta) {
  core::Rng rng(4);
  double total = 0;
  for (int i = 0; i < kDraws; ++i) {
    const auto [c1, c2] = sbx(0.4, 0.6, 0, 1, eta, rng);
    total += std::fabs(c1 - c2);
  }
  return total / kDraws;
}

TEST(Sbx, LargerEtaKeepsChildrenCloser) {
  const double loose = mean_sbx_spread(2), tight = mean_sbx_spread(20);
  EXPECT_LT(tight, loose);
  // The spread factor's mean for eta 20 is close to 1: children about as far apart as parents.
  EXPECT_NEAR(tight, 0.2, 0.02);
}

TEST(Sbx, SameRngSameChildren) {
  core::Rng a(9), b(9);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(sbx(0.1, 0.7, 0, 1, 15, a), sbx(0.1, 0.7, 0, 1, 15, b));
}

TEST(PolynomialMutation, StaysWithinBoundsAndMovesBothWays) {
  core::Rng rng(5);
  for (const Box b : {Box{0, 1}, Box{-3, 7}, Box{5, 5.0001}}) {
    for (double eta : {0.5, 20.0}) {
      int down = 0;
      for (int i = 0; i < kDraws / 2; ++i) {
        const double x = i % 9 == 0 ? b.lo : (i % 9 == 1 ? b.hi : rng.uniform(b.lo, b.hi));
        const double y = polynomial_mutation(x, b.lo, b.hi, eta, rng);
        ASSERT_GE(y, b.lo);
        ASSERT_LE(y, b.hi);
        down += y < x ? 1 : 0;
      }
      EXPECT_GT(down, kDraws / 10);
    }
  }
  EXPECT_EQ(polynomial_mutation(2.0, 2, 2, 20, rng), 2.0);
}

TEST(PolynomialMutation, CentredOnTheParentAndTighterForLargerEta) {
  core::Rng rng(6);
  double mean_shift = 0, spread_loose = 0, spread_tight = 0;
  int down = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double y = polynomial_mutation(0.5, 0, 1, 20, rng);
    mean_shift += y - 0.5;
    spread_tight += std::fabs(y - 0.5);
    spread_loose += std::fabs(polynomial_mutation(0.5, 0, 1, 2, rng) - 0.5);
    down += y < 0.5 ? 1 : 0;
  }
  EXPECT_NEAR(mean_shift / kDraws, 0.0, 1e-3);
  EXPECT_NEAR(down / double(kDraws), 0.5, 0.01);
  EXPECT_LT(spread_tight, spread_loose);
}

TEST(IntOperators, IntegersWithinBoundsReachingEveryValue) {
  core::Rng rng(7);
  std::set<double> mutated, crossed;
  for (int i = 0; i < kDraws; ++i) {
    const double x = static_cast<double>(static_cast<int>(rng.below(7)) - 3);  // -3..3
    const double y = polynomial_mutation_int(x, -3, 3, 20, rng);
    ASSERT_EQ(y, std::floor(y));
    ASSERT_GE(y, -3);
    ASSERT_LE(y, 3);
    mutated.insert(y);
    const auto [c1, c2] = sbx_int(-3, 3, -3, 3, 2, rng);
    for (double c : {c1, c2}) {
      ASSERT_EQ(c, std::floor(c));
      ASSERT_GE(c, -3);
      ASSERT_LE(c, 3);
      crossed.insert(c);
    }
  }
  EXPECT_EQ(mutated, (std::set<double>{-3, -2, -1, 0, 1, 2, 3}));
  EXPECT_EQ(crossed, (std::set<double>{-3, -2, -1, 0, 1, 2, 3}));
}

TEST(IntOperators, EdgesAreReachedAndSingleValueStays) {
  core::Rng rng(8);
  bool low = false, high = false;
  for (int i = 0; i < kDraws && !(low && high); ++i) {
    const double y = polynomial_mutation_int(i % 2 == 0 ? 0.0 : 1.0, 0, 1, 20, rng);
    low = low || y == 0;
    high = high || y == 1;
  }
  EXPECT_TRUE(low && high);
  EXPECT_EQ(polynomial_mutation_int(4, 4, 4, 20, rng), 4.0);
  EXPECT_EQ(sbx_int(4, 4, 4, 4, 15, rng), std::make_pair(4.0, 4.0));
}

}  // namespace
}  // namespace organism::evolve
