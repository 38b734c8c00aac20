// The portfolio circuit breakers: a pure state machine over what the account observes (equity,
// closed trades, bar returns, data age, exchange errors), giving the trading state
//   ACTIVE    every order allowed (subject to the pre-trade checks);
//   REDUCING  only orders that reduce a position (no new exposure);
//   HALTED    every order canceled, every position flattened with reduce-only market orders;
//             left only by an explicit resume (`organism risk resume`, or the end of a backtest).
// HALTED is latched (drawdown from the peak, daily loss, a manual halt); each REDUCING condition
// clears by itself once its figure is back inside the threshold less the hysteresis. The state is
// the worst condition in force. Every change of state is a Transition with its time, its reason
// and the figures that tripped it, for the journal and the equity report.
// Used by the backtest with --risk (risk_backtest.hpp), validation and the live risk manager
// (src/exec/risk_manager.hpp): one implementation, so a breaker trips at the same bar in all.
// Pure computation: no I/O, no clock (every call carries its time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backtest/risk_limits.hpp"
#include "core/time.hpp"

namespace organism::backtest {

enum class TradingState { active, reducing, halted };

// What put the state where it is.
enum class Breaker {
  drawdown,        // equity below its peak (REDUCING band, then HALTED)
  daily_loss,      // equity below the UTC day's start (HALTED)
  losing_streak,   // consecutive losing trades (REDUCING)
  volatility,      // a coin's realized volatility above vol_k x its median (REDUCING)
  stale_data,      // no closed bar / no book update for too long (REDUCING)
  error_rate,      // exchange requests failing (REDUCING)
  manual,          // `organism flatten` or `risk halt` (HALTED), `risk resume` (back to ACTIVE)
};

std::string_view name_of(TradingState state);  // "ACTIVE", "REDUCING", "HALTED"
std::string_view name_of(Breaker breaker);      // "drawdown", "daily_loss", ...
std::optional<TradingState> trading_state_from(std::string_view name);
std::optional<Breaker> breaker_from(std::string_view name);

// One change of the trading state.
struct Transition {
  core::TimeMs time = 0;
  TradingState from = TradingState::active;
  TradingState to = TradingState::active;
  Breaker reason = Breaker::drawdown;
  // The figures that tripped (or cleared) it, named: {"drawdown", 0.1034}, {"limit", 0.10},
  // {"peak", 10500}, {"equity", 9414.3}.
  std::vector<std::pair<std::string, double>> figures{};
  // "HALTED by drawdown: drawdown 0.1034 >= limit 0.1 (peak 10500, equity 9414.3)"
  std::string describe() const;
};

// What the breakers need to continue after a restart (kept in the journal; all of it is also
// recomputable from history, but a peak must never be forgotten by a crash).
struct BreakerMemory {
  TradingState state = TradingState::active;
  std::optional<Breaker> latched{};  // the breaker that latched HALTED
  double peak = 0;                   // running equity peak (0: none yet)
  std::int64_t day = -1;             // UTC day (time / kDayMs) of day_start
  double day_start = 0;              // equity at the first observation of that day
  int losing_streak = 0;
  double equity = 0;  // the last equity observed (0: none); what `risk status` reports
  double band_peak = 0;  // the drawdown band's peak since it was last re-armed (0: the peak)
};

class CircuitBreakers {
 public:
  // `coins`: how many coins report bar returns (volatility is tracked per coin).
  CircuitBreakers(const RiskLimits& limits, std::size_t coins);
  ~CircuitBreakers();
  CircuitBreakers(CircuitBreakers&&) noexcept;
  CircuitBreakers& operator=(CircuitBreakers&&) noexcept;

  // Equity observed at `time` (a bar's close in a backtest; also every mark in live, so a crash
  // within a bar trips within that bar). Updates the peak and the day's start; drawdown and daily
  // loss. Returns the transitions made (zero or one, sometimes two).
  std::vector<Transition> on_equity(core::TimeMs time, double equity);
  // A closed trade's net pnl (fees and funding included): the losing streak.
  std::vector<Transition> on_trade(core::TimeMs time, double pnl);
  // Coin `coin`'s bar return (close / previous close - 1) at the bar's close: volatility.
  std::vector<Transition> on_bar_return(core::TimeMs time, std::size_t coin, double bar_return);
  // Data age at `time`: ms since the newest bar closed (with the bar interval) and since the
  // book last updated (negative: no book, not checked).
  std::vector<Transition> on_data_age(core::TimeMs time, core::TimeMs bar_age_ms,
                                      core::TimeMs interval_ms, core::TimeMs book_age_ms);
  // One exchange request's outcome (true: refused or failed).
  std::vector<Transition> on_request(core::TimeMs time, bool failed);

  // HALTED by hand (flatten).
  std::vector<Transition> halt(core::TimeMs time, const std::string& why);
  // Leaves HALTED (and any REDUCING condition of the equity: the peak and the day start are reset
  // to `equity`, the losing streak to 0): the operator has looked. No-op when not halted.
  std::vector<Transition> resume(core::TimeMs time, double equity);

  TradingState state() const;
  // The conditions in force, worst first (empty when ACTIVE).
  std::vector<Breaker> in_force() const;
  // Current figures for `risk status`: drawdown, daily loss, streak, the worst volatility ratio,
  // the error share.
  std::vector<std::pair<std::string, double>> figures() const;

  BreakerMemory memory() const;
  void restore(const BreakerMemory& memory);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace organism::backtest
