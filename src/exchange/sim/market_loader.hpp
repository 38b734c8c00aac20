// Builds the simulator's market data from the store: each coin's bars at one interval, its
// funding and its Hyperliquid asset spec, and the default first bar. Used by
// `organism exchange-sim` (through the simulator's server) before it starts the market replay.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "data/store.hpp"
#include "exchange/sim/market_replay.hpp"

namespace organism::exchange::sim {

struct LoadedMarket {
  core::Interval interval = *core::Interval::parse("1m");
  std::vector<CoinMarketData> coins;  // in the order asked
  std::vector<std::string> venues;    // the candle venue of each coin
};

// Bars of `coins` at `interval`, or (empty) the finest interval the store holds for all of them.
// Each coin's venue: "hyperliquid" when it has the coin at the interval, else the venue with the
// most bars. Funding from that venue, else from another venue that has it, else none.
// core::Error names a missing coin or interval and lists what the store has.
LoadedMarket load_market(data::Store& store, const std::vector<std::string>& coins,
                         const std::string& interval = "");

// Hyperliquid's szDecimals and maxLeverage for `coin`: a snapshot table of the exchange's meta for
// the common coins; for others szDecimals from `price` (one lot worth $0.1-$1, clamped to 0..6)
// and maxLeverage 10.
AssetSpec asset_spec_for(const std::string& coin, double price);

// The default --from: the first bar after a warm-up of `warmup` bars of history for every coin
// when the data allows it (that bar exists for all coins), else the latest first bar of the coins.
inline constexpr std::size_t kDefaultWarmupBars = 500;
TimeMs default_from(const std::vector<CoinMarketData>& coins,
                    std::size_t warmup = kDefaultWarmupBars);

}  // namespace organism::exchange::sim
