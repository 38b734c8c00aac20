// Bars given as arrays (the Python module's input): the importer's rules, each failure naming the
// array and the index; the interval from the smallest step; targets within [-1, 1].
#include "data/bar_arrays.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace organism::data {
namespace {

struct Columns {
  std::vector<core::TimeMs> time{0, 3'600'000, 7'200'000, 10'800'000};
  std::vector<double> open{10, 11, 12, 13}, high{11, 12, 13, 14}, low{9, 10, 11, 12}, close{10.5, 11.5, 12.5, 13.5};
  std::vector<double> volume{1, 2, 3, 4};
  std::vector<std::int64_t> trades = std::vector<std::int64_t>(4, kUnknownTrades);
  CandleView view() const { return {time, open, high, low, close, volume, trades}; }
};

std::string message_of(const Columns& c) {
  try {
    check_bars(c.view());
  } catch (const core::UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(BarArrays, GoodBarsPass) { EXPECT_EQ(message_of(Columns{}), ""); }

TEST(BarArrays, EachRuleNamesTheArrayAndIndex) {
  Columns c;
  c.close[2] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(message_of(c), "close[2] = nan is not finite");
  c = {};
  c.low[1] = -1;
  EXPECT_EQ(message_of(c), "low[1] = -1 is not positive");
  c = {};
  c.volume[3] = -2;
  EXPECT_EQ(message_of(c), "volume[3] = -2 is negative");
  c = {};
  c.time[2] = c.time[1];
  EXPECT_EQ(message_of(c), "time[2] = 3600000 is not after time[1] = 3600000: bars must be in time order, once each");
  c = {};
  c.high[0] = 10.2;
  EXPECT_EQ(message_of(c), "high[0] = 10.2 is below max(open, close) = 10.5");
  c = {};
  c.low[0] = 10.6;
  EXPECT_EQ(message_of(c), "low[0] = 10.6 is above min(open, close) = 10");
  c = {};
  c.open.pop_back();
  EXPECT_EQ(message_of(c), "open has 3 values but time has 4");
  c = {};
  c.time.clear();
  EXPECT_EQ(message_of(c), "no bars: the input is empty");
}

TEST(BarArrays, CloseIsNamedBeforeTheColumnsThatDefaultToIt) {
  Columns c;
  c.close[1] = 0;
  c.open = c.high = c.low = c.close;  // a close-only input: open, high and low are the close
  EXPECT_EQ(message_of(c), "close[1] = 0 is not positive");
}

TEST(BarArrays, IntervalFromTheSmallestStep) {
  const std::vector<core::TimeMs> hourly_with_gap{0, 3'600'000, 14'400'000, 18'000'000};
  EXPECT_EQ(interval_of(hourly_with_gap).name(), "1h");
  EXPECT_EQ(smallest_step(hourly_with_gap), 3'600'000);
  EXPECT_THROW(interval_of(std::vector<core::TimeMs>{0}), core::UsageError);
  EXPECT_THROW(interval_of(std::vector<core::TimeMs>{0, 7}), core::UsageError);  // 7 ms is no interval
}

TEST(BarArrays, TargetsAreFiniteAndWithinOne) {
  const std::vector<double> good{-1, 0, 0.5, 1};
  EXPECT_NO_THROW(check_targets(good, "targets"));
  try {
    check_targets(std::vector<double>{0, 1.5}, "targets");
    FAIL() << "1.5 accepted";
  } catch (const core::UsageError& e) {
    EXPECT_STREQ(e.what(), "targets[1] = 1.5 is outside [-1, 1]");
  }
  EXPECT_THROW(check_targets(std::vector<double>{std::nan("")}, "targets"), core::UsageError);
}

}  // namespace
}  // namespace organism::data
