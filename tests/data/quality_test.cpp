#include "data/quality.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace organism::data {
namespace {

using core::Interval;
using core::kHourMs;
using core::kMinuteMs;

constexpr TimeMs kJan1 = 1704067200000;  // 2024-01-01 00:00 UTC

const Interval kHour = Interval::parse_or_throw("1h");

TimeMs at(double hours) {
  return kJan1 + static_cast<TimeMs>(hours * static_cast<double>(kHourMs));
}

// A series with the given times and closes (open = close, high/low 1% around it), volume 1
// unless given.
Candles series(const std::vector<TimeMs>& times, const std::vector<double>& closes,
               const std::vector<double>& volumes = {}) {
  Candles c;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double p = closes[i];
    c.push_back({times[i], p, p * 1.01, p * 0.99, p, volumes.empty() ? 1.0 : volumes[i], 10});
  }
  return c;
}

// Closes rising smoothly by 1 from 100: returns shrink slowly, so none stands out.
std::vector<double> smooth(std::size_t n) {
  std::vector<double> closes;
  for (std::size_t i = 0; i < n; ++i) closes.push_back(100.0 + static_cast<double>(i));
  return closes;
}

std::vector<TimeMs> hours(std::initializer_list<double> offsets) {
  std::vector<TimeMs> times;
  for (double h : offsets) times.push_back(at(h));
  return times;
}

TEST(Quality, CleanSeriesIsClean) {
  const Candles c = series(hours({0, 1, 2, 3, 4, 5}), smooth(6));
  const QualityReport r = check_quality(c.view(), kHour);
  EXPECT_TRUE(r.clean());
  EXPECT_EQ(r.bars, 6u);
  EXPECT_GT(r.robust_sigma, 0);
  EXPECT_FALSE(r.sigma_from_mean_deviation);
  EXPECT_NE(
      format_quality(r, {"hyperliquid", "BTC", kHour}).find("hyperliquid:BTC:1h: 6 bars, clean"),
      std::string::npos);
  EXPECT_EQ(quality_to_json(r)["clean"], true);
}

TEST(Quality, GapWithMissingCount) {
  const Candles c = series(hours({0, 1, 2, 6, 7}), smooth(5));
  const QualityReport r = check_quality(c.view(), kHour);
  ASSERT_EQ(r.gaps.size(), 1u);
  EXPECT_EQ(r.gaps[0].after, at(2));
  EXPECT_EQ(r.gaps[0].before, at(6));
  EXPECT_EQ(r.gaps[0].missing, 3);
  EXPECT_TRUE(r.duplicates.empty());
  EXPECT_TRUE(r.out_of_order.empty());
  EXPECT_TRUE(r.misaligned.empty());
  EXPECT_FALSE(r.clean());
}

TEST(Quality, DuplicateTime) {
  const Candles c = series(hours({0, 1, 1, 2}), {100, 101, 101, 102});
  const QualityReport r = check_quality(c.view(), kHour);
  EXPECT_EQ(r.duplicates, std::vector<TimeMs>{at(1)});
  EXPECT_TRUE(r.out_of_order.empty());  // equal is not earlier
  EXPECT_TRUE(r.gaps.empty());
}

TEST(Quality, OutOfOrderRowIsNotAlsoAGap) {
  const Candles c = series(hours({0, 1, 3, 2, 4}), smooth(5));
  const QualityReport r = check_quality(c.view(), kHour);
  EXPECT_EQ(r.out_of_order, std::vector<std::size_t>{3});
  EXPECT_TRUE(r.gaps.empty());
  EXPECT_TRUE(r.duplicates.empty());
}

TEST(Quality, MisalignedTime) {
  const Candles c = series(hours({0, 1, 1.5, 2}), smooth(4));
  const QualityReport r = check_quality(c.view(), kHour);
  EXPECT_EQ(r.misaligned, std::vector<TimeMs>{at(1.5)});
  EXPECT_TRUE(r.gaps.empty());

  // Gaps count grid slots without an aligned bar: 01:00 and 02:00 here.
  const QualityReport off = check_quality(series(hours({0, 1.5, 3}), smooth(3)).view(), kHour);
  EXPECT_EQ(off.misaligned, std::vector<TimeMs>{at(1.5)});
  ASSERT_EQ(off.gaps.size(), 1u);
  EXPECT_EQ(off.gaps[0].missing, 2);
}

TEST(Quality, PlantedSpikeIsFlaggedWithItsRobustZ) {
  // Log returns: +-0.01 alternating, then a close that jumps by e^0.5 and falls back.
  const std::vector<double> returns{0.01, -0.01, 0.01, -0.01, 0.01, -0.01,
                                    0.01, -0.01, 0.01, 0.5,   -0.5};
  std::vector<double> closes{100};
  for (double x : returns) closes.push_back(closes.back() * std::exp(x));
  std::vector<TimeMs> times;
  for (std::size_t i = 0; i < closes.size(); ++i) times.push_back(at(static_cast<double>(i)));
  const QualityReport r = check_quality(series(times, closes).view(), kHour);

  // Sorted returns: -0.5, -0.01 x4, 0.01 x5, 0.5 -> median 0.01. Deviations from it: 0 x5,
  // 0.02 x4, 0.49, 0.51 -> MAD 0.02, sigma 1.4826 * 0.02.
  const double sigma = 1.4826 * 0.02;
  EXPECT_NEAR(r.median_return, 0.01, 1e-12);
  EXPECT_NEAR(r.robust_sigma, sigma, 1e-12);
  EXPECT_FALSE(r.sigma_from_mean_deviation);
  ASSERT_EQ(r.outliers.size(), 2u);
  EXPECT_EQ(r.outliers[0].index, 10u);
  EXPECT_EQ(r.outliers[0].time, at(10));
  EXPECT_NEAR(r.outliers[0].log_return, 0.5, 1e-12);
  EXPECT_NEAR(r.outliers[0].robust_z, 0.49 / sigma, 1e-9);  // 16.53
  EXPECT_EQ(r.outliers[1].index, 11u);
  EXPECT_NEAR(r.outliers[1].robust_z, -0.51 / sigma, 1e-9);  // -17.20

  // A 17-sigma threshold keeps only the larger deviation.
  const QualityReport loose = check_quality(series(times, closes).view(), kHour, {17.0, 1});
  ASSERT_EQ(loose.outliers.size(), 1u);
  EXPECT_EQ(loose.outliers[0].index, 11u);
}

TEST(Quality, EvenCountMedianAveragesTheMiddlePair) {
  const std::vector<double> returns{0.01, -0.01, 0.03, -0.03};
  std::vector<double> closes{100};
  for (double x : returns) closes.push_back(closes.back() * std::exp(x));
  const QualityReport r = check_quality(series(hours({0, 1, 2, 3, 4}), closes).view(), kHour);
  // Median of -0.03 -0.01 0.01 0.03 is 0; deviations 0.01 0.01 0.03 0.03 have median 0.02.
  EXPECT_NEAR(r.median_return, 0.0, 1e-12);
  EXPECT_NEAR(r.robust_sigma, 1.4826 * 0.02, 1e-12);
}

TEST(Quality, ReturnsAcrossDuplicateOrOutOfOrderRowsAreSkipped) {
  // The second 01:00 row has a wild close; the jump onto it happens within the duplicate pair.
  const Candles c = series(hours({0, 1, 1, 2, 3}), {100, 100, 500, 100, 100});
  const QualityReport r = check_quality(c.view(), kHour);
  // Returns kept: 0->1 (0), 1'->2 (ln 0.2), 2->3 (0); the 1->1' pair is skipped.
  EXPECT_EQ(r.duplicates, std::vector<TimeMs>{at(1)});
  EXPECT_NEAR(r.median_return, 0.0, 1e-12);
  EXPECT_TRUE(r.sigma_from_mean_deviation);
}

TEST(Quality, ZeroVolumeRuns) {
  const Candles c = series(hours({0, 1, 2, 3, 4, 5, 6, 7}), smooth(8), {1, 0, 1, 1, 0, 0, 0, 1});
  const QualityReport r = check_quality(c.view(), kHour);
  ASSERT_EQ(r.zero_volume_runs.size(), 2u);
  EXPECT_EQ(r.zero_volume_runs[0].first, at(1));
  EXPECT_EQ(r.zero_volume_runs[0].last, at(1));
  EXPECT_EQ(r.zero_volume_runs[0].bars, 1u);
  EXPECT_EQ(r.zero_volume_runs[1].first, at(4));
  EXPECT_EQ(r.zero_volume_runs[1].last, at(6));
  EXPECT_EQ(r.zero_volume_runs[1].bars, 3u);

  const QualityReport longer = check_quality(c.view(), kHour, {10.0, 2});
  ASSERT_EQ(longer.zero_volume_runs.size(), 1u);
  EXPECT_EQ(longer.zero_volume_runs[0].bars, 3u);

  // A run that reaches the last row is closed too.
  const Candles tail = series(hours({0, 1, 2}), smooth(3), {1, 0, 0});
  const QualityReport t = check_quality(tail.view(), kHour);
  ASSERT_EQ(t.zero_volume_runs.size(), 1u);
  EXPECT_EQ(t.zero_volume_runs[0].last, at(2));
}

TEST(Quality, FlatSeriesHasZeroSigmaAndNoOutliers) {
  std::vector<TimeMs> times;
  for (int i = 0; i < 50; ++i) times.push_back(at(i));
  const QualityReport r =
      check_quality(series(times, std::vector<double>(50, 100.0)).view(), kHour);
  EXPECT_EQ(r.robust_sigma, 0.0);
  EXPECT_EQ(r.median_return, 0.0);
  EXPECT_TRUE(r.sigma_from_mean_deviation);
  EXPECT_TRUE(r.outliers.empty());
  EXPECT_TRUE(r.clean());
}

TEST(Quality, MostlyFlatSeriesFallsBackToMeanDeviation) {
  // 100 flat closes with one 10% spike at bar 50: 99 returns, 97 of them 0, so the MAD is 0.
  // Fallback sigma = 1.2533 * (2 ln 1.1 / 99), so |z| = ln 1.1 / sigma = 99 / (2 * 1.2533).
  std::vector<TimeMs> times;
  for (int i = 0; i < 100; ++i) times.push_back(at(i));
  std::vector<double> closes(100, 100.0);
  closes[50] = 110.0;
  const QualityReport r = check_quality(series(times, closes).view(), kHour);
  EXPECT_TRUE(r.sigma_from_mean_deviation);
  EXPECT_NEAR(r.robust_sigma, 1.2533 * 2 * std::log(1.1) / 99, 1e-12);
  ASSERT_EQ(r.outliers.size(), 2u);
  EXPECT_EQ(r.outliers[0].index, 50u);
  EXPECT_NEAR(r.outliers[0].robust_z, 99 / (2 * 1.2533), 1e-9);  // 39.50
  EXPECT_EQ(r.outliers[1].index, 51u);
  EXPECT_NEAR(r.outliers[1].robust_z, -99 / (2 * 1.2533), 1e-9);

  // With only 20 bars the same spike is 19 / 2.5066 = 7.6 sigma: below the default threshold.
  std::vector<double> few(20, 100.0);
  few[10] = 110.0;
  times.resize(20);
  EXPECT_TRUE(check_quality(series(times, few).view(), kHour).outliers.empty());
}

TEST(Quality, EmptyAndSingleBarInputs) {
  const Candles none;
  const QualityReport r = check_quality(none.view(), kHour);
  EXPECT_EQ(r.bars, 0u);
  EXPECT_TRUE(r.clean());
  EXPECT_TRUE(check_quality(series(hours({0}), {100}).view(), kHour).clean());
}

TEST(Quality, WorksOnMinuteAndMonthGrids) {
  const Interval minute = Interval::parse_or_throw("1m");
  const Candles c = series({kJan1, kJan1 + kMinuteMs, kJan1 + 4 * kMinuteMs}, smooth(3));
  const QualityReport r = check_quality(c.view(), minute);
  ASSERT_EQ(r.gaps.size(), 1u);
  EXPECT_EQ(r.gaps[0].missing, 2);

  const Interval month = Interval::parse_or_throw("1M");
  // 2024-01-01, 2024-02-01, 2024-04-01: March is missing.
  const Candles m = series({kJan1, 1706745600000, 1711929600000}, smooth(3));
  const QualityReport q = check_quality(m.view(), month);
  ASSERT_EQ(q.gaps.size(), 1u);
  EXPECT_EQ(q.gaps[0].missing, 1);
  EXPECT_TRUE(q.misaligned.empty());
}

TEST(Quality, FormatListsUpToMaxItems) {
  // Five separate zero-volume bars, a gap and a duplicate.
  const Candles c = series(hours({0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 12}), smooth(11),
                           {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1});
  const QualityReport r = check_quality(c.view(), kHour);
  const std::string text = format_quality(r, {"hyperliquid", "ETH", kHour}, 2);
  EXPECT_NE(text.find("zero-volume runs: 5 (5 bars)"), std::string::npos) << text;
  EXPECT_NE(text.find("  2024-01-01 00:00:00 .. 2024-01-01 00:00:00: 1 bar\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  ... and 3 more"), std::string::npos) << text;
  EXPECT_NE(text.find("gaps: 1 (3 bars missing)"), std::string::npos) << text;
  EXPECT_NE(text.find("2024-01-01 08:00:00 -> 2024-01-01 12:00:00: 3 missing"), std::string::npos)
      << text;
  EXPECT_NE(text.find("duplicate times: 1"), std::string::npos) << text;
  EXPECT_NE(text.find("11 bars, 7 findings"), std::string::npos) << text;

  const nlohmann::json j = quality_to_json(r);
  EXPECT_EQ(j["bars"], 11);
  EXPECT_EQ(j["clean"], false);
  EXPECT_EQ(j["zero_volume_runs"].size(), 5u);
  EXPECT_EQ(j["gaps"][0]["missing"], 3);
  EXPECT_EQ(j["gaps"][0]["after"], at(8));
  EXPECT_EQ(j["duplicates"][0], at(8));
  EXPECT_EQ(j["outlier_sigmas"], 10.0);
  EXPECT_TRUE(j.contains("robust_sigma"));
}

}  // namespace
}  // namespace organism::data
