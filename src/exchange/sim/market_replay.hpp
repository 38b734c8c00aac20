// The simulator's market: replays stored bars as a moving price with a seeded order book, a tape
// of trades and hourly funding, and never shows a bar before its close. Pure and deterministic:
// the same bars, seed and sequence of advance_to() calls give the same ticks. Used by the
// exchange simulator's API (src/exchange/sim_api/) to drive the engine.
//
// The price inside a bar follows price_path.hpp, the book around it synthetic_book.hpp, the
// market's own trades at each tick market_prints.hpp. Mark and
// oracle prices are the path price (no basis). Funding: at every whole hour H the replay crosses,
// each asset whose bars cover H settles the stored rate of H (its funding row at H, else the
// latest before H, else 0), converted to one hour (rate x 1 h / the series' interval).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"
#include "exchange/sim/regime_break.hpp"
#include "exchange/sim/sim_engine.hpp"

namespace organism::exchange::sim {

struct CoinMarketData {
  AssetSpec spec;
  data::Candles bars;                          // at MarketConfig::interval, strictly increasing
  std::optional<data::FundingSeries> funding;  // hourly rates; none = zero funding
};

struct MarketConfig {
  core::Interval interval = *core::Interval::parse("1m");
  TimeMs from = 0;  // first bar open the replay shows as "now"; earlier bars are history
  std::uint64_t seed = 1;
  int steps_per_bar = 12;  // ticks inside one bar (the price path, docs/exchange-sim.md); >= 4
  int book_levels = 20;    // per side
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

// Where the replay's ticks and funding settlements go: the engine, or a test's recorder.
struct MarketListener {
  std::function<void(int asset, const MarketTick& tick)> on_tick;
  std::function<void(int asset, double hourly_rate, TimeMs hour)> on_funding;
};

// Hyperliquid's hourly interest component of funding (0.01% per 8 h); fundingHistory's premium
// is shown as rate - this (the exchange's formula inverted inside its clamp).
inline constexpr double kHourlyFundingInterest = 0.0000125;

class MarketReplay {
 public:
  // std::invalid_argument (naming the coin and its data range) when from is not aligned to the
  // interval or outside a coin's bars, when a coin has no bars or unaligned/unordered ones, or
  // when steps_per_bar < 4 or book_levels < 1.
  MarketReplay(std::vector<CoinMarketData> coins, MarketConfig config);

  const MarketConfig& config() const { return config_; }
  std::vector<AssetSpec> assets() const;
  TimeMs now() const { return now_; }
  TimeMs end() const;  // close of the last stored bar; the market stops there
  bool finished() const { return now_ >= end(); }

  // Moves market time forward to t (never back; clamped to end()), feeding every tick and
  // funding settlement in (now, t] to the engine in time order (ties: asset order; a tick before
  // the funding of the same instant). The first call also feeds the tick at now() itself, so
  // advance_to(now()) primes the engine with the opening market. Ticks are at bar open +
  // floor(k x interval / steps_per_bar); funding settles on each whole hour.
  void advance_to(TimeMs t, Engine& engine);
  void advance_to(TimeMs t, const MarketListener& listener);
  // The next tick time after now() (what "advance one step" moves to).
  TimeMs next_tick() const;

  // Bars of `interval` (the replay's, or a coarser one it tiles, aggregated from whole bars;
  // empty for a finer or non-tiling interval) overlapping [start, end], of the latest 5000 that
  // exist at now(), the most recent `limit` of them, oldest first, ending with the bar in progress
  // as formed so far: never a price from after now(). A bar in progress has o, h/l so far,
  // c = current price and v, n pro rata of its ticks shown; n of data without trade counts is
  // one trade per tick.
  std::vector<CandleOut> candles(int asset, const core::Interval& interval, TimeMs start,
                                 TimeMs end, std::size_t limit = 5000) const;
  // Stored funding rows with start <= time <= end and time <= now(), oldest first, at most limit;
  // times are the whole hour (the real exchange stamps a few ms after it), rates hourly.
  std::vector<FundingOut> funding_history(int asset, TimeMs start, TimeMs end,
                                          std::size_t limit = 500) const;
  // These four throw std::out_of_range for an asset index the market does not have; candles()
  // and funding_history() answer it with nothing.
  double current_funding(int asset) const;  // the hourly rate of the latest hour <= now()
  double price(int asset) const;            // current (path) price
  double prev_day_price(int asset) const;   // the path price 24 h before now()
  double day_volume(int asset) const;  // coins traded over the last 24 h of replayed bars (to now)

  // Faults: moves the price of `asset` by `fraction` (e.g. -0.1, > -1) linearly over the rest of
  // the current bar's ticks (over the next bar's when now() is at a bar's last tick), then the
  // next bar opens on its stored path again. The candles show the moved path.
  void inject_flash_move(int asset, double fraction);

  // Regime break (regime_break.hpp): the bars of `asset` opening at or after `time` (a time inside
  // a bar: from the next bar; so nothing already shown changes) map by P (x / P)^exponent, P the
  // asset's price at that bar's open (earlier breaks applied), and are snapped to valid prices.
  // Ticks, book, prints, marks and candles (history included) all follow. Returns the break as
  // kept (its time the bar open). std::invalid_argument for a bad asset or exponent, or when the
  // asset has no bar at or after `time`. Adding a break already kept changes nothing.
  RegimeBreak add_regime_break(int asset, TimeMs time, double exponent);
  std::vector<RegimeBreak> regime_breaks() const;
  // The bar of `asset` at index `bar` as the replay serves it (regime breaks applied, snapped).
  data::Bar served_bar(int asset, std::size_t bar) const;

  // Where the replay stands, for --state-dir (now, the flash moves and the regime breaks; the
  // book is a pure function of its inputs, so nothing else).
  nlohmann::json to_json() const;
  // std::invalid_argument for a state that does not fit these coins.
  void restore(const nlohmann::json& state);

 private:
  struct Flash {
    int asset = -1;
    double fraction = 0;
    TimeMs bar = 0;     // open of the bar it moves
    int from_tick = 0;  // the last tick left as it was
  };
  struct Break {
    RegimeBreak spec;
    double pivot = 0;  // the asset's price at spec.time, earlier breaks applied (not snapped)
  };
  void check_asset(int asset) const;
  void compute_pivots();
  TimeMs bar_length(TimeMs open) const;
  std::optional<std::size_t> bar_containing(int asset, TimeMs t) const;
  std::vector<double> path_of(int asset, std::size_t bar) const;  // flash moves applied
  double price_at(int asset, TimeMs t) const;
  double hourly_rate_at(int asset, TimeMs hour) const;
  TimeMs next_tick_after(TimeMs t) const;
  void feed_tick(int asset, TimeMs t, const MarketListener& listener);
  CandleOut bar_candle(int asset, std::size_t bar) const;  // as shown at now()

  std::vector<CoinMarketData> coins_;
  MarketConfig config_;
  TimeMs now_ = 0;
  bool started_ = false;  // the tick at now_ has been fed
  std::vector<Flash> flashes_;
  std::vector<Break> breaks_;  // ordered by asset, then time
  struct PathCache {
    std::optional<std::size_t> bar;
    std::vector<double> path;
  };
  std::vector<PathCache> cache_;  // per asset: the path of the bar advance_to is in
};

}  // namespace organism::exchange::sim
