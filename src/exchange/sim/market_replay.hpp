// The simulator's market: replays stored bars as a moving price with a seeded order book, a tape
// of trades and hourly funding, and never shows a bar before its close. Pure and deterministic:
// the same bars, seed and sequence of advance_to() calls give the same ticks. Used by the
// exchange simulator's API (src/exchange/sim_api/) to drive the engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"
#include "exchange/sim/sim_engine.hpp"

namespace organism::exchange::sim {

struct CoinMarketData {
  AssetSpec spec;
  data::Candles bars;                          // at MarketConfig::interval, strictly increasing
  std::optional<data::FundingSeries> funding;  // hourly rates; none = zero funding
};

struct MarketConfig {
  core::Interval interval = *core::Interval::parse("1m");
  TimeMs from = 0;           // first bar open the replay shows as "now"; earlier bars are history
  std::uint64_t seed = 1;
  int steps_per_bar = 12;    // ticks inside one bar (the price path, docs/exchange-sim.md)
  int book_levels = 20;      // per side
};

// One candle as candleSnapshot and the candle feed show it (the bar in progress included).
struct CandleOut {
  TimeMs t = 0, close_time = 0;  // close_time = t + interval - 1
  double o = 0, h = 0, l = 0, c = 0, v = 0;
  std::int64_t n = 0;
  bool closed = true;
};
struct FundingOut {
  TimeMs time = 0;
  double rate = 0, premium = 0;
};

class MarketReplay {
 public:
  MarketReplay(std::vector<CoinMarketData> coins, MarketConfig config);

  const MarketConfig& config() const { return config_; }
  std::vector<AssetSpec> assets() const;
  TimeMs now() const { return now_; }
  TimeMs end() const;  // close of the last stored bar; the market stops there
  bool finished() const { return now_ >= end(); }

  // Moves market time forward to t (never back), feeding every tick and funding settlement in
  // between to the engine in time order (ties: asset order). Ticks are at bar open + k x
  // (interval / steps_per_bar); funding settles on each hour from the stored rate of that hour.
  void advance_to(TimeMs t, Engine& engine);
  // The next tick time after now() (what "advance one step" moves to).
  TimeMs next_tick() const;

  // Bars of `interval` (the replay's, or a whole multiple of it, aggregated) overlapping
  // [start, end], up to `limit`, ending with the bar in progress as formed so far: never a price
  // from after now().
  std::vector<CandleOut> candles(int asset, const core::Interval& interval, TimeMs start, TimeMs end,
                                 std::size_t limit = 5000) const;
  std::vector<FundingOut> funding_history(int asset, TimeMs start, TimeMs end, std::size_t limit = 500) const;
  double current_funding(int asset) const;
  double price(int asset) const;       // current (path) price
  double prev_day_price(int asset) const;
  double day_volume(int asset) const;  // coins traded over the last 24 h of replayed bars (to now)

  // Faults: moves the price of `asset` by `fraction` (e.g. -0.1) over the rest of the current bar,
  // then back to the stored path at the next bar.
  void inject_flash_move(int asset, double fraction);

  // Where the replay stands, for --state-dir (now and any active flash move).
  nlohmann::json to_json() const;
  void restore(const nlohmann::json& state);

 private:
  std::vector<CoinMarketData> coins_;
  MarketConfig config_;
  TimeMs now_ = 0;
  struct Flash {
    int asset = -1;
    double fraction = 0;
    TimeMs bar = 0;
  };
  std::vector<Flash> flashes_;
};

}  // namespace organism::exchange::sim
