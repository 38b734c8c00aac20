#include "core/time.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace organism::core {
namespace {

TEST(Interval, ParsesEveryHyperliquidName) {
  for (const char* name : {"1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "8h", "12h", "1d", "3d",
                           "1w", "1M"}) {
    auto iv = Interval::parse(name);
    ASSERT_TRUE(iv.has_value()) << name;
    EXPECT_EQ(iv->name(), name);
  }
  EXPECT_FALSE(Interval::parse("2m").has_value());
  EXPECT_FALSE(Interval::parse("1H").has_value());
  EXPECT_FALSE(Interval::parse("").has_value());
  EXPECT_THROW(Interval::parse_or_throw("7h"), UsageError);
}

TEST(Interval, FixedLengths) {
  EXPECT_EQ(Interval::parse("1m")->nominal_ms(), 60'000);
  EXPECT_EQ(Interval::parse("4h")->nominal_ms(), 4 * 3'600'000);
  EXPECT_EQ(Interval::parse("1d")->nominal_ms(), 86'400'000);
  EXPECT_DOUBLE_EQ(Interval::parse("1h")->bars_per_year(), 8760.0);
  EXPECT_EQ(Interval::from_ms(3'600'000)->name(), "1h");
  EXPECT_FALSE(Interval::from_ms(7 * 60'000).has_value());
}

TEST(Interval, BucketsAlignToEpochWeeksToMondayMonthsToTheFirst) {
  const Interval h4 = *Interval::parse("4h");
  // 2024-01-01 05:30 UTC = 1704087000000 -> 04:00 = 1704081600000
  EXPECT_EQ(h4.bucket_start(1704087000000), 1704081600000);
  EXPECT_TRUE(h4.is_aligned(1704081600000));
  EXPECT_FALSE(h4.is_aligned(1704087000000));
  const Interval w = *Interval::parse("1w");
  // 2024-01-03 (Wednesday) 12:00 -> Monday 2024-01-01 00:00 = 1704067200000
  EXPECT_EQ(w.bucket_start(1704283200000), 1704067200000);
  const Interval mo = *Interval::parse("1M");
  // 2024-02-15 -> 2024-02-01 = 1706745600000; next month starts 2024-03-01 = 1709251200000
  EXPECT_EQ(mo.bucket_start(1707955200000), 1706745600000);
  EXPECT_EQ(mo.next(1706745600000), 1709251200000);  // leap February: 29 days
  EXPECT_EQ(mo.steps_between(1706745600000, 1709251200000), 1);
  // Times before the epoch floor downwards, not towards zero.
  EXPECT_EQ(Interval::parse("1h")->bucket_start(-1), -3'600'000);
}

TEST(FormatUtc, PrintsCalendarTime) {
  EXPECT_EQ(format_utc(0), "1970-01-01 00:00:00");
  EXPECT_EQ(format_utc(1709251200000 + 3'723'000), "2024-03-01 01:02:03");
}

}  // namespace
}  // namespace organism::core
