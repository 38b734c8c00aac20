#include "indicators/donchian.hpp"

#include <gtest/gtest.h>

#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

TEST(Donchian, UsesOnlyTheBarsBeforeTheCurrentOne) {
  const auto bars =
      test::make_candles({10, 11, 12, 12, 13, 13}, {8, 9, 9, 10, 11, 12}, {9, 10, 11, 10, 13, 12});
  const auto d = donchian(bars.view(), 2);
  EXPECT_TRUE(std::isnan(d.high[1]));
  // bar 2: bars 0-1 -> max(10, 11) = 11, min(8, 9) = 8; bar 3: bars 1-2 -> 12, 9;
  // bar 4: bars 2-3 -> 12, 9; bar 5: bars 3-4 -> 13, 10.
  const double hi[] = {11, 12, 12, 13}, lo[] = {8, 9, 9, 10};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(d.high[i + 2], hi[i]);
    EXPECT_EQ(d.low[i + 2], lo[i]);
  }
  // Bar 4 closes at 13 above the channel high 12: a breakout is possible because the current
  // bar is not in its own channel.
  EXPECT_GT(bars.close()[4], d.high[4]);
}

TEST(Donchian, StreamingEqualsBatch) {
  std::vector<double> h, l, c;
  for (int i = 0; i < 200; ++i) {
    c.push_back(20 + std::sin(i * 0.2) * 2 + i * 0.01);
    h.push_back(c.back() + 0.3);
    l.push_back(c.back() - 0.4);
  }
  const auto bars = test::make_candles(h, l, c);
  const auto d = donchian(bars.view(), 20);
  Donchian f(20);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto v = f.update(bars.bar(i));
    EXPECT_TRUE(test::same(v.high, d.high[i]));
    EXPECT_TRUE(test::same(v.low, d.low[i]));
  }
  EXPECT_TRUE(std::isnan(d.high[19]));
  EXPECT_FALSE(std::isnan(d.high[20]));
}

}  // namespace
}  // namespace organism::indicators
