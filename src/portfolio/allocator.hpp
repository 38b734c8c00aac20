// The portfolio allocator: capital across strategies and their coins, with caps that hold.
// Pure computation, no I/O. A decision at bar index t reads only what was known at the close of
// bar t - 1: returns[0 .. t) and regimes[0 .. t) (nothing at or after t, so data after t may be
// removed or shuffled without changing it). Formulas and references: docs/portfolio.md.
//
// Steps of allocate():
//   1. history: a strategy with fewer than min_history_bars returns in the lookback gets nothing;
//   2. score (multi-factor): s = w_sharpe clamp(Sharpe / 3, -1, 1) + w_consistency consistency
//      - w_drawdown min(maxDD / 0.5, 1) + w_age min(age_days / age_full_days, 1), on the
//      strategy's return (the mean of its legs' returns) over the lookback; s <= 0 gets nothing;
//   3. correlation filter: by score, highest first, a strategy whose return correlation with one
//      already kept exceeds caps.correlation is dropped (dropped, not merged: a near-copy adds
//      no diversification, and merging would trade a blend nobody validated);
//   4. fractional Kelly: f = kelly_fraction x S^-1 mu over the kept strategies, mu their mean
//      returns and S their covariance shrunk by Ledoit-Wolf (2004) towards a scaled identity;
//      negative entries are removed and the rest solved again (no strategy is sold short);
//   5. legs: a strategy's weight split over its coins by exp(tilt_liquidity z_liq +
//      tilt_volatility z_vol + tilt_momentum z_mom), z being each coin's feature standardized
//      across the coins of the input; then a leg whose coin's current regime (any part) is one
//      where this leg lost (mean return < 0 over >= min_regime_bars bars of the lookback) is
//      multiplied by regime_scale;
//   6. caps: each strategy at most min(caps.per_strategy, kHardStrategyCap), the weights' sum at
//      most caps.gross (scaled down together);
//   7. no-trade band: with a previous allocation, a leg whose new weight is within `band` of its
//      old one keeps the old one; then step 6 again.
// target_exposures() then turns weights and the strategies' current exposures into positions,
// with the per-coin net cap and the gross cap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace organism::portfolio {

// No strategy ever gets more than this share of capital, whatever the configuration.
inline constexpr double kHardStrategyCap = 0.40;

// The evolvable part of the allocator (`organism portfolio evolve` tunes it; sizing_genome.hpp).
struct SizingParams {
  double score_sharpe = 0.5;       // weights of the multi-factor score
  double score_consistency = 0.3;
  double score_drawdown = 0.2;
  double score_age = 0.1;
  double kelly_fraction = 0.5;     // the safety factor on full Kelly, in (0, 1]
  double band = 0.02;              // no-trade band on a leg's weight (fraction of capital)
  double tilt_liquidity = 0;       // exponents of the per-coin leg tilts
  double tilt_volatility = 0;
  double tilt_momentum = 0;
  double regime_scale = 0.25;      // multiplier on a leg in a regime where it has lost, in [0, 1]
};

struct Caps {
  double per_strategy = 0.25;  // portfolio.max_strategy_weight, at most kHardStrategyCap
  double per_asset = 0.15;     // portfolio.max_asset_exposure: |net exposure| per coin
  double gross = 1.0;          // portfolio.max_gross: gross exposure, and the sum of weights
  double correlation = 0.7;    // portfolio.max_correlation
};

struct AllocatorOptions {
  SizingParams sizing{};
  Caps caps{};
  std::size_t lookback_bars = 2160;     // portfolio.lookback_bars: estimation window (90 days of 1h)
  std::size_t rebalance_bars = 168;     // portfolio.rebalance_bars: schedule (a week of 1h)
  std::size_t min_history_bars = 336;   // portfolio.min_history_bars
  std::size_t min_regime_bars = 48;     // portfolio.min_regime_bars
  int consistency_windows = 12;
  double age_full_days = 90;
  double bars_per_year = 8760;          // from the interval
};

// Throws core::UsageError naming the bad portfolio.* key (caps outside (0, 1] or above the hard
// cap, a negative band, kelly_fraction outside (0, 1], regime_scale outside [0, 1], windows 0).
void check_options(const AllocatorOptions& options);

// One (strategy, coin) leg over the whole period, aligned on one bar index shared by every leg.
struct LegHistory {
  std::string coin;
  // returns[i]: the leg's return over bar i when traded alone at unit capital (the strategy's own
  // backtest of that coin, costs included).
  std::span<const double> returns{};
  // indicators::Regime::code() of the leg's coin at each bar (empty: no regimes, no tilt).
  std::span<const std::uint8_t> regimes{};
};

struct StrategyHistory {
  std::string id;
  std::vector<LegHistory> legs;
  // Days between its birth and bar index 0's close (negative: born later); age at bar t adds t
  // bars.
  double age_days_at_start = 0;
};

// Per coin (by name, over the legs' coins) its features at each bar, for the leg tilts: any may be
// empty (that tilt is then off). liquidity: mean dollar volume, volatility: realized volatility,
// momentum: past return, each known at the bar's close.
struct CoinFeatures {
  std::string coin;
  std::span<const double> liquidity{}, volatility{}, momentum{};
};

struct AllocatorInput {
  std::vector<StrategyHistory> strategies;
  std::vector<CoinFeatures> coins;
  std::size_t bars = 0;  // the length of every series above
};

struct LegWeight {
  std::string coin;
  double weight = 0;        // share of capital
  double regime_scale = 1;  // what step 5's regime check applied (1: none)
};

struct StrategyWeight {
  std::string id;
  double weight = 0;  // sum of its legs' weights
  double score = 0;
  double kelly = 0;   // step 4's fraction, before legs and caps (0 when dropped earlier)
  // Empty when weighted; else why not, with its numbers: "history 100 < 336 bars",
  // "score -0.12 <= 0", "correlated 0.93 > 0.7 with X", "kelly 0 (negative edge)".
  std::string dropped;
  std::vector<LegWeight> legs;  // in the input's leg order
};

struct Allocation {
  std::size_t bar = 0;  // the decision bar index t (data before it was used)
  std::vector<StrategyWeight> strategies;  // in the input's order
  double total_weight() const;
};

// Throws core::UsageError for t > bars, series of the wrong length, or a previous allocation of
// other strategies.
Allocation allocate(const AllocatorInput& input, std::size_t t, const AllocatorOptions& options,
                    const Allocation* previous = nullptr);

// Whether bar t is on the rebalance schedule counted from `first`: t >= first and
// (t - first) % rebalance_bars == 0.
bool rebalance_due(std::size_t t, std::size_t first, const AllocatorOptions& options);

// The target positions: exposure[s][j] = weight[s][j] x x[s][j] (x: the leg's current exposure
// as a fraction of its own capital, the strategy's target x leverage), then scaled so that every
// coin's net |sum| is at most caps.per_asset (all legs of that coin by one factor) and the gross
// sum of |exposure| at most caps.gross (all by one factor). Fractions of portfolio equity.
struct TargetExposures {
  std::vector<std::vector<double>> exposure;  // [strategy][leg]
  std::vector<std::string> coins;             // every coin, sorted
  std::vector<double> net;                    // per coin, after the caps
  double gross = 0;
};
TargetExposures target_exposures(const Allocation& allocation, const std::vector<std::vector<double>>& x,
                                 const Caps& caps);

}  // namespace organism::portfolio
