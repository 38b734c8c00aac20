// The backtest simulator: a loop over a backtest::Account (account.hpp) that turns bars and a
// target-exposure signal into equity, exposure and trades under the named models of models.hpp.
// Used by the backtest command, evolution's fitness and validation; pure computation, no I/O.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "backtest/models.hpp"
#include "backtest/trade.hpp"
#include "data/series.hpp"

namespace organism::backtest {

struct BacktestInput {
  data::CandleView bars{};
  // Target exposure decided at each bar's close, in [-1, 1] (values outside are clamped), times
  // the leverage cap, as a fraction of equity. Same length as bars.
  std::span<const double> target{};
  // Optional, same length: 1 where a fresh entry signal fires. After a stop exit the simulator
  // stays flat until the target changes sign or goes to 0, or until such an event (entry/exit
  // signals re-arm on every entry, as vectorbt's do).
  std::span<const std::uint8_t> rearm{};
  // Optional, same length: the summed funding rate settled during each bar (data::funding_per_bar()).
  std::span<const double> funding{};
  // Also record cash and units per bar (for invariant checks and reports; off in evolution).
  bool record_positions = false;
};

struct BacktestResult {
  std::vector<double> equity;    // at each bar's close, after that bar's fills and funding
  std::vector<double> exposure;  // target the position was last sized to x leverage; 0 when flat
  std::vector<double> cash;      // with record_positions: cash at each close (equity = cash + units x close)
  std::vector<double> units;     // with record_positions: signed position at each close
  std::vector<Trade> trades;     // closed trades, then the open one (open = true) if any
  double fees = 0;               // all fees paid
  double funding = 0;            // all funding paid (negative: received)
  std::int64_t fills = 0;        // orders filled
  bool liquidated = false;       // equity reached 0; nothing traded after
};

// Runs one backtest into `out`, reusing its buffers (no allocation once they have grown).
// Throws core::UsageError for mismatched lengths, a non-finite target, or a bad config.
void run_backtest(const BacktestInput& input, const BacktestConfig& config, BacktestResult& out);
BacktestResult run_backtest(const BacktestInput& input, const BacktestConfig& config);

// Portfolio mode: several legs (coin, signal, weight) share one cash account. A leg's position is
// sized to target x weight x leverage x the portfolio's equity; every leg's bars must have the
// same times. The single-coin run above is this with one leg of weight 1: one loop serves both.
struct Leg {
  std::string name;       // e.g. "binance:BTC:1h"
  BacktestInput input;    // bars, target, optional re-arm events and funding
  double weight = 1;      // share of equity at target 1 (weights need not sum to 1)
};

struct LegResult {
  std::string name;
  std::vector<double> exposure;  // target x weight x leverage the leg was last sized to
  std::vector<Trade> trades;
  double fees = 0, funding = 0;
  double pnl = 0;  // net pnl of the leg's trades (the open one marked at the last close)
  std::int64_t fills = 0;
};

struct PortfolioResult {
  std::vector<double> equity;  // total, at each close
  std::vector<double> exposure;  // sum of the legs' signed exposures
  std::vector<LegResult> legs;
  double fees = 0, funding = 0;
  std::int64_t fills = 0;
  bool liquidated = false;
};

PortfolioResult run_portfolio(std::span<const Leg> legs, const BacktestConfig& config);

class Account;
// A portfolio run's last step: each leg's trades (taken from `account`), fees, funding, fills and
// pnl into out.legs (already sized, one per leg), and their sums into out. Also the risk backtest's.
void collect_legs(Account& account, PortfolioResult& out);

// Entry/exit events to a target: +side from an entry until an exit (long-only: side +1,
// short-only: -1). An entry and an exit on the same bar cancel out (no change).
std::vector<double> signals_to_target(std::span<const std::uint8_t> entry,
                                      std::span<const std::uint8_t> exit, int side);

}  // namespace organism::backtest
