#include "indicators/macd.hpp"

#include <gtest/gtest.h>

#include "indicators/moving_average.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

TEST(Macd, HandComputed) {
  // MACD(2, 3, 2) of 1 3 2 4 6 5.
  // EMA(2), alpha 2/3: seed (1+3)/2 = 2 at bar 1; 2; 10/3; 46/9; 136/27.
  // EMA(3), alpha 1/2: seed (1+3+2)/3 = 2 at bar 2; 3; 4.5; 4.75.
  // line (from bar 2): 0; 10/3-3 = 1/3; 46/9-4.5 = 11/18; 136/27-4.75 = 31/108.
  // signal EMA(2) of the line: seed (0 + 1/3)/2 = 1/6 at bar 3;
  //   (11/18 - 1/6)*2/3 + 1/6 = 25/54; (31/108 - 25/54)*2/3 + 25/54 = 28/81.
  // hist: 1/3-1/6 = 1/6; 11/18-25/54 = 4/27; 31/108-28/81 = -19/324.
  const auto m = macd(std::vector<double>{1, 3, 2, 4, 6, 5}, 2, 3, 2);
  EXPECT_TRUE(std::isnan(m.line[1]));
  EXPECT_TRUE(std::isnan(m.signal[2]));
  EXPECT_TRUE(std::isnan(m.hist[2]));
  EXPECT_NEAR(m.line[2], 0.0, 1e-15);
  EXPECT_NEAR(m.line[3], 1.0 / 3, 1e-14);
  EXPECT_NEAR(m.line[4], 11.0 / 18, 1e-14);
  EXPECT_NEAR(m.line[5], 31.0 / 108, 1e-14);
  EXPECT_NEAR(m.signal[3], 1.0 / 6, 1e-14);
  EXPECT_NEAR(m.signal[4], 25.0 / 54, 1e-14);
  EXPECT_NEAR(m.signal[5], 28.0 / 81, 1e-14);
  EXPECT_NEAR(m.hist[3], 1.0 / 6, 1e-14);
  EXPECT_NEAR(m.hist[4], 4.0 / 27, 1e-14);
  EXPECT_NEAR(m.hist[5], -19.0 / 324, 1e-14);
}

TEST(Macd, LineIsEmaFastMinusEmaSlowOfThisLayer) {
  std::vector<double> x;
  for (int i = 0; i < 120; ++i) x.push_back(20 + std::cos(i * 0.2) * 3 + i * 0.05);
  const auto m = macd(x, 12, 26, 9);
  const auto f = ema(x, 12), s = ema(x, 26);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i < 25) {
      EXPECT_TRUE(std::isnan(m.line[i]));
    } else {
      EXPECT_TRUE(test::same(m.line[i], f[i] - s[i])) << i;
    }
    EXPECT_EQ(std::isnan(m.signal[i]), i < 33) << i;
  }
}

TEST(Macd, StreamingEqualsBatch) {
  std::vector<double> x;
  for (int i = 0; i < 200; ++i) x.push_back(20 + std::cos(i * 0.2) * 3);
  const auto b = macd(x, 12, 26, 9);
  Macd s(12, 26, 9);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto v = s.update(x[i]);
    EXPECT_TRUE(test::same(v.line, b.line[i]));
    EXPECT_TRUE(test::same(v.signal, b.signal[i]));
    EXPECT_TRUE(test::same(v.hist, b.hist[i]));
  }
}

}  // namespace
}  // namespace organism::indicators
