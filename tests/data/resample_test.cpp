#include "data/resample.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace organism::data {
namespace {

using core::Interval;
using core::kDayMs;
using core::kHourMs;
using core::kMinuteMs;

constexpr TimeMs kJan1 = 1704067200000;  // 2024-01-01 00:00 UTC, a Monday

Interval iv(const char* name) { return Interval::parse_or_throw(name); }

// Bars at start, start + step, ... with a price that rises by 1 per bar (open k, high k + 2,
// low k - 1, close k + 1), volume 1 and 2 trades each; expected values follow from k.
Candles ramp(TimeMs start, TimeMs step, std::size_t n) {
  Candles c;
  for (std::size_t i = 0; i < n; ++i) {
    const double k = 100.0 + static_cast<double>(i);
    c.push_back({start + static_cast<TimeMs>(i) * step, k, k + 2, k - 1, k + 1, 1.0, 2});
  }
  return c;
}

void expect_bar(const Bar& got, const Bar& want) {
  EXPECT_EQ(got.time, want.time);
  EXPECT_DOUBLE_EQ(got.open, want.open);
  EXPECT_DOUBLE_EQ(got.high, want.high);
  EXPECT_DOUBLE_EQ(got.low, want.low);
  EXPECT_DOUBLE_EQ(got.close, want.close);
  EXPECT_DOUBLE_EQ(got.volume, want.volume);
  EXPECT_EQ(got.trades, want.trades);
}

TEST(Resample, HourToFourHoursAligned) {
  Candles src;
  // time offset (h), open, high, low, close, volume, trades
  src.push_back({kJan1 + 0 * kHourMs, 10, 12, 9, 11, 1, 5});
  src.push_back({kJan1 + 1 * kHourMs, 11, 13, 10, 12, 2, 6});
  src.push_back({kJan1 + 2 * kHourMs, 12, 15, 11, 14, 3, 7});
  src.push_back({kJan1 + 3 * kHourMs, 14, 14, 8, 9, 4, 8});
  src.push_back({kJan1 + 4 * kHourMs, 9, 10, 7, 8, 1.5, 1});
  src.push_back({kJan1 + 5 * kHourMs, 8, 9, 6, 7, 0.5, 1});
  src.push_back({kJan1 + 6 * kHourMs, 7, 20, 7, 19, 1, 1});
  src.push_back({kJan1 + 7 * kHourMs, 19, 19, 18, 18, 1, 1});

  const ResampleResult r = resample(src.view(), iv("1h"), iv("4h"));
  ASSERT_EQ(r.bars.size(), 2u);
  expect_bar(r.bars.bar(0), {kJan1, 10, 15, 8, 9, 10, 26});
  expect_bar(r.bars.bar(1), {kJan1 + 4 * kHourMs, 9, 20, 6, 18, 4, 4});
  EXPECT_EQ(r.source_bars, 8u);
  EXPECT_EQ(r.dropped_leading, 0u);
  EXPECT_EQ(r.dropped_trailing, 0u);
  EXPECT_TRUE(r.partial.empty());
}

TEST(Resample, DropsIncompleteLeadingAndTrailingBuckets) {
  // 02:00 .. 13:00: 02-03 belong to the 00:00 bucket, 12-13 to the 12:00 bucket.
  const Candles src = ramp(kJan1 + 2 * kHourMs, kHourMs, 12);
  const ResampleResult r = resample(src.view(), iv("1h"), iv("4h"));
  ASSERT_EQ(r.bars.size(), 2u);
  // 04:00 bucket = source bars 2..5 (k = 102..105); 08:00 bucket = bars 6..9 (k = 106..109).
  expect_bar(r.bars.bar(0), {kJan1 + 4 * kHourMs, 102, 107, 101, 106, 4, 8});
  expect_bar(r.bars.bar(1), {kJan1 + 8 * kHourMs, 106, 111, 105, 110, 4, 8});
  EXPECT_EQ(r.dropped_leading, 2u);
  EXPECT_EQ(r.dropped_trailing, 2u);
  EXPECT_TRUE(r.partial.empty());
}

TEST(Resample, KeepsAndReportsInteriorBucketsWithGaps) {
  Candles src;
  const Candles full = ramp(kJan1, kHourMs, 16);
  for (std::size_t i = 0; i < full.size(); ++i) {
    // Drop 05:00 and 06:00 (a gap inside the 04:00 bucket) and all of the 08:00 bucket.
    if (i == 5 || i == 6 || (i >= 8 && i < 12)) continue;
    src.push_back(full.bar(i));
  }
  const ResampleResult r = resample(src.view(), iv("1h"), iv("4h"));
  ASSERT_EQ(r.bars.size(), 3u);
  expect_bar(r.bars.bar(0), {kJan1, 100, 105, 99, 104, 4, 8});
  // 04:00 and 07:00 only (k = 104 and 107); the gap is not filled.
  expect_bar(r.bars.bar(1), {kJan1 + 4 * kHourMs, 104, 109, 103, 108, 2, 4});
  // The empty 08:00 bucket yields no bar at all; 12:00 is complete.
  expect_bar(r.bars.bar(2), {kJan1 + 12 * kHourMs, 112, 117, 111, 116, 4, 8});
  EXPECT_EQ(r.partial, std::vector<TimeMs>{kJan1 + 4 * kHourMs});
  EXPECT_EQ(r.dropped_leading, 0u);
  EXPECT_EQ(r.dropped_trailing, 0u);
}

TEST(Resample, MinuteToHour) {
  const Candles src = ramp(kJan1, kMinuteMs, 150);
  const ResampleResult r = resample(src.view(), iv("1m"), iv("1h"));
  ASSERT_EQ(r.bars.size(), 2u);
  // Bars 0..59: open 100, high 159 + 2, low 99, close 159 + 1, 60 bars of volume 1, 2 trades.
  expect_bar(r.bars.bar(0), {kJan1, 100, 161, 99, 160, 60, 120});
  expect_bar(r.bars.bar(1), {kJan1 + kHourMs, 160, 221, 159, 220, 60, 120});
  EXPECT_EQ(r.dropped_leading, 0u);
  EXPECT_EQ(r.dropped_trailing, 30u);
}

TEST(Resample, HourToDay) {
  // 2023-12-31 20:00 .. 2024-01-03 04:00: 4 leading bars, two whole days, 5 trailing bars.
  const Candles src = ramp(kJan1 - 4 * kHourMs, kHourMs, 4 + 48 + 5);
  const ResampleResult r = resample(src.view(), iv("1h"), iv("1d"));
  ASSERT_EQ(r.bars.size(), 2u);
  expect_bar(r.bars.bar(0), {kJan1, 104, 129, 103, 128, 24, 48});
  expect_bar(r.bars.bar(1), {kJan1 + kDayMs, 128, 153, 127, 152, 24, 48});
  EXPECT_EQ(r.dropped_leading, 4u);
  EXPECT_EQ(r.dropped_trailing, 5u);
}

TEST(Resample, DayToWeekStartsOnMonday) {
  // Wednesday 2024-01-03 .. Monday 2024-01-22: Wed-Sun lead, two whole weeks, one trailing Monday.
  const Candles src = ramp(kJan1 + 2 * kDayMs, kDayMs, 20);
  const ResampleResult r = resample(src.view(), iv("1d"), iv("1w"));
  ASSERT_EQ(r.bars.size(), 2u);
  expect_bar(r.bars.bar(0), {1704672000000, 105, 113, 104, 112, 7, 14});  // Mon 2024-01-08
  expect_bar(r.bars.bar(1), {1705276800000, 112, 120, 111, 119, 7, 14});  // Mon 2024-01-15
  EXPECT_EQ(r.dropped_leading, 5u);
  EXPECT_EQ(r.dropped_trailing, 1u);
}

TEST(Resample, HourToMonthAcrossLeapFebruary) {
  // 2024-01-31 22:00 .. 2024-03-01 00:00: 2 January bars, all 29 * 24 of February, 1 of March.
  const TimeMs feb1 = 1706745600000;
  const Candles src = ramp(feb1 - 2 * kHourMs, kHourMs, 2 + 696 + 1);
  const ResampleResult r = resample(src.view(), iv("1h"), iv("1M"));
  ASSERT_EQ(r.bars.size(), 1u);
  expect_bar(r.bars.bar(0), {feb1, 102, 102 + 695 + 2, 101, 102 + 695 + 1, 696, 1392});
  EXPECT_EQ(r.dropped_leading, 2u);
  EXPECT_EQ(r.dropped_trailing, 1u);
  EXPECT_TRUE(r.partial.empty());

  // A common-year February is complete with 28 * 24 bars.
  const TimeMs feb1_2023 = 1675209600000;
  const ResampleResult common =
      resample(ramp(feb1_2023, kHourMs, 672 + 1).view(), iv("1h"), iv("1M"));
  ASSERT_EQ(common.bars.size(), 1u);
  EXPECT_EQ(common.bars.bar(0).time, feb1_2023);
  EXPECT_DOUBLE_EQ(common.bars.bar(0).volume, 672);
  EXPECT_EQ(common.dropped_trailing, 1u);
}

TEST(Resample, UnknownTradeCountMakesTheSumUnknown) {
  Candles src = ramp(kJan1, kHourMs, 8);
  Candles mixed;
  for (std::size_t i = 0; i < src.size(); ++i) {
    Bar b = src.bar(i);
    if (i == 2) b.trades = kUnknownTrades;
    mixed.push_back(b);
  }
  const ResampleResult r = resample(mixed.view(), iv("1h"), iv("4h"));
  ASSERT_EQ(r.bars.size(), 2u);
  EXPECT_EQ(r.bars.bar(0).trades, kUnknownTrades);
  EXPECT_EQ(r.bars.bar(1).trades, 8);
}

TEST(Resample, RejectsIntervalsThatDoNotTile) {
  using Pairs = std::vector<std::pair<const char*, const char*>>;
  for (auto [from, to] : Pairs{{"1w", "1M"},
                               {"3d", "1w"},
                               {"4h", "4h"},
                               {"4h", "1h"},
                               {"3d", "1M"},
                               {"8h", "12h"},
                               {"3m", "5m"},
                               {"1M", "1M"}}) {
    try {
      check_resample_intervals(iv(from), iv(to));
      ADD_FAILURE() << from << " -> " << to << " was accepted";
    } catch (const core::UsageError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(std::string(" ") + from + " "), std::string::npos) << what;
      EXPECT_NE(what.find(std::string(" ") + to + ":"), std::string::npos) << what;
    }
  }
  for (auto [from, to] : Pairs{{"1h", "4h"},
                               {"1h", "1d"},
                               {"1d", "1w"},
                               {"1h", "1M"},
                               {"1m", "1M"},
                               {"1d", "1M"},
                               {"12h", "1w"},
                               {"8h", "1w"},
                               {"5m", "15m"}}) {
    EXPECT_NO_THROW(check_resample_intervals(iv(from), iv(to))) << from << " -> " << to;
  }
  const Candles src = ramp(kJan1, kHourMs, 8);
  EXPECT_THROW(resample(src.view(), iv("4h"), iv("1h")), core::UsageError);
}

TEST(Resample, RejectsUnsortedOrMisalignedSource) {
  Candles dup;
  dup.push_back({kJan1, 1, 1, 1, 1, 1, 1});
  dup.push_back({kJan1, 1, 1, 1, 1, 1, 1});
  EXPECT_THROW(resample(dup.view(), iv("1h"), iv("4h")), core::Error);

  Candles backwards;
  backwards.push_back({kJan1 + kHourMs, 1, 1, 1, 1, 1, 1});
  backwards.push_back({kJan1, 1, 1, 1, 1, 1, 1});
  EXPECT_THROW(resample(backwards.view(), iv("1h"), iv("4h")), core::Error);

  Candles misaligned;
  misaligned.push_back({kJan1 + 30 * kMinuteMs, 1, 1, 1, 1, 1, 1});
  EXPECT_THROW(resample(misaligned.view(), iv("1h"), iv("4h")), core::Error);
}

TEST(Resample, EmptyInput) {
  const Candles src;
  const ResampleResult r = resample(src.view(), iv("1h"), iv("4h"));
  EXPECT_TRUE(r.bars.empty());
  EXPECT_EQ(r.source_bars, 0u);
  EXPECT_EQ(r.dropped_leading + r.dropped_trailing, 0u);
}

TEST(Resample, InputShorterThanOneBucket) {
  // Starting on the bucket's open: the bucket is just not finished yet (trailing).
  const ResampleResult unfinished = resample(ramp(kJan1, kHourMs, 3).view(), iv("1h"), iv("4h"));
  EXPECT_TRUE(unfinished.bars.empty());
  EXPECT_EQ(unfinished.dropped_trailing, 3u);
  EXPECT_EQ(unfinished.dropped_leading, 0u);
  // Starting after it: the bucket lacks its open (leading).
  const ResampleResult late =
      resample(ramp(kJan1 + kHourMs, kHourMs, 3).view(), iv("1h"), iv("4h"));
  EXPECT_TRUE(late.bars.empty());
  EXPECT_EQ(late.dropped_leading, 3u);
  EXPECT_EQ(late.dropped_trailing, 0u);
  // Exactly one whole bucket is kept.
  const ResampleResult whole = resample(ramp(kJan1, kHourMs, 4).view(), iv("1h"), iv("4h"));
  ASSERT_EQ(whole.bars.size(), 1u);
  expect_bar(whole.bars.bar(0), {kJan1, 100, 105, 99, 104, 4, 8});
}

}  // namespace
}  // namespace organism::data
