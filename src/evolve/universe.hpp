// The market evolution runs on: several coins' bars at one interval with their funding and
// sentiment per bar (a data::Market), and each coin's time-ordered splits. Built by the run service
// from data::build_market; read by the evaluator, which backtests a genome on one segment of every coin.
#pragma once

#include <string>
#include <vector>

#include "core/time.hpp"
#include "data/market.hpp"
#include "data/series.hpp"
#include "evolve/splits.hpp"

namespace organism::evolve {

// A coin's aligned series (label, bars, funding_per_bar, sentiment) and its splits.
struct CoinMarket : data::CoinSeries {
  Splits splits;
};

struct Universe {
  core::Interval interval = *core::Interval::parse("1h");
  std::vector<CoinMarket> coins;
  std::size_t embargo = 0;  // bars between segments (set by split_universe)
};

// The embargo DESIGN.md asks for: the longest lookback a genome can have (indicator periods and
// regime windows at their upper bounds), so no window reaching back across a boundary is traded.
std::size_t default_embargo();

// Splits every coin with the embargo; throws core::Error when a coin's in-sample segment would be
// shorter than min_in_sample bars.
void split_universe(Universe& universe, std::size_t embargo, std::size_t min_in_sample = 500);
// The market split with the embargo (split_universe).
Universe split_market(data::Market market, std::size_t embargo);

}  // namespace organism::evolve
