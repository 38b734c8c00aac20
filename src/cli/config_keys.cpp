// The assembled key list (config_keys.hpp).
#include "cli/config_keys.hpp"

#include "exchange/client/endpoints.hpp"
#include "lifecycle/config_keys.hpp"
#include "monitor/api_config_keys.hpp"
#include "monitor/config_keys.hpp"
#include "portfolio/config_keys.hpp"
#include "runs/config_options.hpp"

namespace organism::cli {

std::vector<core::ConfigKey> all_config_keys() {
  std::vector<core::ConfigKey> keys = runs::research_config_keys();
  for (auto layer : {exchange::client::config_keys, portfolio::config_keys, lifecycle::config_keys,
                     monitor::api_config_keys, monitor::config_keys}) {
    for (auto& key : layer()) keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace organism::cli
