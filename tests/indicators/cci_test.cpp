#include "indicators/cci.hpp"

#include <gtest/gtest.h>

#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

TEST(Cci, HandComputed) {
  // Typical prices (h+l+c)/3: 9, 11, 9, 12.
  const auto bars = test::make_candles({10, 12, 11, 13}, {8, 9, 7, 10}, {9, 12, 9, 13});
  const auto v = cci(bars.view(), 3);
  EXPECT_TRUE(std::isnan(v[1]));
  // Bar 2: mean 29/3, mean deviation (2/3 + 4/3 + 2/3)/3 = 8/9:
  // (9 - 29/3) / (0.015 * 8/9) = (-2/3) / (0.12/9) = -50.
  EXPECT_NEAR(v[2], -50.0, 1e-12);
  // Bar 3: window 11 9 12, mean 32/3, deviations 1/3 5/3 4/3 -> 10/9:
  // (12 - 32/3) / (0.015 * 10/9) = (4/3) * 9 / 0.15 = 80.
  EXPECT_NEAR(v[3], 80.0, 1e-12);
}

TEST(Cci, FlatWindowIsExactlyZero) {
  // 0.1 repeated: the mean sum/n is not exactly 0.1, so without the exact flat test the 0/0 would
  // become rounding noise divided by rounding noise.
  const auto flat = test::make_candles(std::vector<double>(30, 0.1), std::vector<double>(30, 0.1),
                                       std::vector<double>(30, 0.1));
  const auto v = cci(flat.view(), 20);
  for (int i = 19; i < 30; ++i) EXPECT_EQ(v[i], 0.0) << i;
}

TEST(Cci, StreamingEqualsBatch) {
  std::vector<double> h, l, c;
  for (int i = 0; i < 300; ++i) {
    c.push_back(50 + std::sin(i * 0.17) * 3);
    h.push_back(c.back() + 0.5 + (i % 4) * 0.1);
    l.push_back(c.back() - 0.7);
  }
  const auto bars = test::make_candles(h, l, c);
  const auto b = cci(bars.view(), 20);
  Cci f(20);
  for (std::size_t i = 0; i < bars.size(); ++i)
    EXPECT_TRUE(test::same(f.update(bars.bar(i)), b[i]));
}

}  // namespace
}  // namespace organism::indicators
