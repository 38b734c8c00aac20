#include "indicators/funding.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "core/time.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

using core::kHourMs;

TEST(Funding, AlignsSettlementsToBarClosesWithoutLookAhead) {
  // Hourly bars opening at 0h 1h 2h 3h close at 1h 2h 3h 4h.
  const std::vector<core::TimeMs> open{0, kHourMs, 2 * kHourMs, 3 * kHourMs};
  data::FundingSeries f;
  // 1h: known at bar 0's close, so bar 0 sees it. 2h + 1 ms: after bar 1's close, first seen by
  // bar 2, together with the 3h settlement that lands exactly on bar 2's close.
  f.time = {kHourMs, 2 * kHourMs + 1, 3 * kHourMs};
  f.rate = {1e-4, 2e-4, 4e-4};
  const auto s = funding_features(open, kHourMs, f, 2);
  EXPECT_EQ(s.rate[0], 1e-4);
  EXPECT_TRUE(std::isnan(s.mean[0]));  // one settlement of the two the window needs
  EXPECT_EQ(s.rate[1], 1e-4);          // 2h+1ms is not known at 2h
  EXPECT_TRUE(std::isnan(s.mean[1]));
  EXPECT_EQ(s.rate[2], 4e-4);
  // Last two settlements 2e-4 and 4e-4: mean 3e-4, population stddev 1e-4, z = (4e-4 - 3e-4)/1e-4.
  EXPECT_NEAR(s.mean[2], 3e-4, 1e-19);
  EXPECT_NEAR(s.zscore[2], 1.0, 1e-12);
  EXPECT_EQ(s.rate[3], 4e-4);  // nothing new: the last known values carry on
  EXPECT_TRUE(test::same(s.zscore[3], s.zscore[2]));
}

TEST(Funding, BarsBeforeTheFirstSettlementAreNaNAndFlatRatesGiveZeroZ) {
  const std::vector<core::TimeMs> open{0, kHourMs, 2 * kHourMs, 3 * kHourMs};
  data::FundingSeries f;
  f.time = {2 * kHourMs, 3 * kHourMs, 4 * kHourMs};
  f.rate = {1e-5, 1e-5, 1e-5};
  const auto s = funding_features(open, kHourMs, f, 2);
  EXPECT_TRUE(std::isnan(s.rate[0]));
  EXPECT_EQ(s.rate[1], 1e-5);
  EXPECT_EQ(s.zscore[2], 0.0);
  EXPECT_EQ(s.zscore[3], 0.0);
}

TEST(Funding, StreamingEqualsBatchAndRejectsDisorder) {
  data::FundingSeries f;
  for (int i = 0; i < 200; ++i) {
    f.time.push_back(i * 8 * kHourMs);
    f.rate.push_back(1e-4 * std::sin(i * 0.3));
  }
  std::vector<core::TimeMs> open;
  for (int i = 0; i < 1600; ++i) open.push_back(i * kHourMs);
  const auto s = funding_features(open, kHourMs, f, 21);
  FundingFeatures live(21);
  std::size_t j = 0;
  for (std::size_t i = 0; i < open.size(); ++i) {
    while (j < f.size() && f.time[j] <= open[i] + kHourMs) {
      live.add_settlement(f.time[j], f.rate[j]);
      ++j;
    }
    EXPECT_TRUE(test::same(live.value().mean, s.mean[i]));
    EXPECT_TRUE(test::same(live.value().zscore, s.zscore[i]));
  }
  EXPECT_THROW(live.add_settlement(0, 1e-4), std::invalid_argument);
}

}  // namespace
}  // namespace organism::indicators
