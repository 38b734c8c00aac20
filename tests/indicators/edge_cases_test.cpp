// Edge cases across every default column: series shorter than the window, empty series, flat
// prices (no division by zero anywhere), time gaps, and huge or tiny price levels.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "indicators/indicator_set.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

using core::kDayMs;
using core::kHourMs;

data::Candles walk(std::size_t n, double scale = 1.0, double vol_scale = 1.0,
                   std::int64_t gap_after = -1) {
  std::vector<double> h, l, c, v;
  std::vector<std::int64_t> t;
  double p = 100;
  std::int64_t time = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(i);
    p *= 1 + 0.01 * std::sin(x * 1.7) * std::cos(x * 0.13);
    c.push_back(p * scale);
    h.push_back(p * (1 + 0.004 * (1 + std::sin(x * 0.9))) * scale);
    l.push_back(p * (1 - 0.004 * (1 + std::cos(x * 1.1))) * scale);
    v.push_back((i % 11 == 0 ? 0.0 : 3 + std::sin(x)) * vol_scale);
    t.push_back(time);
    time += static_cast<std::int64_t>(i) == gap_after ? 3 * kDayMs + 7 * kHourMs : kHourMs;
  }
  return test::make_candles(h, l, c, v, t);
}

TEST(EdgeCases, EmptyAndOneBarSeries) {
  data::Candles empty;
  for (const auto& col : compute_columns(empty.view(), default_columns())) {
    EXPECT_TRUE(col.values.empty()) << col.name;
  }
  const auto one = walk(1);
  for (const auto& col : compute_columns(one.view(), default_columns())) {
    ASSERT_EQ(col.values.size(), 1u);
    // Only the columns without warm-up have a value on the first bar.
    const bool defined = col.name == "vwap_session" || col.name == "obv";
    EXPECT_EQ(std::isfinite(col.values[0]), defined) << col.name;
  }
}

TEST(EdgeCases, SeriesShorterThanTheWindowIsAllNaN) {
  const auto bars = walk(10);
  const std::set<std::string> defined_somewhere{
      "sma_5", "ema_5", "wma_5", "tr", "ichimoku_tenkan_9", "vwap_session", "obv"};
  for (const auto& col : compute_columns(bars.view(), default_columns())) {
    EXPECT_EQ(test::all_nan(col.values), !defined_somewhere.contains(col.name)) << col.name;
  }
}

class FlatPrices : public ::testing::TestWithParam<double> {};

TEST_P(FlatPrices, EveryColumnIsDefinedAndDocumentedValuesHold) {
  const double c = GetParam();
  const std::size_t n = 200;
  const auto bars = test::make_candles(std::vector<double>(n, c), std::vector<double>(n, c),
                                       std::vector<double>(n, c), std::vector<double>(n, 2.0));
  const auto names = default_columns();
  const auto cols = compute_columns(bars.view(), names);
  std::map<std::string, const std::vector<double>*> by;
  for (const auto& col : cols) {
    by[col.name] = &col.values;
    for (std::size_t i = 80; i < n; ++i) ASSERT_TRUE(std::isfinite(col.values[i])) << col.name;
  }
  const auto at = [&](const char* name) { return by.at(name)->back(); };
  EXPECT_EQ(at("rsi_14"), 50.0);
  EXPECT_EQ(at("stoch_k_14_3_3"), 50.0);
  EXPECT_EQ(at("stoch_d_14_3_3"), 50.0);
  EXPECT_EQ(at("willr_14"), -50.0);
  EXPECT_EQ(at("cci_20"), 0.0);
  EXPECT_EQ(at("zscore_20"), 0.0);
  EXPECT_EQ(at("stddev_20"), 0.0);
  EXPECT_EQ(at("bb_upper_20_2"), at("bb_mid_20_2"));
  EXPECT_EQ(at("bb_lower_20_2"), at("bb_mid_20_2"));
  EXPECT_EQ(at("tr"), 0.0);
  EXPECT_EQ(at("atr_14"), 0.0);
  EXPECT_EQ(at("adx_14"), 0.0);
  EXPECT_EQ(at("donchian_high_20"), c);
  EXPECT_EQ(at("donchian_low_20"), c);
  EXPECT_EQ(at("ichimoku_tenkan_9"), c);
  EXPECT_EQ(at("ichimoku_senkou_b_52_26"), c);
  EXPECT_EQ(at("obv"), 2.0);  // the first bar's volume, never changed by an equal close
  EXPECT_NEAR(at("macd_12_26_9"), 0.0, 1e-14 * c);
  EXPECT_NEAR(at("sma_50"), c, 1e-14 * c);
  EXPECT_NEAR(at("vwap_20"), c, 1e-14 * c);
  EXPECT_NEAR(at("vwap_session"), c, 1e-14 * c);
}

INSTANTIATE_TEST_SUITE_P(Levels, FlatPrices, ::testing::Values(0.1, 1e-9, 123456.789, 7.0, 1e12));

TEST(EdgeCases, TimeGapsOnlyMatterForTheSessionVwap) {
  // The same bars, once hourly without a break and once with a gap of three days and seven hours
  // after bar 150: indicators count bars, not hours, so only the UTC-day anchor sees the gap.
  const auto plain = walk(400);
  const auto gapped = walk(400, 1.0, 1.0, 150);
  const auto a = compute_columns(plain.view(), default_columns());
  const auto b = compute_columns(gapped.view(), default_columns());
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k].name == "vwap_session") {
      EXPECT_SAME_SERIES(std::span(a[k].values).first(151), std::span(b[k].values).first(151),
                         "vwap before the gap");
      EXPECT_NE(test::first_mismatch(a[k].values, b[k].values), -1);
      continue;
    }
    EXPECT_SAME_SERIES(a[k].values, b[k].values, a[k].name);
  }
}

// Columns in price units scale with the price; the rest (oscillators, OBV) do not move.
bool price_unit(const std::string& name) {
  for (const char* p : {"sma", "ema", "wma", "macd", "bb_", "tr", "atr", "donchian", "ichimoku",
                        "vwap", "stddev"}) {
    if (name.starts_with(p)) return true;
  }
  return false;
}

TEST(EdgeCases, HugeAndTinyPricesScaleExactlyByPowersOfTwo) {
  // Multiplying every price by 2^k changes no rounding, so each column must scale by exactly 2^k
  // (price units) or stay bit for bit the same (ratios): nothing overflows, underflows or
  // divides by zero at 1e-16 or 1e20.
  const auto base = walk(3000);
  const auto ref = compute_columns(base.view(), default_columns());
  for (const int k : {-60, 60}) {
    const double s = std::ldexp(1.0, k);
    const auto scaled = walk(3000, s);
    const auto got = compute_columns(scaled.view(), default_columns());
    for (std::size_t j = 0; j < ref.size(); ++j) {
      std::vector<double> want = ref[j].values;
      if (price_unit(ref[j].name)) {
        for (auto& x : want) x *= s;
      }
      EXPECT_SAME_SERIES(got[j].values, want, ref[j].name + " at 2^" + std::to_string(k));
    }
  }
}

TEST(EdgeCases, HugeAndTinyDecimalPricesAndVolumes) {
  const auto base = walk(3000);
  const auto ref = compute_columns(base.view(), default_columns());
  for (const double s : {1e-8, 1e9}) {
    const auto scaled = walk(3000, s, 1 / s);
    const auto got = compute_columns(scaled.view(), default_columns());
    for (std::size_t j = 0; j < ref.size(); ++j) {
      const double unit = price_unit(ref[j].name) ? s : ref[j].name == "obv" ? 1 / s : 1.0;
      for (std::size_t i = 0; i < ref[j].values.size(); ++i) {
        const double want = ref[j].values[i] * unit;
        if (std::isnan(want)) {
          ASSERT_TRUE(std::isnan(got[j].values[i])) << ref[j].name << " " << i;
          continue;
        }
        // Oscillators near 0 (a histogram, a z-score) are compared on their own scale.
        const double tol = 1e-9 * (std::fabs(want) + (price_unit(ref[j].name) ? 100 * s : 1.0));
        ASSERT_NEAR(got[j].values[i], want, tol) << ref[j].name << " " << i << " scale " << s;
      }
    }
  }
}

}  // namespace
}  // namespace organism::indicators
