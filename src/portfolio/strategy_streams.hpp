// The per-strategy and per-coin series a portfolio backtest reads, derived once from a prepared
// set: each strategy's return (the mean of its legs), the coins' tilt features, the allocator's
// input viewing them. Used by portfolio_backtest.cpp and the sizing evolution; pure computation.
#pragma once

#include <cstddef>
#include <vector>

#include "data/market.hpp"
#include "portfolio/allocator.hpp"
#include "portfolio/portfolio_backtest.hpp"

namespace organism::portfolio {

// Bars of the feature windows (PreparedPortfolio's liquidity/momentum and volatility).
inline constexpr std::size_t kFeatureSlowBars = 168;
inline constexpr std::size_t kFeatureFastBars = 24;

// One coin's tilt features, known at each close: liquidity (mean close x volume over the last
// 168 bars), volatility (population std of the last 24 log returns) and momentum (log return over
// the last 168 bars); NaN while warming up. Also the trading loop's allocation stage's.
struct CoinFeatureSeries {
  std::vector<double> liquidity, volatility, momentum;
};
CoinFeatureSeries coin_features(const data::CandleView& bars);
// coin_features of every coin of the market into the three members of `out`.
void coin_features(const data::Market& market, PreparedPortfolio& out);

// Per strategy its return per bar: the mean of its legs' returns (equal capital on each leg).
std::vector<std::vector<double>> strategy_returns(const PreparedPortfolio& prepared);

// The allocator's input as views into `prepared` (which must outlive it): legs named by their
// coin's label, regimes and features of each coin.
AllocatorInput allocator_input(const PreparedPortfolio& prepared);

}  // namespace organism::portfolio
