#include "indicators/column_spec.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace organism::indicators {
namespace {

using Names = std::vector<std::string>;

std::string usage_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::UsageError& e) {
    return e.what();
  }
  return "(no UsageError)";
}

TEST(ColumnSpec, ParsesAndCanonicalizesNames) {
  EXPECT_EQ(parse_column("ema_30"), (ColumnSpec{"ema", {30}}));
  EXPECT_EQ(parse_column("ema_030").name(), "ema_30");
  EXPECT_EQ(parse_column("bb_mid_20_2.0").name(), "bb_mid_20_2");
  EXPECT_EQ(parse_column("bb_upper_20_2.5"), (ColumnSpec{"bb_upper", {20, 2.5}}));
  EXPECT_EQ(parse_column("macd_signal_12_26_9"), (ColumnSpec{"macd_signal", {12, 26, 9}}));
  EXPECT_EQ(parse_column("tr"), (ColumnSpec{"tr", {}}));
  EXPECT_EQ(parse_column("vwap_session").name(), "vwap_session");
  EXPECT_EQ(parse_column("vwap_20"), (ColumnSpec{"vwap", {20}}));
  EXPECT_EQ(parse_column("minus_di_14"), (ColumnSpec{"minus_di", {14}}));
  EXPECT_EQ(parse_column("min_14"), (ColumnSpec{"min", {14}}));
  EXPECT_EQ(parse_column("rvol_ann_24"), (ColumnSpec{"rvol_ann", {24}}));
  EXPECT_EQ(parse_column("ichimoku_senkou_b_52_0"), (ColumnSpec{"ichimoku_senkou_b", {52, 0}}));
}

TEST(ColumnSpec, UnknownNameListsTheValidOnes) {
  const std::string msg = usage_message([] { parse_column("foo_3"); });
  EXPECT_NE(msg.find("unknown indicator column 'foo_3'"), std::string::npos) << msg;
  for (const char* form : {"sma_N", "macd_FAST_SLOW_SIGNAL", "bb_upper_N_K", "vwap_session",
                           "funding_z_N", "macd:FAST:SLOW:SIGNAL"}) {
    EXPECT_NE(msg.find(form), std::string::npos) << form;
  }
}

TEST(ColumnSpec, RejectsBadParameters) {
  EXPECT_NE(usage_message([] { parse_column("ema_0"); }).find("N must be a whole number"),
            std::string::npos);
  EXPECT_NE(usage_message([] { parse_column("ema_3.5"); }).find("'3.5'"), std::string::npos);
  EXPECT_NE(usage_message([] { parse_column("macd_12_26"); }).find("takes 3 parameter"),
            std::string::npos);
  EXPECT_THROW(parse_column("bb_mid_20_-1"), core::UsageError);
  EXPECT_THROW(parse_column("ema_nan"), core::UsageError);
  EXPECT_THROW(parse_column("ema_inf"), core::UsageError);
  EXPECT_THROW(parse_column("ema_"), core::UsageError);
  EXPECT_THROW(parse_column("ichimoku_senkou_b_0_26"), core::UsageError);
  EXPECT_THROW(parse_column("tr_3"), core::UsageError);
  EXPECT_THROW(parse_column(""), core::UsageError);
}

TEST(ColumnSpec, ExpandsSpecs) {
  EXPECT_EQ(expand_spec("ema:30"), Names{"ema_30"});
  EXPECT_EQ(expand_spec("rsi:7"), Names{"rsi_7"});
  EXPECT_EQ(expand_spec("bb_upper:20:2.5"), Names{"bb_upper_20_2.5"});
  EXPECT_EQ(expand_spec("ema_30"), Names{"ema_30"});
  EXPECT_EQ(expand_spec("tr"), Names{"tr"});
  EXPECT_EQ(expand_spec("macd:12:26:9"),
            (Names{"macd_12_26_9", "macd_signal_12_26_9", "macd_hist_12_26_9"}));
  EXPECT_EQ(expand_spec("bb:20:2"), (Names{"bb_mid_20_2", "bb_upper_20_2", "bb_lower_20_2"}));
  EXPECT_EQ(expand_spec("stoch:14:3:3"), (Names{"stoch_k_14_3_3", "stoch_d_14_3_3"}));
  EXPECT_EQ(expand_spec("donchian:55"), (Names{"donchian_high_55", "donchian_low_55"}));
  EXPECT_EQ(expand_spec("ichimoku:9:26:52"),
            (Names{"ichimoku_tenkan_9", "ichimoku_kijun_26", "ichimoku_senkou_a_9_26_52",
                   "ichimoku_senkou_b_52_26"}));
  EXPECT_EQ(expand_spec("dmi:14"), (Names{"adx_14", "plus_di_14", "minus_di_14"}));
  EXPECT_EQ(expand_spec("funding:24"), (Names{"funding_rate", "funding_mean_24", "funding_z_24"}));
  EXPECT_EQ(expand_specs("ema:30,rsi:7, ema:30 ,macd:5:10:3"),
            (Names{"ema_30", "rsi_7", "macd_5_10_3", "macd_signal_5_10_3", "macd_hist_5_10_3"}));
}

TEST(ColumnSpec, RejectsBadSpecs) {
  EXPECT_THROW(expand_spec("ema"), core::UsageError);  // no period
  EXPECT_THROW(expand_spec("ema:"), core::UsageError);
  EXPECT_THROW(expand_spec("ema:x"), core::UsageError);
  EXPECT_THROW(expand_spec("macd:12:26"), core::UsageError);
  EXPECT_THROW(expand_spec("macd"), core::UsageError);
  EXPECT_THROW(expand_spec("nope:3"), core::UsageError);
  EXPECT_THROW(expand_specs("ema:30,,rsi:7"), core::UsageError);
  EXPECT_THROW(expand_specs(""), core::UsageError);
}

TEST(ColumnSpec, DefaultColumnsAreTheDocumentedSetInOrder) {
  const Names want{"sma_5",
                   "ema_5",
                   "wma_5",
                   "sma_14",
                   "ema_14",
                   "wma_14",
                   "sma_21",
                   "ema_21",
                   "wma_21",
                   "sma_50",
                   "ema_50",
                   "wma_50",
                   "rsi_14",
                   "rsi_21",
                   "macd_12_26_9",
                   "macd_signal_12_26_9",
                   "macd_hist_12_26_9",
                   "bb_mid_20_2",
                   "bb_upper_20_2",
                   "bb_lower_20_2",
                   "stoch_k_14_3_3",
                   "stoch_d_14_3_3",
                   "tr",
                   "atr_14",
                   "donchian_high_20",
                   "donchian_low_20",
                   "ichimoku_tenkan_9",
                   "ichimoku_kijun_26",
                   "ichimoku_senkou_a_9_26_52",
                   "ichimoku_senkou_b_52_26",
                   "vwap_session",
                   "vwap_20",
                   "obv",
                   "adx_14",
                   "cci_20",
                   "willr_14",
                   "stddev_20",
                   "zscore_20"};
  EXPECT_EQ(default_columns(), want);
  for (const auto& name : want) EXPECT_EQ(parse_column(name).name(), name);
}

}  // namespace
}  // namespace organism::indicators
