// A strategy's view of one coin's aligned series (data::CoinSeries): its bars, funding per bar and
// sentiment, up to a bar. Used wherever a stored or built market is handed to strategies: the
// backtest problem of evolution and `organism backtest`.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <span>

#include "data/market.hpp"
#include "strategy/market.hpp"

namespace organism::strategy {

// Bars [0, end) of `coin` (all of them by default) with the funding and sentiment of those bars
// (empty when the coin has none); no cache.
inline MarketView view_of(const data::CoinSeries& coin, const core::Interval& interval,
                          std::size_t end = std::numeric_limits<std::size_t>::max()) {
  end = std::min(end, coin.bars.size());
  MarketView view;
  view.bars = coin.bars.view(0, end);
  view.interval = interval;
  if (!coin.funding_per_bar.empty()) view.funding_per_bar = std::span(coin.funding_per_bar).first(end);
  if (!coin.sentiment.empty()) view.sentiment = std::span(coin.sentiment).first(end);
  return view;
}

}  // namespace organism::strategy
