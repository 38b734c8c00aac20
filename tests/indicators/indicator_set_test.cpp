#include "indicators/indicator_set.hpp"

#include <gtest/gtest.h>

#include <map>

#include "core/error.hpp"
#include "indicators/adx.hpp"
#include "indicators/macd.hpp"
#include "indicators/moving_average.hpp"
#include "indicators/returns.hpp"
#include "indicators/statistics.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

using core::kHourMs;

data::Candles synthetic(std::size_t n) {
  std::vector<double> h, l, c, v;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(i);
    c.push_back(100 + 8 * std::sin(x * 0.07) + 3 * std::cos(x * 0.31) + x * 0.02);
    h.push_back(c.back() + 0.5 + 0.3 * std::fabs(std::sin(x)));
    l.push_back(c.back() - 0.4 - 0.2 * std::fabs(std::cos(x)));
    v.push_back(10 + 5 * std::sin(x * 0.11) + (i % 7));
  }
  return test::make_candles(h, l, c, v);
}

// First bar with a value for each default column (TA-Lib's lookback where TA-Lib has one).
const std::map<std::string, std::size_t> kFirstValue{{"sma_5", 4},
                                                     {"ema_5", 4},
                                                     {"wma_5", 4},
                                                     {"sma_14", 13},
                                                     {"ema_14", 13},
                                                     {"wma_14", 13},
                                                     {"sma_21", 20},
                                                     {"ema_21", 20},
                                                     {"wma_21", 20},
                                                     {"sma_50", 49},
                                                     {"ema_50", 49},
                                                     {"wma_50", 49},
                                                     {"rsi_14", 14},
                                                     {"rsi_21", 21},
                                                     {"macd_12_26_9", 25},
                                                     {"macd_signal_12_26_9", 33},
                                                     {"macd_hist_12_26_9", 33},
                                                     {"bb_mid_20_2", 19},
                                                     {"bb_upper_20_2", 19},
                                                     {"bb_lower_20_2", 19},
                                                     {"stoch_k_14_3_3", 15},
                                                     {"stoch_d_14_3_3", 17},
                                                     {"tr", 1},
                                                     {"atr_14", 14},
                                                     {"donchian_high_20", 20},
                                                     {"donchian_low_20", 20},
                                                     {"ichimoku_tenkan_9", 8},
                                                     {"ichimoku_kijun_26", 25},
                                                     {"ichimoku_senkou_a_9_26_52", 51},
                                                     {"ichimoku_senkou_b_52_26", 77},
                                                     {"vwap_session", 0},
                                                     {"vwap_20", 19},
                                                     {"obv", 0},
                                                     {"adx_14", 27},
                                                     {"cci_20", 19},
                                                     {"willr_14", 13},
                                                     {"stddev_20", 19},
                                                     {"zscore_20", 19}};

TEST(IndicatorSet, DefaultColumnsHaveTheDocumentedWarmUp) {
  const auto bars = synthetic(300);
  const auto cols = compute_columns(bars.view(), default_columns());
  ASSERT_EQ(cols.size(), default_columns().size());
  for (std::size_t k = 0; k < cols.size(); ++k) {
    EXPECT_EQ(cols[k].name, default_columns()[k]);
    ASSERT_EQ(cols[k].values.size(), bars.size());
    const std::size_t first = kFirstValue.at(cols[k].name);
    for (std::size_t i = 0; i < bars.size(); ++i) {
      ASSERT_EQ(std::isfinite(cols[k].values[i]), i >= first) << cols[k].name << " bar " << i;
    }
  }
}

TEST(IndicatorSet, ColumnsEqualTheIndicatorFunctions) {
  const auto bars = synthetic(400);
  const auto cols =
      compute_columns(bars.view(), {"ema_30", "macd_hist_5_13_4", "plus_di_10", "rvol_ann_24",
                                    "volume_z_30", "max_7", "log_return", "macd_5_13_4"});
  EXPECT_SAME_SERIES(cols[0].values, ema(bars.close(), 30), "ema");
  const auto m = macd(bars.close(), 5, 13, 4);
  EXPECT_SAME_SERIES(cols[1].values, m.hist, "macd hist");
  EXPECT_SAME_SERIES(cols[7].values, m.line, "macd line");
  EXPECT_SAME_SERIES(cols[2].values, adx(bars.view(), 10).plus_di, "+di");
  EXPECT_SAME_SERIES(cols[3].values, realized_vol(bars.close(), 24, 8760.0), "rvol_ann");
  EXPECT_SAME_SERIES(cols[4].values, zscore(bars.volume(), 30), "volume_z");
  EXPECT_SAME_SERIES(cols[5].values, highest(bars.close(), 7), "max");
  EXPECT_SAME_SERIES(cols[6].values, log_returns(bars.close()), "log_return");
}

TEST(IndicatorSet, RepeatedAndNonCanonicalNames) {
  const auto bars = synthetic(100);
  const auto cols = compute_columns(bars.view(), {"ema_010", "ema_10", "ema_10"});
  ASSERT_EQ(cols.size(), 3u);
  for (const auto& c : cols) {
    EXPECT_EQ(c.name, "ema_10");
    EXPECT_SAME_SERIES(c.values, cols[0].values, "repeat");
  }
}

TEST(IndicatorSet, ErrorsComeBeforeAnyWork) {
  const auto bars = synthetic(50);
  try {
    compute_columns(bars.view(), {"ema_10", "emma_10"});
    FAIL() << "no error";
  } catch (const core::UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'emma_10'"), std::string::npos);
    EXPECT_NE(msg.find("ema_N"), std::string::npos);
  }
  EXPECT_THROW(compute_columns(bars.view(), {"funding_z_24"}), core::UsageError);
}

TEST(IndicatorSet, FundingColumnsAlignToInferredBarLength) {
  const auto bars = synthetic(48);  // hourly bars from time 0
  data::FundingSeries f;
  for (int i = 0; i < 48; ++i) {
    f.time.push_back((i + 1) * kHourMs);  // lands on each bar's close
    f.rate.push_back(1e-5 * (i % 5));
  }
  ColumnInputs in;
  in.funding = &f;
  const auto cols = compute_columns(bars.view(), {"funding_rate", "funding_mean_4"}, in);
  EXPECT_EQ(infer_bar_ms(bars.time()), kHourMs);
  EXPECT_EQ(cols[0].values[0], 0.0);  // the 1h settlement, known at bar 0's close
  EXPECT_EQ(cols[0].values[7], 1e-5 * (7 % 5));
  EXPECT_TRUE(std::isnan(cols[1].values[2]));
  EXPECT_DOUBLE_EQ(cols[1].values[3], (0 + 1e-5 + 2e-5 + 3e-5) / 4);
}

TEST(IndicatorSet, CachedColumnSharesOneComputation) {
  const auto bars = synthetic(200);
  IndicatorCache cache(1 << 20);
  const std::string id = series_id("test:SYN:1h", bars.view());
  EXPECT_EQ(id, "test:SYN:1h@0.." + std::to_string(199 * kHourMs) + "#200");
  const auto a = cached_column(cache, id, bars.view(), parse_column("rsi_14"));
  const auto b = cached_column(cache, id, bars.view(), parse_column("rsi_14"));
  EXPECT_EQ(a.get(), b.get());
  EXPECT_SAME_SERIES(*a, compute_columns(bars.view(), {"rsi_14"})[0].values, "cached rsi");
  EXPECT_EQ(cache.stats().misses, 1u);
}

}  // namespace
}  // namespace organism::indicators
