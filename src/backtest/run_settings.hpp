// How one backtest is set up besides its bars and signals: the cost model of the config's
// backtest.* keys, and a run's own options (cash, leverage, stops, rebalancing, parity mode,
// annualization). `organism backtest`, the other commands that trade with the configured costs,
// and the Python module (python/) all build their configs here, so equal options give equal runs.
#pragma once

#include <string>

#include "backtest/metrics.hpp"
#include "backtest/models.hpp"
#include "core/config.hpp"
#include "core/time.hpp"

namespace organism::backtest {

// `base` with the fees, slippage, fill model and funding switch of backtest.*. A bad value is a
// core::UsageError naming the key and where it came from (e.g. "flag --fees").
BacktestConfig costs_from_config(const core::Config& cfg, BacktestConfig base = {});

// A run's options, named as `organism backtest`'s flags.
struct RunSettings {
  double init_cash = 10'000, leverage = 1, min_trade = 0;
  double sl = 0, tp = 0, trail = 0;  // stop-loss, take-profit, trailing stop fractions (0: off)
  std::string rebalance = "on_change";  // or "every_bar"
  std::string parity;                   // "" or "vectorbt"
  double bars_per_year = 0;             // 0: from the interval
  int consistency_windows = 12;
};

// `costs` with the run's options; core::UsageError for an unknown rebalance or parity value, and
// check_config's for values out of range.
BacktestConfig make_config(const RunSettings& run, BacktestConfig costs);
MetricsOptions metrics_options(const RunSettings& run, const core::Interval& interval, const BacktestConfig& config);

}  // namespace organism::backtest
