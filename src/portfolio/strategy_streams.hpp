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

// Per coin, known at each close: liquidity (mean close x volume over the last 168 bars),
// volatility (population std of the last 24 log returns) and momentum (log return over the last
// 168 bars); NaN while warming up. Fills the three members of `out`.
void coin_features(const data::Market& market, PreparedPortfolio& out);

// Per strategy its return per bar: the mean of its legs' returns (equal capital on each leg).
std::vector<std::vector<double>> strategy_returns(const PreparedPortfolio& prepared);

// The allocator's input as views into `prepared` (which must outlive it): legs named by their
// coin's label, regimes and features of each coin.
AllocatorInput allocator_input(const PreparedPortfolio& prepared);

// Pearson correlation of a and b over [begin, end); 0 when either has no variance.
double correlation(const std::vector<double>& a, const std::vector<double>& b, std::size_t begin,
                   std::size_t end);

// Annualized Sharpe ratio mean / std (ddof = 1) x sqrt(bars_per_year) over [begin, end); 0 with
// fewer than 2 bars or no variance.
double window_sharpe(const std::vector<double>& r, std::size_t begin, std::size_t end,
                     double bars_per_year);

}  // namespace organism::portfolio
