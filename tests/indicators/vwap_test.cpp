#include "indicators/vwap.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

using core::kDayMs;
using core::kHourMs;

TEST(SessionVwap, HandComputedAndResetsEachUtcDay) {
  // Typical prices (h+l+c)/3: 9, 11, 20, 30; volumes 2, 1, 5, 4.
  const auto bars =
      test::make_candles({10, 12, 21, 31}, {8, 10, 19, 29}, {9, 11, 20, 30}, {2, 1, 5, 4},
                         {23 * kHourMs, 23 * kHourMs + 30 * 60'000, kDayMs, kDayMs + kHourMs});
  const auto v = session_vwap(bars.view());
  EXPECT_EQ(v[0], 9.0);                            // first bar of the day: its own tp
  EXPECT_DOUBLE_EQ(v[1], (9.0 * 2 + 11 * 1) / 3);  // 29/3, same day
  EXPECT_EQ(v[2], 20.0);                           // 00:00 UTC: a new session
  EXPECT_DOUBLE_EQ(v[3], (20.0 * 5 + 30 * 4) / 9);
}

TEST(SessionVwap, GapOfMissingDaysStillResetsAndZeroVolumeUsesTypicalPrice) {
  const auto bars =
      test::make_candles({10, 12, 14, 16}, {10, 12, 14, 10}, {10, 12, 14, 13}, {3, 0, 0, 1},
                         {0, 3 * kDayMs, 3 * kDayMs + kHourMs, 3 * kDayMs + 5 * kHourMs});
  const auto v = session_vwap(bars.view());
  EXPECT_EQ(v[0], 10.0);
  EXPECT_EQ(v[1], 12.0);  // new day, no volume yet: the bar's own typical price
  EXPECT_EQ(v[2], 14.0);  // still none
  EXPECT_DOUBLE_EQ(v[3], (16.0 + 10 + 13) / 3);  // the first traded bar sets the VWAP
}

TEST(SessionVwap, BucketsTimesBefore1970ByTheirUtcDay) {
  const auto bars = test::make_candles({1, 2}, {1, 2}, {1, 2}, {1, 1}, {-kHourMs, 0});
  const auto v = session_vwap(bars.view());
  EXPECT_EQ(v[1], 2.0);  // 1969-12-31 23:00 and 1970-01-01 00:00 are different days
}

TEST(RollingVwap, HandComputed) {
  const auto bars = test::make_candles({10, 12, 21}, {8, 10, 19}, {9, 11, 20}, {2, 1, 5});
  const auto v = rolling_vwap(bars.view(), 2);
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_DOUBLE_EQ(v[1], (9.0 * 2 + 11 * 1) / 3);
  EXPECT_DOUBLE_EQ(v[2], (11.0 * 1 + 20 * 5) / 6);  // 18.5
}

TEST(RollingVwap, WindowWithoutVolumeIsTheTypicalPriceExactly) {
  // 0.1 and 0.2 leave a residue of about 1e-17 in a sliding sum; the zero run must win over it.
  const auto bars =
      test::make_candles({5, 6, 7, 8, 9}, {5, 6, 7, 8, 9}, {5, 6, 7, 8, 9}, {0.1, 0.2, 0, 0, 0});
  const auto v = rolling_vwap(bars.view(), 2);
  EXPECT_EQ(v[3], 8.0);
  EXPECT_EQ(v[4], 9.0);
}

TEST(Vwap, StreamingEqualsBatch) {
  std::vector<double> h, l, c, vol;
  std::vector<std::int64_t> t;
  for (int i = 0; i < 300; ++i) {
    c.push_back(100 + std::sin(i * 0.13) * 4);
    h.push_back(c.back() + 0.6);
    l.push_back(c.back() - 0.5);
    vol.push_back(i % 17 == 0 ? 0.0 : 1 + (i % 5));
    t.push_back(static_cast<std::int64_t>(i) * 15 * 60'000);
  }
  const auto bars = test::make_candles(h, l, c, vol, t);
  const auto s = session_vwap(bars.view());
  const auto r = rolling_vwap(bars.view(), 20);
  SessionVwap fs;
  RollingVwap fr(20);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    EXPECT_TRUE(test::same(fs.update(bars.bar(i)), s[i]));
    EXPECT_TRUE(test::same(fr.update(bars.bar(i)), r[i]));
  }
}

}  // namespace
}  // namespace organism::indicators
