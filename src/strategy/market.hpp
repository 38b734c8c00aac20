// What a strategy sees of the market when it computes its signal: one coin's bars, funding per
// bar, the sentiment index aligned to bars, and the shared indicator cache.
// Built by the backtest command, evolution and the trading loop; read by every family and rule tree.
#pragma once

#include <span>
#include <string>

#include "data/align.hpp"
#include "core/time.hpp"
#include "data/series.hpp"
#include "indicators/cache.hpp"

namespace organism::strategy {

struct MarketView {
  data::CandleView bars{};
  core::Interval interval = *core::Interval::parse("1h");
  // Funding rate settled during each bar (data::funding_per_bar), same length as bars; empty
  // when unknown. A value at bar t is known at t's close.
  std::span<const double> funding_per_bar{};
  // Fear & Greed value in effect at each bar (the latest daily value published at or before the
  // bar's open), same length as bars; empty when unknown.
  std::span<const double> sentiment{};
  // Shared, thread-safe cache (may be null: compute directly). series_id must identify the bars
  // (indicators::series_id()).
  indicators::IndicatorCache* cache = nullptr;
  std::string series_id{};
};

}  // namespace organism::strategy
