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
  // TA-Lib's seeding, period 2: +DM, -DM and TR start as plain sums of bars 1..n-1 (bar 1 only:
  // 2, 0, 3), then s = s - s/2 + x. Every value below is exact in binary, so EXPECT_DOUBLE_EQ.
  const auto a = adx(kBars.view(), 2);
  EXPECT_TRUE(std::isnan(a.plus_di[1]));
  EXPECT_TRUE(std::isnan(a.minus_di[1]));
  // Bar 2: +DM 2-1+0 = 1, -DM 0-0+2 = 2, TR 3-1.5+4 = 5.5; +DI 100/5.5, -DI 200/5.5, DX 100/3.
  EXPECT_DOUBLE_EQ(a.plus_di[2], 100 * (1 / 5.5));
  EXPECT_DOUBLE_EQ(a.minus_di[2], 100 * (2 / 5.5));
  EXPECT_TRUE(std::isnan(a.adx[2]));
  // Bar 3: +DM 0.5, -DM 1+1 = 2, TR 2.75+4 = 6.75; DX = 100 * 1.5/2.5 = 60;
  // ADX seed = mean of the DX of bars 2..3 = (100/3 + 60)/2 = 140/3.
  EXPECT_DOUBLE_EQ(a.plus_di[3], 100 * (0.5 / 6.75));
  EXPECT_DOUBLE_EQ(a.minus_di[3], 100 * (2 / 6.75));
  EXPECT_NEAR(a.adx[3], 140.0 / 3, 1e-12);
  // Bar 4: +DM 0.25+3 = 3.25, -DM 1, TR 3.375+4 = 7.375; DX = 100 * 2.25/4.25 = 900/17;
  // ADX = (140/3 + 900/17)/2.
  EXPECT_DOUBLE_EQ(a.plus_di[4], 100 * (3.25 / 7.375));
  const double adx4 = (140.0 / 3 + 900.0 / 17) / 2;
  EXPECT_NEAR(a.adx[4], adx4, 1e-12);
  // Bar 5: +DM 1.625+1 = 2.625, -DM 0.5, TR 3.6875+3 = 6.6875; DX = 100 * 2.125/3.125 = 68.
  EXPECT_DOUBLE_EQ(a.minus_di[5], 100 * (0.5 / 6.6875));
  EXPECT_NEAR(a.adx[5], (adx4 + 68) / 2, 1e-12);
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

TEST(Adx, UndefinedDxLeavesAdxUnchanged) {
  // Flat bars give TR = 0: ±DI = 0 and no DX, so the seed is 0 and ADX stays 0 (TA-Lib holds it).
  // The first move, a pure up move, gives +DI > 0 = -DI, DX = 100, ADX = (0*4 + 100)/5 = 20.
  std::vector<double> h(20, 50.0), l(20, 50.0), c(20, 50.0);
  h.push_back(51.0);
  l.push_back(50.0);
  c.push_back(51.0);
  const auto bars = test::make_candles(h, l, c);
  const auto a = adx(bars.view(), 5);
  EXPECT_TRUE(std::isnan(a.adx[8]));
  for (int i = 9; i < 20; ++i) EXPECT_EQ(a.adx[i], 0.0) << i;
  EXPECT_EQ(a.minus_di[20], 0.0);
  EXPECT_EQ(a.plus_di[20], 100.0);  // +DM and TR are both the one move of 1
  EXPECT_EQ(a.adx[20], 20.0);
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
