#include "indicators/ichimoku.hpp"

#include <gtest/gtest.h>

#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

const data::Candles kBars =
    test::make_candles({10, 11, 12, 12, 13, 13, 14, 12}, {8, 9, 9, 10, 11, 12, 11, 10},
                       {9, 10, 11, 11, 12, 12.5, 12, 11});

TEST(Ichimoku, HandComputedSmallParameters) {
  // tenkan 2, kijun 3, senkou 4, displacement 2.
  const auto s = ichimoku(kBars.view(), {2, 3, 4, 2});
  // tenkan = (HH2 + LL2)/2: bar 1 (11+8)/2 = 9.5, bar 2 (12+9)/2 = 10.5, bar 3 10.5, bar 4 11.5,
  //   bar 5 (13+11)/2 = 12, bar 6 (14+11)/2 = 12.5, bar 7 (14+10)/2 = 12.
  const double tenkan[] = {9.5, 10.5, 10.5, 11.5, 12, 12.5, 12};
  EXPECT_TRUE(std::isnan(s.tenkan[0]));
  for (int i = 0; i < 7; ++i) EXPECT_EQ(s.tenkan[i + 1], tenkan[i]);
  // kijun = (HH3 + LL3)/2: bar 2 (12+8)/2 = 10, 10.5, 11, 11.5, 12.5, bar 7 (14+10)/2 = 12.
  const double kijun[] = {10, 10.5, 11, 11.5, 12.5, 12};
  EXPECT_TRUE(std::isnan(s.kijun[1]));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(s.kijun[i + 2], kijun[i]);
  // raw A = (tenkan + kijun)/2 from bar 2: 10.25 10.5 11.25 11.75 12.5 12; shifted 2 bars, the
  // cloud in effect at bar 4 is bar 2's: 10.25, then 10.5, 11.25, 11.75.
  const double a[] = {10.25, 10.5, 11.25, 11.75};
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(std::isnan(s.senkou_a[i])) << i;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(s.senkou_a[i + 4], a[i]);
  // raw B = (HH4 + LL4)/2 from bar 3: (12+8)/2 = 10, (13+9)/2 = 11, 11, 12, 12; shifted 2 bars.
  const double b[] = {10, 11, 11};
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(std::isnan(s.senkou_b[i])) << i;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(s.senkou_b[i + 5], b[i]);
}

TEST(Ichimoku, DefaultWarmUpAndNoLookAhead) {
  std::vector<double> h, l, c;
  for (int i = 0; i < 150; ++i) {
    c.push_back(100 + std::sin(i * 0.1) * 10);
    h.push_back(c.back() + 1);
    l.push_back(c.back() - 1);
  }
  const auto bars = test::make_candles(h, l, c);
  const auto s = ichimoku(bars.view());
  for (int i = 0; i < 150; ++i) {
    EXPECT_EQ(std::isnan(s.tenkan[i]), i < 8);
    EXPECT_EQ(std::isnan(s.kijun[i]), i < 25);
    EXPECT_EQ(std::isnan(s.senkou_a[i]), i < 51);
    EXPECT_EQ(std::isnan(s.senkou_b[i]), i < 77);
  }
  // Changing bars after t leaves everything at t unchanged.
  auto h2 = h, l2 = l, c2 = c;
  for (int i = 100; i < 150; ++i) {
    h2[i] += 50;
    c2[i] += 49;
  }
  const auto moved = test::make_candles(h2, l2, c2);
  const auto s2 = ichimoku(moved.view());
  EXPECT_SAME_SERIES(std::span(s.senkou_a).first(100), std::span(s2.senkou_a).first(100), "A");
  EXPECT_SAME_SERIES(std::span(s.senkou_b).first(100), std::span(s2.senkou_b).first(100), "B");
}

TEST(Ichimoku, StreamingEqualsBatch) {
  const IchimokuParams p{2, 3, 4, 2};
  const auto s = ichimoku(kBars.view(), p);
  Ichimoku f(p);
  for (std::size_t i = 0; i < kBars.size(); ++i) {
    const auto v = f.update(kBars.bar(i));
    EXPECT_TRUE(test::same(v.tenkan, s.tenkan[i]));
    EXPECT_TRUE(test::same(v.kijun, s.kijun[i]));
    EXPECT_TRUE(test::same(v.senkou_a, s.senkou_a[i]));
    EXPECT_TRUE(test::same(v.senkou_b, s.senkou_b[i]));
  }
}

}  // namespace
}  // namespace organism::indicators
