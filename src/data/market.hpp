// The market of a universe of coins at one interval: each coin's candles with its funding per bar
// and sentiment per bar, aligned bar for bar (data/align.hpp). Built from a store by evolution,
// validation, reports and the backtest command; a live feed appends bars to the same series.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"
#include "data/store.hpp"

namespace organism::data {

// One coin's aligned series. funding_per_bar and sentiment are empty when unknown, else as long
// as bars (a live feed pushes one value to each column with each bar).
struct CoinSeries {
  std::string label;  // e.g. "binance:BTC:1h"
  Candles bars;
  std::vector<double> funding_per_bar;
  std::vector<double> sentiment;
};

// Which series a market holds: coins at one interval, each on a venue ("" = choose when built).
struct MarketSpec {
  std::string interval = "1h";
  std::vector<std::string> coins;
  std::vector<std::string> venues;  // per coin once built
};

struct Market {
  core::Interval interval = *core::Interval::parse("1h");
  std::vector<CoinSeries> coins;  // in MarketSpec::coins order
};

// The market of `spec` from the store. A coin on several venues takes spec.venues[i] when set,
// else `preferred_venue` when it has the coin, else the venue with the most bars (logged); the
// chosen venues are written back into spec. Funding comes from the coin's venue (a warning when
// none is stored: its backtests pay no funding); sentiment is the store's only source, if it has
// exactly one. core::Error names a missing coin and lists what the store has.
Market build_market(Store& store, MarketSpec& spec, const std::string& preferred_venue = "");

// One coin's series from bars and raw funding/sentiment (either may be absent), aligned.
CoinSeries align_coin(std::string label, Candles bars, const core::Interval& interval,
                      const std::optional<FundingSeries>& funding, const std::optional<SentimentSeries>& sentiment);

}  // namespace organism::data
