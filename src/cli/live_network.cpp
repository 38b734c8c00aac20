#include "cli/live_network.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "backtest/risk_limits.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "exchange/client/endpoints.hpp"
#include "exchange/client/http_transport.hpp"
#include "exec/agent_key.hpp"
#include "exec/live_broker.hpp"

namespace organism::cli {

NetworkTarget network_target(const std::string& network, const core::Config& config) {
  const std::string configured = exchange::client::rest_url(config.get("exchange.url"));
  if (network.empty()) {
    exec::require_loopback_url(configured);
    return NetworkTarget{"", configured, true};
  }
  if (network != "mainnet" && network != "testnet") {
    throw core::UsageError(fmt::format("--network '{}': testnet or mainnet", network));
  }
  NetworkTarget target{network, exchange::client::rest_url(network), network == "mainnet"};
  if (config.source("exchange.url") != "default" && configured != target.url) {
    const auto base = exchange::client::parse_base_url(configured);
    if (!exchange::client::is_loopback_host(base.host)) {
      throw core::UsageError(fmt::format("--url {} with --network {}: give the network's own URL ({}) or a loopback "
                                         "simulator's",
                                         configured, network, target.url));
    }
    target.url = configured;  // a local `exchange-sim --testnet` standing in for the network
  }
  return target;
}

std::vector<std::string> missing_live_risk_keys(const core::Config& config) {
  std::vector<std::string> missing;
  for (const char* key : backtest::live_required_risk_keys()) {
    if (config.source(key) == "default") missing.emplace_back(key);
  }
  return missing;
}

void confirm_network(const NetworkTarget& target, const std::string& summary, bool yes,
                     const std::string& yes_flag) {
  fmt::print("{}", summary);
  std::fflush(stdout);
  if (yes) return;
  if (!isatty(STDIN_FILENO)) {
    throw core::UsageError(fmt::format("--network {}: stdin is not a terminal, so the typed confirmation cannot be "
                                       "asked; pass {} to confirm non-interactively",
                                       target.name, yes_flag));
  }
  fmt::print("Type the network's name ({}) to go on: ", target.name);
  std::fflush(stdout);
  std::string typed;
  std::getline(std::cin, typed);
  if (core::trim(typed) != target.name) {
    throw core::UsageError(fmt::format("confirmation '{}' is not '{}': nothing was done", core::trim(typed),
                                       target.name));
  }
}

}  // namespace organism::cli

namespace organism::cli {

void apply_live_network(const LiveRequest& r, const core::Config& config, exec::SessionOptions& o) {
  const NetworkTarget target = network_target(r.network, config);
  o.url = target.url;
  o.real_network = target.real();
  o.mainnet = target.mainnet;
  if (!target.real()) return;
  const auto missing = missing_live_risk_keys(config);
  if (!missing.empty()) {
    throw core::UsageError(fmt::format("--network {}: set these risk limits explicitly (config file, ORGANISM_RISK_* "
                                       "or flags) before trading on a real network: {}",
                                       target.name, fmt::join(missing, ", ")));
  }
  const std::string account = r.account.empty() ? exec::load_agent_key(r.key_file).address().hex() : r.account;
  std::string summary = fmt::format("LIVE TRADING on {} ({})\n  account    {}\n  trading    {}\n", target.name,
                                    target.url, account, r.what);
  for (const auto& key : config.keys()) {
    if (std::string_view(key.name).starts_with("risk.")) {
      summary += fmt::format("  {} = {} ({})\n", key.name, config.get(key.name), config.source(key.name));
    }
  }
  confirm_network(target, summary, r.yes_live, "--yes-live");
}

}  // namespace organism::cli
