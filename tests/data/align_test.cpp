// Sentiment alignment: each bar sees the latest value published at or before its open.
#include "data/align.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace organism::data {
namespace {

TEST(Sentiment, LatestValueAtOrBeforeTheBarOpen) {
  constexpr core::TimeMs kDay = 86'400'000, kH = 3'600'000;
  data::SentimentSeries s;
  s.source = "fear_greed";
  s.time = {kDay, 2 * kDay, 4 * kDay};
  s.value = {30, 60, 90};
  s.classification = {"Fear", "Greed", "Extreme Greed"};
  const std::vector<core::TimeMs> bars = {kDay - kH, kDay,     kDay + kH,        2 * kDay - kH,
                                          2 * kDay,  3 * kDay, 4 * kDay + 5 * kH};
  const auto v = sentiment_per_bar(bars, s);
  EXPECT_TRUE(std::isnan(v[0]));  // before the first value
  EXPECT_EQ(v[1], 30);            // published at the open itself
  EXPECT_EQ(v[2], 30);
  EXPECT_EQ(v[3], 30);  // the next day's value is not known yet
  EXPECT_EQ(v[4], 60);
  EXPECT_EQ(v[5], 60);  // a missing day keeps the last value
  EXPECT_EQ(v[6], 90);
}

}  // namespace
}  // namespace organism::data
