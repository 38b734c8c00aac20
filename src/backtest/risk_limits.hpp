// The risk manager's limits: one struct read from the risk.* configuration keys (and their
// ORGANISM_RISK_* variables), used unchanged by the backtest (`organism backtest --risk`,
// risk_backtest.hpp), validation and the live trading engine (src/exec/risk_manager.hpp), so that
// evolution and validation see the trader that will really run. docs/risk.md lists every key.
// A limit of 0 is off, except where its comment says otherwise.
#pragma once

#include <cstdint>
#include <vector>

namespace organism::core {
struct ConfigKey;
class Config;
}  // namespace organism::core

namespace organism::backtest {

struct RiskLimits {
  // --- portfolio circuit breakers (circuit_breakers.hpp) ---
  // HALTED when equity is this fraction below its running peak.
  double max_drawdown = 0.10;
  // REDUCING when the drawdown reaches reduce_at x max_drawdown; back to ACTIVE once it is below
  // reduce_at x max_drawdown x (1 - hysteresis).
  double reduce_at = 0.5;
  // The gap, as a fraction of a threshold, between tripping a REDUCING breaker and clearing it
  // (drawdown, volatility, error rate), so that a figure at the line does not flap.
  double hysteresis = 0.2;
  // HALTED when equity is this fraction below the equity at the start of the UTC day.
  double daily_loss = 0.05;
  // REDUCING after this many losing closed trades in a row (all strategies); a winning trade
  // clears it.
  int losing_streak = 8;
  // REDUCING while a coin's realized volatility (stdev of its last vol_window bar returns) is above
  // vol_k x the median of its last vol_median_window such values; clears below
  // vol_k x (1 - hysteresis) x median.
  double vol_k = 3;
  int vol_window = 24;
  int vol_median_window = 720;
  // REDUCING ("stale data") while no bar has closed for stale_intervals bar intervals, or the
  // order book has not updated for stale_book_seconds (live only; never in a backtest).
  double stale_intervals = 2;
  double stale_book_seconds = 60;
  // REDUCING while at least this share of the last error_window exchange requests failed
  // (refused orders, transport errors, lost replies); live only.
  double error_rate = 0.5;
  int error_window = 20;

  // --- pre-trade checks (src/exec/pre_trade.hpp) and the backtest's per-bar caps ---
  // |net notional of one coin, all strategies together| <= asset_cap x account equity.
  double asset_cap = 0.15;
  // Gross notional (sum over coins of |net notional|) <= max_leverage x account equity.
  double max_leverage = 3;
  // USD per order and per coin position (0: off).
  double max_order_notional = 0;
  double max_position_notional = 0;
  // Orders of ours open at once.
  int max_open_orders = 50;
  // An order's limit price at most this fraction away from the mark.
  double price_collar = 0.05;
  // USD; Hyperliquid refuses orders under $10.
  double min_order_value = 10;

  // --- per strategy ---
  // A strategy is paused when its live drawdown exceeds its validated backtest maximum x this.
  double strategy_dd_multiple = 1.5;

  // --- dead man's switch (live only) ---
  // scheduleCancel at now + this, refreshed every third of it (0: off; at least 10 when on).
  double dead_man_seconds = 60;
};

// The risk.* keys, defaults from RiskLimits' member initializers (each written once).
std::vector<core::ConfigKey> risk_config_keys();

// The limits a configuration holds (every key checked).
RiskLimits risk_limits_from(const core::Config& config);

// The keys `organism trade --network testnet|mainnet` requires to be set explicitly (file,
// environment or flag, never the default): the drawdown, the daily loss, the per-order and
// per-position notionals and the leverage cap.
const std::vector<const char*>& live_required_risk_keys();

}  // namespace organism::backtest
