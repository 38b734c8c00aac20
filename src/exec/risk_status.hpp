// What `organism risk status` reports, read from the trading journal and the store without
// touching either (safe while a session trades): the trading state and its cause, the breakers'
// memory, the newest transitions, the pre-trade check counts, the commands, the exposure by coin
// and by strategy at the store's last closes, and the historical VaR/CVaR of the account's
// positions (risk_monitor.hpp) over the store's recent bars. The CLI only prints it.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backtest/circuit_breakers.hpp"
#include "exec/risk_journal.hpp"
#include "exec/risk_monitor.hpp"

namespace organism::exec {

struct RiskStatusOptions {
  std::string journal_path{};
  std::string store_path{};         // the marks and the VaR's history (venue hyperliquid)
  std::size_t transitions = 10;     // the newest ones
  std::string var_interval{};       // the bars VaR scenarios are taken over; empty: each coin's
                                    // stored interval with the most bars, the same for all coins
  std::size_t var_bars = 720;       // scenarios: the returns of the newest this many bars (30 days of 1h);
                                    // 0: no VaR (its history is the one part that reads series whole)
};

struct RiskStatus {
  std::string journal{};
  backtest::BreakerMemory memory{};
  std::optional<RiskTransitionRecord> cause{};  // the transition into the current state (not ACTIVE)
  std::vector<RiskTransitionRecord> transitions{};  // newest first
  std::map<std::string, RiskCheckCount> checks{};
  std::vector<RiskCommand> commands{};              // newest first
  std::map<std::string, double> marks{};            // coin -> the store's last close
  // strategy -> coin -> units, from the journal's positions (the account's under "").
  std::map<std::string, std::map<std::string, Units>> positions{};
  ExposureReport exposure{};  // of the strategies' positions, at `marks`, of memory.equity
  std::string var_interval{}; // the interval the scenarios used (empty: no history found)
  VarReport var{};            // of exposure.notional()
};

// core::Error when the journal does not exist or is not an organism journal. A missing store is
// no error: the exposure is then unpriced and VaR says why it is missing.
RiskStatus read_risk_status(const RiskStatusOptions& options);

}  // namespace organism::exec
