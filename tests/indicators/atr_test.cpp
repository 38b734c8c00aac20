#include "indicators/atr.hpp"

#include <gtest/gtest.h>

#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

const data::Candles kBars =
    test::make_candles({10, 11, 12, 12, 13, 13}, {8, 9, 9, 10, 11, 12}, {9, 10, 11, 10, 13, 12});

TEST(TrueRange, HandComputed) {
  // bar 1: max(11-9, |11-9|, |9-9|) = 2; bar 2: max(3, |12-10|, |9-10|) = 3;
  // bar 3: max(2, |12-11|, |10-11|) = 2; bar 4: max(2, |13-10|, |11-10|) = 3;
  // bar 5: max(1, |13-13|, |12-13|) = 1.
  const auto tr = true_range(kBars.view());
  EXPECT_TRUE(std::isnan(tr[0]));
  const double want[] = {2, 3, 2, 3, 1};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(tr[i + 1], want[i]) << i;
}

TEST(TrueRange, GapUsesThePreviousClose) {
  // Gap up: previous close 10, bar 14..15: TR = max(1, |15-10|, |14-10|) = 5.
  const auto c = test::make_candles({11, 15}, {9, 14}, {10, 14.5});
  EXPECT_EQ(true_range(c.view())[1], 5.0);
  // Gap down: previous close 14.5, bar 6..8: TR = max(2, |8-14.5|, |6-14.5|) = 8.5.
  const auto d = test::make_candles({15, 8}, {14, 6}, {14.5, 7});
  EXPECT_EQ(true_range(d.view())[1], 8.5);
}

TEST(Atr, HandComputedWilder) {
  // ATR(3): seed at bar 3 = (2+3+2)/3 = 7/3; bar 4: (7/3*2 + 3)/3 = 23/9; bar 5: (23/9*2 + 1)/3 =
  // 55/27.
  const auto a = atr(kBars.view(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(std::isnan(a[i]));
  EXPECT_DOUBLE_EQ(a[3], 7.0 / 3);
  EXPECT_DOUBLE_EQ(a[4], 23.0 / 9);
  EXPECT_DOUBLE_EQ(a[5], 55.0 / 27);
}

TEST(Atr, FlatBarsGiveZero) {
  const auto flat = test::make_candles(std::vector<double>(20, 0.1), std::vector<double>(20, 0.1),
                                       std::vector<double>(20, 0.1));
  const auto a = atr(flat.view(), 5);
  for (int i = 5; i < 20; ++i) EXPECT_EQ(a[i], 0.0);
}

TEST(Atr, StreamingEqualsBatch) {
  const auto tr = true_range(kBars.view());
  const auto a = atr(kBars.view(), 2);
  TrueRange ft;
  Atr fa(2);
  for (std::size_t i = 0; i < kBars.size(); ++i) {
    EXPECT_TRUE(test::same(ft.update(kBars.bar(i)), tr[i]));
    EXPECT_TRUE(test::same(fa.update(kBars.bar(i)), a[i]));
  }
}

}  // namespace
}  // namespace organism::indicators
