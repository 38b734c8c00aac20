// column_stream(spec) fed one bar at a time equals compute_column over the whole series, bit for
// bit (NaN == NaN), for every column kind on the real BTC 1h series of ../shared/data. Skipped
// with a message when the shared folder is absent.
#include "indicators/column_stream.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "indicators/indicator_set.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

// A few parameter sets of every non-funding column kind (short, default-like, long windows).
const std::vector<std::string> kColumns = {
    "sma_2", "sma_20", "sma_200", "ema_2", "ema_12", "ema_200", "wma_3", "wma_50",
    "rsi_2", "rsi_14", "rsi_50", "macd_12_26_9", "macd_signal_12_26_9", "macd_hist_12_26_9",
    "macd_5_35_5", "macd_signal_26_12_3", "macd_hist_3_10_16", "bb_mid_20_2", "bb_upper_20_2",
    "bb_lower_20_2", "bb_upper_5_0.5", "bb_lower_50_3.5", "stoch_k_14_3_3", "stoch_d_14_3_3",
    "stoch_k_5_1_1", "stoch_d_30_5_7", "tr", "atr_2", "atr_14", "atr_100", "donchian_high_5",
    "donchian_low_5", "donchian_high_55", "donchian_low_200", "ichimoku_tenkan_9",
    "ichimoku_kijun_26", "ichimoku_senkou_a_9_26_52", "ichimoku_senkou_b_52_26",
    "ichimoku_tenkan_3", "ichimoku_senkou_a_5_60_10", "ichimoku_senkou_b_120_5",
    "ichimoku_senkou_b_30_0", "vwap_session", "vwap_5", "vwap_48", "obv", "adx_14", "plus_di_14",
    "minus_di_14", "adx_2", "plus_di_40", "minus_di_7", "cci_20", "cci_3", "cci_100", "willr_14",
    "willr_2", "stddev_20", "stddev_3", "zscore_20", "zscore_200", "max_10", "min_10", "max_1",
    "min_300", "log_return", "rvol_24", "rvol_5", "rvol_ann_24", "rvol_ann_500", "volume_z_20",
    "volume_z_2"};

// Column bases of the catalogue (column_catalogue's "columns" block: "  base_LABELS  help").
std::set<std::string> catalogue_bases() {
  std::istringstream in(column_catalogue());
  std::string line;
  std::getline(in, line);  // "columns (name_PARAMS):"
  std::set<std::string> bases;
  while (std::getline(in, line) && line.starts_with("  ")) {
    std::string form = line.substr(2, line.find(' ', 2) - 2);
    // Labels are upper case ("ema_N", "bb_upper_N_K"): drop them from the end.
    for (std::size_t at = form.rfind('_'); at != std::string::npos && std::isupper(form[at + 1]);
         at = form.rfind('_')) {
      form.resize(at);
    }
    bases.insert(form);
  }
  return bases;
}

TEST(ColumnStream, TheListCoversEveryColumnKind) {
  std::set<std::string> listed;
  for (const auto& name : kColumns) listed.insert(parse_column(name).base);
  for (const auto& base : catalogue_bases()) {
    if (base.starts_with("funding_")) continue;  // read a funding series, not bars
    EXPECT_TRUE(listed.contains(base)) << base << " has no streaming test";
  }
  EXPECT_GE(listed.size(), 35u);
}

TEST(ColumnStream, FundingColumnsHaveNoBarStream) {
  EXPECT_THROW(column_stream(parse_column("funding_rate"), core::kHourMs), core::UsageError);
  EXPECT_THROW(column_stream(parse_column("funding_z_24"), core::kHourMs), core::UsageError);
}

TEST(ColumnStream, EqualsComputeColumnOnRealBtcHourly) {
  const auto btc = test::load_shared_candles("ohlcv/binance/BTC-1h.csv.gz");
  if (!btc) GTEST_SKIP() << "../shared/data is absent: real-series column stream test skipped";
  const auto bars = btc->view();
  ASSERT_EQ(bars.size(), 54'613u);
  for (const auto& name : kColumns) {
    const ColumnSpec spec = parse_column(name);
    const auto batch = compute_column(bars, spec);
    auto stream = column_stream(spec, core::kHourMs);
    std::vector<double> streamed(bars.size());
    for (std::size_t i = 0; i < bars.size(); ++i) streamed[i] = stream->update(bars.bar(i));
    EXPECT_SAME_SERIES(streamed, batch, name);
    // The comparison means something only where the column is defined for most of the series.
    std::size_t defined = 0;
    for (const double v : batch) defined += std::isfinite(v) ? 1 : 0;
    EXPECT_GT(defined, bars.size() - 1000) << name;
  }
}

}  // namespace
}  // namespace organism::indicators
