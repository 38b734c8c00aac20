#include "indicators/moving_average.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

using test::same;

TEST(Sma, HandComputed) {
  const std::vector<double> x{1, 2, 3, 4, 10};
  const auto v = sma(x, 3);
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_TRUE(std::isnan(v[1]));
  EXPECT_EQ(v[2], (1.0 + 2 + 3) / 3);   // 2
  EXPECT_EQ(v[3], (2.0 + 3 + 4) / 3);   // 3
  EXPECT_EQ(v[4], (3.0 + 4 + 10) / 3);  // 17/3
}

TEST(Ema, HandComputedSeedAndRecurrence) {
  // EMA(3): alpha = 2/(3+1) = 0.5; seed at bar 2 = (2+4+6)/3 = 4.
  const std::vector<double> x{2, 4, 6, 8, 3};
  const auto v = ema(x, 3);
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_TRUE(std::isnan(v[1]));
  EXPECT_EQ(v[2], 4.0);
  EXPECT_EQ(v[3], (8 - 4) * 0.5 + 4);  // 6
  EXPECT_EQ(v[4], (3 - 6) * 0.5 + 6);  // 4.5
  // EMA(4): alpha = 0.4; seed (1+2+3+4)/4 = 2.5; then (10 - 2.5) * 0.4 + 2.5 = 5.5.
  const auto w = ema(std::vector<double>{1, 2, 3, 4, 10}, 4);
  EXPECT_EQ(w[3], 2.5);
  EXPECT_DOUBLE_EQ(w[4], 5.5);
}

TEST(Ema, SeedEqualsSmaBitForBit) {
  std::vector<double> x;
  for (int i = 0; i < 40; ++i) x.push_back(0.1 * i + 1.0 / (i + 3));
  for (const int n : {1, 2, 7, 21}) {
    EXPECT_TRUE(same(ema(x, n)[n - 1], sma(x, n)[n - 1])) << n;
  }
}

TEST(Wma, HandComputed) {
  // WMA(3): weights 1,2,3 (newest heaviest), divisor 3*4/2 = 6.
  const std::vector<double> x{1, 2, 3, 4, 10};
  const auto v = wma(x, 3);
  EXPECT_TRUE(std::isnan(v[1]));
  EXPECT_DOUBLE_EQ(v[2], (1 * 1 + 2 * 2 + 3 * 3) / 6.0);   // 14/6
  EXPECT_DOUBLE_EQ(v[3], (2 * 1 + 3 * 2 + 4 * 3) / 6.0);   // 20/6
  EXPECT_DOUBLE_EQ(v[4], (3 * 1 + 4 * 2 + 10 * 3) / 6.0);  // 41/6
}

TEST(Wma, SlidingMatchesDirectSumOverManyWraps) {
  std::vector<double> x;
  for (int i = 0; i < 500; ++i) x.push_back(100 + std::sin(i * 0.37) * 5 + (i % 7));
  const int n = 9;
  const auto v = wma(x, n);
  for (std::size_t t = n - 1; t < x.size(); ++t) {
    double w = 0;
    for (int j = 0; j < n; ++j) w += (j + 1) * x[t - n + 1 + j];
    EXPECT_NEAR(v[t], w / (n * (n + 1) / 2.0), 1e-12) << t;
  }
}

TEST(MovingAverages, PeriodOneIsTheInput) {
  const std::vector<double> x{3.5, -1, 7.25};
  for (const auto& v : {sma(x, 1), ema(x, 1), wma(x, 1)}) {
    for (std::size_t i = 0; i < x.size(); ++i) EXPECT_EQ(v[i], x[i]);
  }
}

TEST(MovingAverages, StreamingEqualsBatch) {
  std::vector<double> x;
  for (int i = 0; i < 300; ++i) x.push_back(50 + 10 * std::sin(i * 0.1) + 0.01 * i);
  Sma s(14);
  Ema e(14);
  Wma w(14);
  const auto bs = sma(x, 14), be = ema(x, 14), bw = wma(x, 14);
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_TRUE(same(s.update(x[i]), bs[i]));
    EXPECT_TRUE(same(e.update(x[i]), be[i]));
    EXPECT_TRUE(same(w.update(x[i]), bw[i]));
  }
}

TEST(MovingAverages, RejectsBadPeriodAndOutputSize) {
  EXPECT_THROW(Sma(0), std::invalid_argument);
  EXPECT_THROW(Ema(-3), std::invalid_argument);
  EXPECT_THROW(Wma(kMaxPeriod + 1), std::invalid_argument);
  std::vector<double> x(5), out(4);
  EXPECT_THROW(sma(x, 2, out), std::invalid_argument);
}

}  // namespace
}  // namespace organism::indicators
