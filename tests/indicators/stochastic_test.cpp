#include "indicators/stochastic.hpp"

#include <gtest/gtest.h>

#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

// high, low, close
const data::Candles kBars =
    test::make_candles({10, 11, 12, 12, 13, 13}, {8, 9, 9, 10, 11, 12}, {9, 10, 11, 10, 13, 12});

TEST(Stochastic, HandComputedSlowKAndD) {
  // fast %K(3): bar 2: (11-8)/(12-8) = 75; bar 3: (10-9)/(12-9) = 33.33;
  //             bar 4: (13-9)/(13-9) = 100; bar 5: (12-10)/(13-10) = 66.67.
  // slow %K = SMA(2): bar 3: (75 + 33.33)/2 = 54.17; bar 4: 66.67; bar 5: 83.33.
  // %D = SMA(2) of slow %K: bar 4: (54.17 + 66.67)/2 = 60.42; bar 5: (66.67 + 83.33)/2 = 75.
  const auto s = stochastic(kBars.view(), 3, 2, 2);
  EXPECT_TRUE(std::isnan(s.k[2]));
  EXPECT_TRUE(std::isnan(s.d[3]));
  const double f2 = 75, f3 = 100.0 / 3, f4 = 100, f5 = 200.0 / 3;
  EXPECT_DOUBLE_EQ(s.k[3], (f2 + f3) / 2);
  EXPECT_DOUBLE_EQ(s.k[4], (f3 + f4) / 2);
  EXPECT_DOUBLE_EQ(s.k[5], (f4 + f5) / 2);
  EXPECT_DOUBLE_EQ(s.d[4], ((f2 + f3) / 2 + (f3 + f4) / 2) / 2);
  EXPECT_DOUBLE_EQ(s.d[5], 75.0);
}

TEST(Stochastic, WarmUpIsTaLibsLookbackForD) {
  // 14,3,3: slow %K from bar 14+3-2 = 15, %D from 14+3+3-3 = 17.
  std::vector<double> h, l, c;
  for (int i = 0; i < 40; ++i) {
    c.push_back(100 + std::sin(i * 0.4) * 4);
    h.push_back(c.back() + 1);
    l.push_back(c.back() - 1);
  }
  const auto bars = test::make_candles(h, l, c);
  const auto s = stochastic(bars.view(), 14, 3, 3);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(std::isnan(s.k[i]), i < 15) << i;
    EXPECT_EQ(std::isnan(s.d[i]), i < 17) << i;
  }
}

TEST(Stochastic, FlatRangeIs50AndBoundsAreExact) {
  const auto flat = test::make_candles(std::vector<double>(10, 0.7), std::vector<double>(10, 0.7),
                                       std::vector<double>(10, 0.7));
  const auto s = stochastic(flat.view(), 3, 1, 1);
  for (int i = 2; i < 10; ++i) EXPECT_EQ(s.k[i], 50.0);
  // Close at the top of the range: exactly 100; at the bottom: exactly 0.
  const auto top = test::make_candles({1.1, 1.3, 1.7}, {0.9, 0.3, 1.0}, {1.0, 1.1, 1.7});
  EXPECT_EQ(stochastic(top.view(), 3, 1, 1).k[2], 100.0);
  const auto bottom = test::make_candles({1.1, 1.3, 1.7}, {0.9, 0.5, 0.3}, {1.0, 1.1, 0.3});
  EXPECT_EQ(stochastic(bottom.view(), 3, 1, 1).k[2], 0.0);
}

TEST(WilliamsR, HandComputed) {
  // 100 * (close - HH) / (HH - LL) over 3 bars: bar 2: (11-12)/4 = -25; bar 3: (10-12)/3 = -66.67;
  // bar 4: (13-13)/4 = 0; bar 5: (12-13)/3 = -33.33.
  const auto w = williams_r(kBars.view(), 3);
  EXPECT_TRUE(std::isnan(w[1]));
  EXPECT_DOUBLE_EQ(w[2], -25.0);
  EXPECT_DOUBLE_EQ(w[3], -200.0 / 3);
  EXPECT_EQ(w[4], 0.0);
  EXPECT_FALSE(std::signbit(w[4]));  // +0, not -0
  EXPECT_DOUBLE_EQ(w[5], -100.0 / 3);
}

TEST(WilliamsR, FlatRangeIsMinus50) {
  const auto flat = test::make_candles(std::vector<double>(6, 3.3), std::vector<double>(6, 3.3),
                                       std::vector<double>(6, 3.3));
  const auto w = williams_r(flat.view(), 3);
  for (int i = 2; i < 6; ++i) EXPECT_EQ(w[i], -50.0);
}

TEST(Stochastic, StreamingEqualsBatch) {
  const auto s = stochastic(kBars.view(), 3, 2, 2);
  const auto w = williams_r(kBars.view(), 3);
  Stochastic fs(3, 2, 2);
  WilliamsR fw(3);
  for (std::size_t i = 0; i < kBars.size(); ++i) {
    const auto v = fs.update(kBars.bar(i));
    EXPECT_TRUE(test::same(v.k, s.k[i]));
    EXPECT_TRUE(test::same(v.d, s.d[i]));
    EXPECT_TRUE(test::same(fw.update(kBars.bar(i)), w[i]));
  }
}

}  // namespace
}  // namespace organism::indicators
