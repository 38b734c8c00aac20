#include "indicators/adx.hpp"

#include <gtest/gtest.h>

#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

// bar: high low close   up = h - prev h, down = prev l - l     +DM -DM  TR
// 0:   10   8   9
// 1:   12   9  11       up  2, down -1                          2   0   3
// 2:   11   7   8       up -1, down  2                          0   2   4
// 3:   10   6   9       up -1, down  1                          0   1   4
// 4:   13   9  12       up  3, down -3                          3   0   4
// 5:   14  11  13       up  1, down -2                          1   0   3
const data::Candles kBars =
    test::make_candles({10, 12, 11, 10, 13, 14}, {8, 9, 7, 6, 9, 11}, {9, 11, 8, 9, 12, 13});

TEST(Adx, HandComputed) {
  const auto a = adx(kBars.view(), 2);
  // Bar 2, seeds (mean of bars 1..2): +DM 1, -DM 1, TR 3.5: +DI = -DI = 100/3.5, DX 0.
  EXPECT_TRUE(std::isnan(a.plus_di[1]));
  EXPECT_DOUBLE_EQ(a.plus_di[2], 100 / 3.5);
  EXPECT_DOUBLE_EQ(a.minus_di[2], 100 / 3.5);
  EXPECT_TRUE(std::isnan(a.adx[2]));
  // Bar 3: +DM (1*1+0)/2 = 0.5, -DM (1*1+1)/2 = 1, TR (3.5+4)/2 = 3.75;
  // +DI 13.33, -DI 26.67, DX = 100 * 13.33/40 = 100/3; ADX seed (0 + 100/3)/2 = 50/3.
  EXPECT_DOUBLE_EQ(a.plus_di[3], 100 * 0.5 / 3.75);
  EXPECT_DOUBLE_EQ(a.minus_di[3], 100 * 1 / 3.75);
  EXPECT_NEAR(a.adx[3], 50.0 / 3, 1e-12);
  // Bar 4: +DM (0.5+3)/2 = 1.75, -DM 0.5, DX = 100 * 1.25/2.25 = 500/9;
  // ADX = (50/3 + 500/9)/2 = 325/9.
  EXPECT_NEAR(a.adx[4], 325.0 / 9, 1e-12);
  // Bar 5: +DM 1.375, -DM 0.25, DX = 100 * 1.125/1.625 = 900/13; ADX = (325/9 + 900/13)/2.
  EXPECT_NEAR(a.adx[5], (325.0 / 9 + 900.0 / 13) / 2, 1e-12);
}

TEST(Adx, WarmUpIsTwoPeriodsMinusOne) {
  std::vector<double> h, l, c;
  for (int i = 0; i < 60; ++i) {
    c.push_back(100 + std::sin(i * 0.3) * 5 + i * 0.1);
    h.push_back(c.back() + 1 + (i % 3));
    l.push_back(c.back() - 1);
  }
  const auto bars = test::make_candles(h, l, c);
  const auto a = adx(bars.view(), 14);
  for (int i = 0; i < 60; ++i) {
    EXPECT_EQ(std::isnan(a.adx[i]), i < 27) << i;
    EXPECT_EQ(std::isnan(a.plus_di[i]), i < 14) << i;
  }
}

TEST(Adx, FlatMarketHasNoTrend) {
  const auto flat = test::make_candles(std::vector<double>(40, 0.1), std::vector<double>(40, 0.1),
                                       std::vector<double>(40, 0.1));
  const auto a = adx(flat.view(), 5);
  for (int i = 9; i < 40; ++i) {
    EXPECT_EQ(a.adx[i], 0.0);
    EXPECT_EQ(a.plus_di[i], 0.0);
    EXPECT_EQ(a.minus_di[i], 0.0);
  }
}

TEST(Adx, StreamingEqualsBatch) {
  const auto a = adx(kBars.view(), 2);
  Adx f(2);
  for (std::size_t i = 0; i < kBars.size(); ++i) {
    const auto v = f.update(kBars.bar(i));
    EXPECT_TRUE(test::same(v.adx, a.adx[i]));
    EXPECT_TRUE(test::same(v.plus_di, a.plus_di[i]));
    EXPECT_TRUE(test::same(v.minus_di, a.minus_di[i]));
  }
}

}  // namespace
}  // namespace organism::indicators
