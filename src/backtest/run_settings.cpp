#include "backtest/run_settings.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::backtest {

BacktestConfig costs_from_config(const core::Config& cfg, BacktestConfig base) {
  // Each read checks its key's range (backtest/config_keys.cpp): fractions in [0, 1), a known
  // fill model, on or off.
  base.fees.taker = cfg.get_double("backtest.taker_fee");
  base.fees.maker = cfg.get_double("backtest.maker_fee");
  base.slippage.fraction = cfg.get_double("backtest.slippage");
  base.fill = parse_fill_model(cfg.get("backtest.fill"));
  base.funding = cfg.get_bool("backtest.funding");
  return base;
}

BacktestConfig make_config(const RunSettings& run, BacktestConfig c) {
  c.initial_cash = run.init_cash;
  c.leverage = run.leverage;
  c.stops.stop_loss = run.sl;
  c.stops.take_profit = run.tp;
  c.stops.trailing = run.trail;
  c.min_trade = run.min_trade;
  if (run.rebalance == "every_bar") {
    c.rebalance = Rebalance::EveryBar;
  } else if (run.rebalance != "on_change") {
    throw core::UsageError("--rebalance is on_change or every_bar");
  }
  if (!run.parity.empty()) {
    if (run.parity != "vectorbt") throw core::UsageError(fmt::format("unknown --parity '{}' (vectorbt)", run.parity));
    apply_vectorbt_parity(c);
  }
  check_config(c);
  return c;
}

MetricsOptions metrics_options(const RunSettings& run, const core::Interval& interval, const BacktestConfig& c) {
  MetricsOptions mo;
  mo.bars_per_year = run.bars_per_year > 0 ? run.bars_per_year : interval.bars_per_year();
  mo.consistency_windows = run.consistency_windows;
  mo.initial_equity = c.initial_cash;
  return mo;
}

}  // namespace organism::backtest
