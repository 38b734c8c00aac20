// The walk-forward backtest of an allocation policy: strategies' exposures per coin, weighted at
// each rebalance from their past returns only, netted per coin and traded through one account
// (backtest::run_portfolio) with costs. Side by side on the same bars and costs: the allocator,
// equal weights, the best single strategy and hierarchical risk parity. Pure computation.
// Used by `organism portfolio backtest`, `organism portfolio evolve` (its fitness) and the tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backtest/metrics.hpp"
#include "backtest/models.hpp"
#include "core/time.hpp"
#include "data/market.hpp"
#include "indicators/regime.hpp"
#include "portfolio/allocator.hpp"

namespace organism::portfolio {

// One strategy as the portfolio sees it: per leg (a coin of the market) the target decided at each
// close, and the backtest configuration of its genome (leverage, stops) its returns are measured
// with.
struct StrategyStream {
  std::string id;
  std::vector<std::size_t> coins;            // indices into Market::coins
  std::vector<std::vector<double>> targets;  // [leg][bar], in [-1, 1], decided at each close
  backtest::BacktestConfig config{};         // the genome's (evolve::backtest_config)
  double age_days_at_start = 0;              // see StrategyHistory
};

// Per leg, the return of the leg traded alone at unit capital (run_backtest of its targets on its
// coin with the strategy's config), returns[leg][i] over bar i (bar 0: 0).
std::vector<std::vector<double>> leg_returns(const StrategyStream& stream, const data::Market& market);

// Per coin of the market, its regime per bar (classify_regimes with the coin's sentiment).
std::vector<std::vector<indicators::Regime>> market_regimes(const data::Market& market,
                                                            const indicators::RegimeOptions& options = {});

enum class Policy { Allocator, EqualWeight, BestSingle, Hrp };
std::string_view policy_name(Policy policy);  // "allocator", "equal_weight", "best_single", "hrp"

struct PortfolioBacktestOptions {
  AllocatorOptions allocator{};
  // Bars [begin, end) of the market are traded (end 0: to the last bar). The first rebalance is
  // at `begin` (which must leave allocator.min_history_bars before it), then every
  // allocator.rebalance_bars.
  std::size_t begin = 0, end = 0;
  backtest::BacktestConfig costs{};  // fees, slippage, fill model, funding of the account
  double capital = 10'000;
  double target_volatility = 0;  // > 0: metrics also on the curve rescaled to it (the evolution's)
};

// The weights one rebalance set, and the exposure they gave at that bar.
struct WeightRow {
  core::TimeMs time = 0;
  std::string strategy, coin;
  double weight = 0;    // the leg's capital share (the strategy's on this coin; its legs sum to its share)
  double exposure = 0;  // its signed position notional on the coin / portfolio equity
};

struct PolicyResult {
  Policy policy = Policy::Allocator;
  std::vector<core::TimeMs> times;  // of the traded bars
  std::vector<double> equity;       // at each traded close
  backtest::Metrics metrics{};      // as traded
  backtest::Metrics scaled{};       // at options.target_volatility (== metrics when it is 0)
  double turnover = 0;              // sum over bars of sum over coins |change of target| / years
  double fees = 0, funding = 0;
  std::vector<Allocation> rebalances;  // every rebalance's allocation (baselines fill weights only)
  std::vector<WeightRow> weights;      // one row per (rebalance, strategy, leg)
};

struct PortfolioBacktestResult {
  std::vector<std::string> strategies;  // ids, input order
  std::vector<std::string> coins;       // the market's coin labels
  std::vector<PolicyResult> policies;   // in the order asked
  // Correlation of the strategies' returns (mean of legs) over the traded bars, [i][j].
  std::vector<std::vector<double>> correlation;
  // Per coin, its regime label per traded bar (indicators::Regime::code()).
  std::vector<std::vector<std::uint8_t>> regimes;
};

// What every backtest of one strategy set on one market shares, computed once (the evolution of
// the sizing runs many backtests on it): the legs' returns, the coins' regimes and features.
struct PreparedPortfolio {
  const data::Market* market = nullptr;       // must outlive this
  std::vector<StrategyStream> strategies;
  std::vector<std::vector<std::vector<double>>> returns;  // [strategy][leg][bar], leg_returns
  std::vector<std::vector<indicators::Regime>> regimes;   // [coin][bar], market_regimes
  std::vector<std::vector<std::uint8_t>> regime_codes;    // [coin][bar]
  // Per coin, known at each close: liquidity = mean close x volume over the last 168 bars,
  // volatility = realized volatility of the last 24 log returns, momentum = log return over the
  // last 168 bars (NaN while warming up).
  std::vector<std::vector<double>> liquidity, volatility, momentum;
};
// Throws core::UsageError for no strategies, coins out of range, or targets of the wrong length.
PreparedPortfolio prepare_portfolio(std::vector<StrategyStream> strategies, const data::Market& market,
                                    const indicators::RegimeOptions& regimes = {});

// Throws core::UsageError for a period too short for min_history_bars (or empty).
PortfolioBacktestResult run_portfolio_backtest(const PreparedPortfolio& prepared, const std::vector<Policy>& policies,
                                               const PortfolioBacktestOptions& options);
// prepare_portfolio, then the above.
PortfolioBacktestResult run_portfolio_backtest(const std::vector<StrategyStream>& strategies,
                                               const data::Market& market, const std::vector<Policy>& policies,
                                               const PortfolioBacktestOptions& options);

}  // namespace organism::portfolio
