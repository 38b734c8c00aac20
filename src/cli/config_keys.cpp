// The assembled key list (config_keys.hpp).
#include "cli/config_keys.hpp"

#include "backtest/config_keys.hpp"
#include "backtest/risk_limits.hpp"
#include "data/config_keys.hpp"
#include "evolve/config_keys.hpp"
#include "exchange/client/endpoints.hpp"
#include "lifecycle/config_keys.hpp"
#include "monitor/api_config_keys.hpp"
#include "monitor/config_keys.hpp"
#include "portfolio/config_keys.hpp"
#include "validate/config_keys.hpp"

namespace organism::cli {

std::vector<core::ConfigKey> all_config_keys() {
  std::vector<core::ConfigKey> keys;
  for (auto layer : {core::core_config_keys, data::config_keys, backtest::config_keys, backtest::risk_config_keys,
                     evolve::config_keys, validate::config_keys,
                     exchange::client::config_keys, portfolio::config_keys, lifecycle::config_keys,
                     monitor::api_config_keys, monitor::config_keys}) {
    for (auto& key : layer()) keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace organism::cli
