#include "indicators/statistics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

TEST(Stddev, HandComputed) {
  const auto s = stddev(std::vector<double>{1, 2, 3, 4, 6}, 3);
  EXPECT_TRUE(std::isnan(s[1]));
  EXPECT_DOUBLE_EQ(s[2], std::sqrt(2.0 / 3));   // (1 + 0 + 1)/3
  EXPECT_DOUBLE_EQ(s[3], std::sqrt(2.0 / 3));   // window 2 3 4
  EXPECT_DOUBLE_EQ(s[4], std::sqrt(14.0) / 3);  // window 3 4 6: 42/9 / 3
}

TEST(ZScore, HandComputed) {
  const auto z = zscore(std::vector<double>{1, 2, 3, 4, 6}, 3);
  EXPECT_TRUE(std::isnan(z[1]));
  EXPECT_DOUBLE_EQ(z[2], (3 - 2) / std::sqrt(2.0 / 3));  // 1.2247
  // (6 - 13/3) / (sqrt(14)/3) = (5/3) / (sqrt(14)/3) = 5/sqrt(14)
  EXPECT_DOUBLE_EQ(z[4], 5 / std::sqrt(14.0));
}

TEST(ZScore, FlatWindowIsZeroAndStddevExactlyZero) {
  for (const double c : {0.1, 1e-9, 123456.789, 7.0}) {
    const std::vector<double> x(50, c);
    const auto z = zscore(x, 20);
    const auto s = stddev(x, 20);
    for (int i = 19; i < 50; ++i) {
      EXPECT_EQ(z[i], 0.0) << c;
      EXPECT_EQ(s[i], 0.0) << c;
    }
  }
}

TEST(ZScore, LeavingAFlatStretchGivesTheExactValue) {
  // 19 equal values then a jump: window {c x19, c+1}: mean c + 1/20, the jump is
  // (19/20) / sqrt(19/400) = sqrt(19) standard deviations above it.
  std::vector<double> x(40, 0.3);
  x.push_back(1.3);
  EXPECT_NEAR(zscore(x, 20).back(), std::sqrt(19.0), 1e-9);
}

TEST(HighestLowest, HandComputed) {
  const std::vector<double> x{3, 1, 4, 1, 5, 9, 2, 6};
  const auto h = highest(x, 3), l = lowest(x, 3);
  EXPECT_TRUE(std::isnan(h[1]));
  const double hs[] = {4, 4, 5, 9, 9, 9};  // max of 3 1 4 | 1 4 1 | 4 1 5 | 1 5 9 | 5 9 2 | 9 2 6
  const double ls[] = {1, 1, 1, 1, 2, 2};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(h[i + 2], hs[i]) << i;
    EXPECT_EQ(l[i + 2], ls[i]) << i;
  }
}

TEST(HighestLowest, MatchBruteForceOnRandomDataForManyWindows) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> x(3000);
  for (auto& v : x) v = std::floor(u(rng) * 50);  // many ties
  for (const int n : {1, 2, 3, 7, 20, 64, 999}) {
    const auto h = highest(x, n), l = lowest(x, n);
    for (std::size_t t = n - 1; t < x.size(); ++t) {
      const auto first = x.begin() + static_cast<long>(t) - n + 1;
      ASSERT_EQ(h[t], *std::max_element(first, x.begin() + static_cast<long>(t) + 1));
      ASSERT_EQ(l[t], *std::min_element(first, x.begin() + static_cast<long>(t) + 1));
    }
  }
}

TEST(RollingMoments, KeepsFullPrecisionOverLongSeries) {
  // 2 million values: a level that wanders from 1e6 down to 1, so a plain running sum would carry
  // the early large values' rounding errors into the later small windows.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> g(0, 1);
  const std::size_t len = 2'000'000;
  std::vector<double> x(len);
  for (std::size_t i = 0; i < len; ++i) {
    const double level = std::pow(10.0, 6.0 * (1.0 - static_cast<double>(i) / len));
    x[i] = level * (1 + 0.01 * g(rng));
  }
  const int n = 50;
  const auto sd = stddev(x, n);
  double worst = 0;
  for (std::size_t t = len - 200'000; t < len; t += 997) {
    long double m = 0;
    for (int j = 0; j < n; ++j) m += x[t - j];
    m /= n;
    long double v = 0;
    for (int j = 0; j < n; ++j) v += (x[t - j] - m) * (x[t - j] - m);
    const double ref = static_cast<double>(std::sqrt(v / n));
    worst = std::max(worst, std::fabs(sd[t] - ref) / ref);
  }
  EXPECT_LT(worst, 1e-11);
}

TEST(Statistics, StreamingEqualsBatch) {
  std::vector<double> x;
  for (int i = 0; i < 500; ++i) x.push_back(std::sin(i * 0.21) * 10 + (i % 13));
  const auto bs = stddev(x, 20), bz = zscore(x, 20), bh = highest(x, 20), bl = lowest(x, 20);
  Stddev s(20);
  ZScore z(20);
  Highest h(20);
  Lowest l(20);
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_TRUE(test::same(s.update(x[i]), bs[i]));
    EXPECT_TRUE(test::same(z.update(x[i]), bz[i]));
    EXPECT_TRUE(test::same(h.update(x[i]), bh[i]));
    EXPECT_TRUE(test::same(l.update(x[i]), bl[i]));
  }
}

}  // namespace
}  // namespace organism::indicators
