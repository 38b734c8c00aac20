// The metrics of one backtest, computed from its equity curve, exposure series and trades.
// Used by the backtest problem (fitness vectors), validation gates, reports and JSON output.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "backtest/trade.hpp"

namespace organism::backtest {

struct MetricsOptions {
  double bars_per_year = 8760;    // annualizing factor (8760 = 1h bars, 365-day year); > 0
  int consistency_windows = 12;   // K equal windows of bars for consistency; >= 1
  double initial_equity = 10000;  // equity before the first bar, so bar 0 has a return; > 0
  // > 0: every metric is computed on the curve rescaled to this annualized volatility
  // (backtest/scaled_metrics.hpp), and turnover is per unit of mean gross exposure, so that no
  // metric rewards a smaller position. 0: the curve as traded.
  double target_volatility = 0;
};

// Every field is a finite number, whatever the input: the fitness vector (crowding distances)
// and JSON cannot carry NaN or infinity. Where a ratio's denominator is zero the ratio is 0, and
// a companion field says why (volatility 0, max_drawdown 0, win_rate 1). Exact formulas, the
// degenerate cases and the vectorbt conventions are in docs/metrics.md.
//
// Notation: n bars, equity e_0..e_{n-1}, e_{-1} = initial_equity, bar returns
// r_t = e_t / e_{t-1} - 1 (n returns). An equity at or below 0 is a bust: from that bar on the
// equity counts as 0, so that bar returns -100% and every later bar 0.
struct Metrics {
  double final_equity = 0;  // e_{n-1} (initial_equity when n = 0; 0 after a bust)
  double total_return = 0;  // final / initial - 1
  double cagr = 0;          // (final / initial)^(1 / years) - 1, years = n / bars_per_year
  double volatility = 0;    // std(r, ddof=1) * sqrt(bars_per_year)
  double sharpe = 0;        // mean(r) / std(r, ddof=1) * sqrt(bars_per_year), risk-free 0
  double sortino = 0;       // mean(r) / sqrt(mean(min(r, 0)^2)) * sqrt(bars_per_year)
  double calmar = 0;        // cagr / max_drawdown
  double max_drawdown = 0;  // max_t 1 - e_t / max(initial, max_{s<=t} e_s), in [0, 1]
  // Longest run of consecutive bars with e_t below the running peak (initial included); a
  // drawdown still open at the end counts up to the last bar.
  std::int64_t max_drawdown_duration = 0;
  std::int64_t trades = 0;   // closed trades (open ones excluded)
  double win_rate = 0;       // share of closed trades with pnl > 0
  double profit_factor = 0;  // sum of positive pnl / -sum of negative pnl, closed trades
  double avg_trade = 0;      // mean of pnl / (size * entry_price) over closed trades
  double exposure = 0;       // share of bars with a non-zero exposure (time in market)
  double turnover = 0;       // sum_t |x_t - x_{t-1}| / years, x_{-1} = 0
  double consistency = 0;    // share of K equal windows of bars with a compounded return > 0
  double skew = 0;           // population skewness of r: m3 / m2^1.5
  double kurtosis = 0;       // population excess kurtosis of r: m4 / m2^2 - 3
  double var_95 = 0;         // -(5% quantile of r), numpy's linear interpolation
  double cvar_95 = 0;        // -(mean of the r <= that quantile)
  // Ranking only (evolution is multi-objective), DESIGN.md:
  // 0.5 clamp(sharpe / 3, -1, 1) + 0.3 consistency - 0.2 min(max_drawdown / 0.5, 1).
  double combined_score = 0;
  // Set by the evaluator (evolve::BacktestProblem) when this backtest or its metrics threw: every
  // value above is then 0, and evolution ranks the genome infeasible. Not a metric (for_each_metric
  // skips it).
  bool evaluation_failed = false;
};

// equity[t] is the account value at the close of bar t; exposure[t] the signed position notional
// as a fraction of equity held through bar t (the same length as equity). Throws
// core::UsageError for bad options and core::Error for a length mismatch, a non-finite equity or
// exposure value, or a closed trade without a positive size and entry price; never throws after
// that. O(n) time (two passes and a selection). Its scratch (the returns for the tail selection,
// and with a target volatility the rescaled curve) is kept per thread and reused, so a call
// allocates only for a curve longer than any before it on its thread.
Metrics compute_metrics(std::span<const double> equity, std::span<const double> exposure,
                        std::span<const Trade> trades, const MetricsOptions& options);

// Visits every metric as (snake_case name, value) in a fixed order, for JSON and reports.
// The two counts are passed as doubles (exact below 2^53).
void for_each_metric(const Metrics& metrics,
                     const std::function<void(std::string_view, double)>& visit);

}  // namespace organism::backtest
