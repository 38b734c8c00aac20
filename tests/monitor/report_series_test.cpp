// Downsampling that keeps extremes, stages chained into one curve, calendar-month returns.
#include "monitor/report_series.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace organism::monitor {
namespace {

TEST(Downsample, ShortSeriesKeepEveryPoint) {
  const std::vector<double> y = {3, 1, 2};
  const std::array<std::span<const double>, 1> s = {y};
  EXPECT_EQ(downsample_indices(s, 3, 5000), (std::vector<std::size_t>{0, 1, 2}));
}

TEST(Downsample, LongSeriesStayUnderTheCapAndKeepSpikesAndEnds) {
  const std::size_t n = 100'000;
  std::vector<double> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = std::sin(static_cast<double>(i) / 300);
    b[i] = -0.1 * std::cos(static_cast<double>(i) / 70);
  }
  a[31'337] = 50;  // a spike in one series
  b[77'777] = -9;  // a trough in the other
  const std::array<std::span<const double>, 2> s = {a, b};
  const auto idx = downsample_indices(s, n, 5000);
  EXPECT_LE(idx.size(), 5000u);
  EXPECT_GT(idx.size(), 2500u);  // argmin and argmax of the two series often coincide
  EXPECT_TRUE(std::is_sorted(idx.begin(), idx.end()));
  EXPECT_EQ(std::adjacent_find(idx.begin(), idx.end()), idx.end());
  EXPECT_EQ(idx.front(), 0u);
  EXPECT_EQ(idx.back(), n - 1);
  EXPECT_TRUE(std::binary_search(idx.begin(), idx.end(), 31'337u));
  EXPECT_TRUE(std::binary_search(idx.begin(), idx.end(), 77'777u));
}

TEST(ChainStages, LaterStagesStartWhereTheLastEndedAndDrawdownResetsPerStage) {
  std::vector<StageCurve> stages(2);
  stages[0] = {"in_sample", {1, 2, 3}, {110, 99, 121}, {}};
  stages[1] = {"out_of_sample", {5, 6}, {90, 100}, {}};
  const auto c = chain_stages(stages, 100);
  EXPECT_EQ(c.time, (std::vector<core::TimeMs>{1, 2, 3, 5, 6}));
  ASSERT_EQ(c.equity.size(), 5u);
  EXPECT_DOUBLE_EQ(c.equity[2], 121);
  EXPECT_DOUBLE_EQ(c.equity[3], 90 * 1.21);  // stage 2 scaled by stage 1's growth
  EXPECT_DOUBLE_EQ(c.equity[4], 100 * 1.21);
  EXPECT_DOUBLE_EQ(c.drawdown[0], 0);
  EXPECT_DOUBLE_EQ(c.drawdown[1], 99.0 / 110 - 1);
  EXPECT_DOUBLE_EQ(c.drawdown[3], -0.1);  // from the stage's own start (initial equity 100)
  EXPECT_DOUBLE_EQ(c.drawdown[4], 0);
  EXPECT_EQ(c.stage_begin, (std::vector<std::size_t>{0, 3}));
}

TEST(MonthlyReturns, HandComputed) {
  // 2022-12-15, 2023-01-05, 2023-01-31 23:00, 2023-02-01, 2023-02-10, 2023-03-02 (UTC).
  const std::vector<core::TimeMs> t = {1671062400000, 1672876800000, 1675206000000,
                                       1675209600000, 1675987200000, 1677715200000};
  const std::vector<double> eq = {102, 105, 110, 101, 99, 108.9};
  const auto m = monthly_returns(t, eq, 100);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].year, 2022);
  EXPECT_EQ(m[0].month, 12);
  EXPECT_NEAR(m[0].value, 0.02, 1e-12);  // 102 / 100 - 1
  EXPECT_EQ(m[1].year, 2023);
  EXPECT_EQ(m[1].month, 1);
  EXPECT_NEAR(m[1].value, 110.0 / 102 - 1, 1e-12);  // last of January over last of December
  EXPECT_EQ(m[2].month, 2);
  EXPECT_NEAR(m[2].value, -0.1, 1e-12);  // 99 / 110 - 1
  EXPECT_EQ(m[3].month, 3);
  EXPECT_NEAR(m[3].value, 0.1, 1e-12);  // 108.9 / 99 - 1
  EXPECT_TRUE(monthly_returns({}, {}, 100).empty());
}

}  // namespace
}  // namespace organism::monitor
