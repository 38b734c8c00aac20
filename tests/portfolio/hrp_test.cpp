#include "portfolio/hrp.hpp"

#include <gtest/gtest.h>

namespace organism::portfolio {
namespace {

// Three assets, sd (1, 2, 3), rho01 = 0.8, rho02 = 0, rho12 = 0.2. By hand:
//   d01 = sqrt(0.1) = 0.31623, d02 = sqrt(0.5) = 0.70711, d12 = sqrt(0.4) = 0.63246;
//   merge 0: {0, 1} at 0.31623 (cluster 3); merge 1: {2} with {0, 1} at min(d02, d12) = 0.63246;
//   order: [2, 0, 1] (the lower cluster id first);
//   bisection [2] | [0, 1]: V[2] = 9; inside {0, 1} inverse-variance weights 1 : 1/4 -> (0.8, 0.2),
//   V[0,1] = 0.64 x 1 + 0.04 x 4 + 2 x 0.8 x 0.2 x 1.6 = 1.312; alpha = 1 - 9 / 10.312 = 0.1272304;
//   then [0] | [1]: alpha = 1 - 1 / (1 + 4) = 0.8.
//   w2 = 0.1272304, w0 = 0.8727696 x 0.8 = 0.6982157, w1 = 0.8727696 x 0.2 = 0.1745539.
TEST(Hrp, ThreeAssetsByHand) {
  const std::vector<std::vector<double>> cov = {{1.0, 1.6, 0.0}, {1.6, 4.0, 1.2}, {0.0, 1.2, 9.0}};
  const auto steps = hrp(cov);
  ASSERT_EQ(steps.merges.size(), 2u);
  EXPECT_EQ(steps.merges[0].left, 0u);
  EXPECT_EQ(steps.merges[0].right, 1u);
  EXPECT_NEAR(steps.merges[0].distance, 0.31622776601683794, 1e-12);
  EXPECT_EQ(steps.merges[1].left, 2u);
  EXPECT_EQ(steps.merges[1].right, 3u);
  EXPECT_NEAR(steps.merges[1].distance, 0.6324555320336759, 1e-12);
  EXPECT_EQ(steps.order, (std::vector<std::size_t>{2, 0, 1}));
  ASSERT_EQ(steps.weights.size(), 3u);
  EXPECT_NEAR(steps.weights[0], 0.6982156710628394, 1e-12);
  EXPECT_NEAR(steps.weights[1], 0.17455391776570986, 1e-12);
  EXPECT_NEAR(steps.weights[2], 0.12723041117145076, 1e-12);
}

// Uncorrelated assets of equal variance: every split halves, so four assets get 1/4 each.
TEST(Hrp, UncorrelatedEqualVarianceIsEqualWeight) {
  std::vector<std::vector<double>> cov(4, std::vector<double>(4, 0.0));
  for (std::size_t i = 0; i < 4; ++i) cov[i][i] = 2.0;
  const auto steps = hrp(cov);
  for (const double w : steps.weights) EXPECT_NEAR(w, 0.25, 1e-15);
}

// An asset without variance (a strategy that never traded) takes no part: the other two share.
TEST(Hrp, AssetWithoutVarianceGetsNothing) {
  const std::vector<std::vector<double>> cov = {{1.0, 0.0, 0.0}, {0.0, 0.0, 0.0}, {0.0, 0.0, 4.0}};
  const auto steps = hrp(cov);
  EXPECT_EQ(steps.weights[1], 0.0);
  EXPECT_NEAR(steps.weights[0], 0.8, 1e-15);  // 1 - 1 / (1 + 4)
  EXPECT_NEAR(steps.weights[2], 0.2, 1e-15);
  EXPECT_EQ(steps.order, (std::vector<std::size_t>{0, 2}));
}

TEST(Hrp, SampleCovarianceDdofOne) {
  const std::vector<std::vector<double>> series = {{9, 1, 2, 3}, {9, 2, 4, 6}};
  const auto cov = sample_covariance(series, 1, 4);  // bars 1..3: means 2 and 4
  EXPECT_DOUBLE_EQ(cov[0][0], 1.0);                  // (1 + 0 + 1) / 2
  EXPECT_DOUBLE_EQ(cov[1][1], 4.0);
  EXPECT_DOUBLE_EQ(cov[0][1], 2.0);
}

}  // namespace
}  // namespace organism::portfolio
