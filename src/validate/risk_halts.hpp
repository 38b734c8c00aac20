// How often a front member would have been halted by the risk manager: its exposures on every
// coin's out-of-sample and walk-forward segment replayed through the backtest under the risk
// limits (backtest/risk_backtest.hpp, the risk.* keys), at the genome's own leverage and the
// run's costs, as the live trader would run it. Reported, not a gate: a halt says the member's
// path crossed a breaker on that segment, which the gates' metrics (measured at the run's
// target volatility) do not see. One backtest per (segment, coin) per member. No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backtest/risk_limits.hpp"
#include "core/time.hpp"
#include "evolve/backtest_problem.hpp"
#include "strategy/genome.hpp"

namespace organism::validate {

// One coin's segment of one held-out stage under the risk limits.
struct SegmentHalt {
  evolve::Stage stage = evolve::Stage::OutOfSample;
  std::size_t coin = 0;  // universe index
  std::string label;     // the coin's label
  std::size_t bars = 0;  // of the segment
  bool halted = false;
  std::optional<std::size_t> halt_bar;  // index in the segment of the bar at whose close HALTED began
  core::TimeMs halt_time = 0;           // that close (the Transition's time); 0 when not halted
  std::string reason;                   // the breaker that halted it (backtest::name_of), "" when not
  std::int64_t bars_reducing = 0;       // closes spent in REDUCING
  std::int64_t bars_halted = 0;         // closes spent in HALTED
};

struct RiskHalts {
  std::vector<SegmentHalt> segments;  // out-of-sample then walk-forward, coins in universe order
  std::size_t halted = 0;             // segments halted: "halted in `halted` of segments.size()"
};

// The member `genome` on every non-empty out-of-sample and walk-forward segment of the
// evaluator's universe under `limits`.
RiskHalts risk_halts_of(const evolve::BacktestProblem& evaluator, const strategy::Genome& genome,
                        const backtest::RiskLimits& limits);

}  // namespace organism::validate
