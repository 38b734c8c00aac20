#include "indicators/rsi.hpp"

#include <gtest/gtest.h>

#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

TEST(Rsi, HandComputedWilder) {
  // Changes: +1, -0.5, +1.5, -1, +0.5.
  const std::vector<double> c{10, 11, 10.5, 12, 11, 11.5};
  const auto v = rsi(c, 3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(std::isnan(v[i])) << i;
  // Seed over the first 3 changes: gain = (1 + 0 + 1.5)/3, loss = (0 + 0.5 + 0)/3.
  double gain = 2.5 / 3, loss = 0.5 / 3;
  EXPECT_NEAR(v[3], 100 * gain / (gain + loss), 1e-12);  // 83.33
  // Change -1: gain = (gain*2 + 0)/3 = 5/9, loss = (loss*2 + 1)/3 = 4/9.
  gain = (gain * 2 + 0) / 3;
  loss = (loss * 2 + 1) / 3;
  EXPECT_NEAR(v[4], 100.0 * 5 / 9, 1e-12);
  // Change +0.5: gain = (5/9*2 + 0.5)/3 = 14.5/27, loss = (4/9*2)/3 = 8/27.
  gain = (gain * 2 + 0.5) / 3;
  loss = (loss * 2) / 3;
  EXPECT_NEAR(v[5], 100.0 * 14.5 / 22.5, 1e-12);  // 64.44
  EXPECT_NEAR(v[5], 100 * gain / (gain + loss), 1e-12);
}

TEST(Rsi, OnlyGainsIs100OnlyLossesIs0FlatIs50) {
  EXPECT_EQ(rsi(std::vector<double>{1, 2, 3, 4, 5}, 2)[4], 100.0);
  EXPECT_EQ(rsi(std::vector<double>{5, 4, 3, 2, 1}, 2)[4], 0.0);
  const auto flat = rsi(std::vector<double>(10, 0.1), 3);
  for (int i = 3; i < 10; ++i) EXPECT_EQ(flat[i], 50.0);
}

TEST(Rsi, AfterMovementAFlatStretchHoldsTheLastRatio) {
  // Both averages decay by (n-1)/n per flat bar, so their ratio, and the RSI, stays put.
  const auto v = rsi(std::vector<double>{1, 2, 1.5, 1.5, 1.5, 1.5}, 2);
  EXPECT_NEAR(v[3], v[2], 1e-12);
  EXPECT_NEAR(v[5], v[2], 1e-12);
}

TEST(Rsi, StreamingEqualsBatch) {
  std::vector<double> c;
  for (int i = 0; i < 200; ++i) c.push_back(100 + 5 * std::sin(i * 0.3) + i * 0.01);
  Rsi s(14);
  const auto b = rsi(c, 14);
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_TRUE(test::same(s.update(c[i]), b[i]));
}

}  // namespace
}  // namespace organism::indicators
