// `organism exchange-sim` as one call: the market from the store, the engine, the simulator's API
// and the server, with the state directory restored and saved. The CLI parses its flags into
// ExchangeSimOptions and calls run_exchange_sim; tests run the command as a real process.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace organism::exchange::sim_server {

struct ExchangeSimOptions {
  std::string db;                                // the store holding the bars (and funding)
  std::vector<std::string> coins{"BTC", "ETH"};
  std::string interval;                          // empty: the finest stored for every coin
  std::optional<core::TimeMs> from;              // empty: after 500 bars of warm-up history
  double speed = 60;                             // market ms per wall ms; 0: control only
  std::uint16_t port = 0;
  double balance = 100000;                       // USDC of every new account
  std::uint64_t seed = 1;
  std::string faults;                            // the --faults SPEC (faults.hpp grammar)
  std::string regime_breaks;                     // the --regime-break SPEC (sim/regime_break.hpp)
  std::string state_dir;                         // empty: no state kept across restarts
  bool testnet = false;                          // accept testnet-signed actions instead of mainnet
  std::string order_log;                         // set: every accepted order as a JSON line here
  // Hidden knobs for tests: the WS idle close and the REST budget per IP and minute.
  core::TimeMs ws_idle_ms = 60000;
  std::int64_t rest_weight_per_minute = 1200;
};

// Builds everything, calls on_listening(port) once the port is bound (the command prints the
// first stdout line there), serves until SIGINT/SIGTERM, saves the state and returns the signal's
// name. core::UsageError for a bad fault or regime-break spec or speed, core::Error for missing data, an
// unusable or mismatched state file, or a port that cannot be bound.
std::string run_exchange_sim(const ExchangeSimOptions& options,
                             const std::function<void(std::uint16_t port)>& on_listening);

}  // namespace organism::exchange::sim_server
