// Ledoit-Wolf (2004) against an independent computation, and the Cholesky solve (shrinkage.hpp).
#include <gtest/gtest.h>

#include <vector>

#include "portfolio/shrinkage.hpp"

namespace organism::portfolio {
namespace {

// 8 bars x 3 streams. Expected values from scikit-learn's formulation of the estimator
// (sklearn.covariance.ledoit_wolf_shrinkage: beta from the squared observations, delta from
// ||S - mu I||^2), evaluated in exact rational arithmetic by this hand-written Python (numpy and
// scikit-learn are not installed on the machine, so it is their formula, not their code):
//   from fractions import Fraction as F
//   X = [[F(v) for v in row] for row in DATA]           # the rows below, as strings
//   n, p = len(X), len(X[0]); X centered by column means
//   emp = X'X / n; mu = trace(emp) / p
//   beta_ = sum_ij sum_k x_ki^2 x_kj^2; delta_ = sum_ij (sum_k x_ki x_kj)^2 / n^2
//   beta = (beta_ / n - delta_) / (p n); delta = (delta_ - 2 mu trace(emp) + p mu^2) / p
//   shrinkage = min(beta, delta) / delta; shrunk = (1 - shrinkage) emp + shrinkage mu I
// which printed mu 0.000220703125, shrinkage 0.33678635611829877 and the matrix below.
TEST(LedoitWolf, MatchesTheIndependentComputation) {
  const std::vector<std::vector<double>> rows{{0.010, 0.020, -0.010}, {-0.020, 0.010, 0.000},
                                              {0.015, -0.005, 0.020}, {0.000, 0.030, -0.015},
                                              {0.005, -0.010, 0.010}, {-0.010, 0.000, 0.005},
                                              {0.020, 0.015, -0.020}, {-0.005, -0.020, 0.030}};
  std::vector<std::vector<double>> columns(3, std::vector<double>(rows.size()));
  for (std::size_t k = 0; k < rows.size(); ++k) {
    for (std::size_t i = 0; i < 3; ++i) columns[i][k] = rows[k][i];
  }
  const ShrunkCovariance lw = ledoit_wolf(columns);
  EXPECT_NEAR(lw.target, 0.000220703125, 1e-18);
  EXPECT_NEAR(lw.shrinkage, 0.33678635611829877, 1e-13);
  const double expected[3][3] = {
      {0.00017769786527954595, 1.6580341097042532e-05, -3.21244108755199e-05},
      {1.6580341097042532e-05, 0.0002359881269488361, -0.0001533681551476434},
      {-3.21244108755199e-05, -0.0001533681551476434, 0.000248423382771618}};
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j)
      EXPECT_NEAR(lw.matrix(i, j), expected[i][j], 1e-17) << i << "," << j;
  }
}

TEST(LedoitWolf, OneSeriesIsItsOwnVarianceAndIdenticalSeriesAreShrunkToPositiveDefinite) {
  // p = 1: S is already mu I (d2 = 0), so nothing is shrunk. Variance (1/n) of 1, 2, 3, 4 = 1.25.
  const ShrunkCovariance one = ledoit_wolf(std::vector<std::vector<double>>{{1, 2, 3, 4}});
  EXPECT_EQ(one.shrinkage, 0.0);
  EXPECT_DOUBLE_EQ(one.matrix(0, 0), 1.25);
  // Two identical series: S singular, the shrunk matrix is not (its Cholesky solve succeeds).
  const std::vector<double> x{0.01, -0.02, 0.03, 0.0, 0.015, -0.01};
  const ShrunkCovariance two = ledoit_wolf(std::vector<std::vector<double>>{x, x});
  EXPECT_GT(two.shrinkage, 0.0);
  EXPECT_TRUE(solve_positive_definite(two.matrix, std::vector<double>{1, 1}).has_value());
  EXPECT_FALSE(solve_positive_definite(two.sample, std::vector<double>{1, 1}).has_value());
}

TEST(Cholesky, SolvesAThreeByThreeSystem) {
  // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = (1, -1, 2): b = A x = (2, -1, 5).
  const SquareMatrix a{3, {4, 2, 0, 2, 5, 1, 0, 1, 3}};
  const auto x = solve_positive_definite(a, std::vector<double>{2, -1, 5});
  ASSERT_TRUE(x.has_value());
  EXPECT_NEAR((*x)[0], 1.0, 1e-14);
  EXPECT_NEAR((*x)[1], -1.0, 1e-14);
  EXPECT_NEAR((*x)[2], 2.0, 1e-14);
}

}  // namespace
}  // namespace organism::portfolio
