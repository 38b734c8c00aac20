// The backtest under the risk manager's limits (`organism backtest --risk`, portfolio backtests
// with --risk, validation's halt count): the portfolio loop of simulator.hpp, bar by bar on a
// backtest::Account, with the circuit breakers (circuit_breakers.hpp) fed each close and the
// per-bar caps applied to the targets before they are set:
//   1. step the bar (fills at its open under next_open, stops, funding), equity at its close;
//   2. the breakers see the equity, the trades closed on the bar and each leg's bar return;
//   3. each leg's target: HALTED -> 0 (flat at the next fill, as the live engine flattens at the
//      next opportunity; from the halt on the exposure is 0); REDUCING -> no larger in magnitude
//      than the exposure held and never of the other sign; then |target x weight x leverage| <=
//      asset_cap (per coin; legs of one coin are summed) and the legs' gross <= max_leverage
//      (scaled down together).
// Stale data and the exchange error rate do not exist in a backtest. With every limit off the
// result equals run_portfolio's bit for bit. Pure computation.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "backtest/circuit_breakers.hpp"
#include "backtest/risk_limits.hpp"
#include "backtest/simulator.hpp"

namespace organism::backtest {

struct RiskBacktestResult {
  PortfolioResult portfolio{};
  std::vector<Transition> transitions{};
  std::optional<std::size_t> halt_bar{};  // index of the bar at whose close HALTED began
  std::int64_t bars_reducing = 0;         // closes spent in REDUCING
  std::int64_t bars_halted = 0;           // closes spent in HALTED
  std::int64_t targets_capped = 0;        // (bar, leg) targets cut by asset_cap or max_leverage
};

// Legs as run_portfolio takes them; `coin_of_leg[j]` groups legs of one coin for the asset cap
// (empty: every leg is its own coin).
RiskBacktestResult run_portfolio_with_risk(std::span<const Leg> legs, const BacktestConfig& config,
                                           const RiskLimits& limits,
                                           std::span<const std::size_t> coin_of_leg = {});

}  // namespace organism::backtest
