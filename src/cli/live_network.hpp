// The rules for acting on a real Hyperliquid network (`trade --network`, `flatten --network`):
// which URL and signing chain a network means, the risk limits it requires, and the typed
// confirmation. Used by trade_commands.cpp and flatten_command.cpp.
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "exec/trading_session.hpp"

namespace organism::cli {

struct NetworkTarget {
  std::string name;  // "mainnet", "testnet"; empty: loopback only (the local simulator)
  std::string url;   // the REST base URL to use
  bool mainnet = true;  // the signing chain
  bool real() const { return !name.empty(); }
};

// `network` empty: exchange.url, which must then be loopback (a core::UsageError otherwise).
// "testnet" / "mainnet": that network's URL and chain; an exchange.url given explicitly (flag,
// file or environment) must then be loopback, for tests against `exchange-sim --testnet`, or the
// network's own URL. Anything else is a core::UsageError.
NetworkTarget network_target(const std::string& network, const core::Config& config);

// The risk keys `trade --network` needs set explicitly (not at their default), missing ones in
// order. A key the configuration does not know counts as missing.
std::vector<std::string> missing_live_risk_keys(const core::Config& config);

// On a terminal: prints `summary` and asks the user to type the network's name; anything else is a
// core::UsageError. With `yes`: prints the summary and goes on. Without a terminal and without
// `yes`: a core::UsageError naming `yes_flag`.
void confirm_network(const NetworkTarget& target, const std::string& summary, bool yes,
                     const std::string& yes_flag);

// A live session's target (`organism trade`, `organism run --live`): the URL and chain of
// network_target, and on a real network the explicit risk limits, then the summary (account,
// `what` is traded, the risk.* keys) and the confirmation. Sets o.url, o.real_network, o.mainnet.
struct LiveRequest {
  std::string network, key_file, account;
  std::string what;  // "strategies ID,..." or "the organism's production strategies"
  bool yes_live = false;
};
void apply_live_network(const LiveRequest& request, const core::Config& config, exec::SessionOptions& o);

}  // namespace organism::cli
