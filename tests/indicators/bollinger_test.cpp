#include "indicators/bollinger.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "indicators/moving_average.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

TEST(Bollinger, HandComputedPopulationStddev) {
  const auto b = bollinger(std::vector<double>{1, 2, 3, 4, 6}, 3, 2.0);
  EXPECT_TRUE(std::isnan(b.mid[1]));
  // Bar 2: window 1 2 3, mean 2, variance (1 + 0 + 1)/3 = 2/3 (divide by n, not n-1).
  EXPECT_DOUBLE_EQ(b.mid[2], 2.0);
  EXPECT_DOUBLE_EQ(b.upper[2], 2 + 2 * std::sqrt(2.0 / 3));
  EXPECT_DOUBLE_EQ(b.lower[2], 2 - 2 * std::sqrt(2.0 / 3));
  // Bar 4: window 3 4 6, mean 13/3, squared deviations 16/9 + 1/9 + 25/9 = 42/9, variance 14/9.
  EXPECT_DOUBLE_EQ(b.mid[4], 13.0 / 3);
  EXPECT_DOUBLE_EQ(b.upper[4], 13.0 / 3 + 2 * std::sqrt(14.0) / 3);
  EXPECT_DOUBLE_EQ(b.lower[4], 13.0 / 3 - 2 * std::sqrt(14.0) / 3);
}

TEST(Bollinger, MidIsSmaBitForBit) {
  std::vector<double> x;
  for (int i = 0; i < 400; ++i) x.push_back(1000 + 30 * std::sin(i * 0.05) + (i % 11) * 0.1);
  const auto b = bollinger(x, 20, 2.0);
  EXPECT_SAME_SERIES(b.mid, sma(x, 20), "bb_mid vs sma");
}

TEST(Bollinger, FlatWindowCollapsesTheBands) {
  const auto b = bollinger(std::vector<double>(30, 0.1), 20, 2.0);
  for (int i = 19; i < 30; ++i) {
    EXPECT_EQ(b.upper[i], b.mid[i]);
    EXPECT_EQ(b.lower[i], b.mid[i]);
  }
}

TEST(Bollinger, RejectsNegativeK) { EXPECT_THROW(Bollinger(20, -1.0), std::invalid_argument); }

}  // namespace
}  // namespace organism::indicators
