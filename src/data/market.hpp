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
  // Funding per bar from the store (false: none loaded, no warning; a run without funding).
  bool funding = true;
  // The store's only sentiment source for every coin. Evolution measures strategies with it; the
  // backtest command feeds sentiment only when asked (--sentiment, docs/strategies.md) and sets
  // this false.
  bool store_sentiment = true;
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

// The market with, in every coin, only the bars whose open time every coin has: what a portfolio
// trading its coins together in one account needs (coins listed at different dates, or with
// gaps on different bars). Funding and sentiment per bar follow their bars. core::Error when no
// time is common to all coins.
Market common_bars(Market market);

// One coin's series from bars and raw funding/sentiment (either may be absent), aligned.
CoinSeries align_coin(std::string label, Candles bars, const core::Interval& interval,
                      const std::optional<FundingSeries>& funding, const std::optional<SentimentSeries>& sentiment);

// One coin's files, as the backtest command names them: a candle file and an optional funding
// file. Venue, coin and interval left empty come from the path (data::hints_from_path), else
// "file", "input" and the rows' spacing; funding_interval empty: from the funding rows.
struct CoinFiles {
  std::string candles, funding, funding_interval;
  std::string venue, coin, interval;
};

// The one-coin market of `files`, its funding aligned when `with_funding` (the funding file is
// read either way, so a bad one is an error whatever the cost model), with `sentiment` aligned
// when given. Errors name the file and line (core::Error).
Market market_from_files(const CoinFiles& files, bool with_funding,
                         const std::optional<SentimentSeries>& sentiment);

}  // namespace organism::data
