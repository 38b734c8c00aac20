// The exchange's endpoints and their config keys (endpoints.hpp).
#include "exchange/client/endpoints.hpp"

#include <fmt/format.h>

#include "core/config.hpp"
#include "core/error.hpp"
#include "exchange/client/proxy_connect.hpp"

namespace organism::exchange::client {

std::string rest_url(std::string_view url_or_name) {
  if (url_or_name == "mainnet") return std::string(kMainnetUrl);
  if (url_or_name == "testnet") return std::string(kTestnetUrl);
  std::string url(url_or_name);
  while (url.ends_with('/')) url.pop_back();
  return url;
}

std::string websocket_url(std::string_view rest_base_url) {
  const std::string base = rest_url(rest_base_url);
  if (base.starts_with("https://")) return "wss://" + base.substr(8) + "/ws";
  if (base.starts_with("http://")) return "ws://" + base.substr(7) + "/ws";
  return base;  // not http(s): the WebSocket client refuses it, naming it
}

std::vector<core::ConfigKey> config_keys() {
  namespace check = core::check;
  const auto url_check = check::custom(
      "mainnet, testnet or an http(s):// URL", [](const std::string& value) -> std::optional<std::string> {
        if (value == "mainnet" || value == "testnet" || value.starts_with("https://") ||
            value.starts_with("http://")) {
          return std::nullopt;
        }
        return fmt::format("'{}' is not mainnet, testnet or an http(s):// URL", value);
      });
  const auto proxy_check = check::custom(
      "empty (direct), http://HOST:PORT or socks5://HOST:PORT",
      [](const std::string& value) -> std::optional<std::string> {
        // The parser's own messages never repeat credentials put in the URL by mistake.
        try {
          parse_proxy_url(value);
          return std::nullopt;
        } catch (const core::UsageError& e) {
          return std::string(e.what());
        }
      });
  return {
      {"exchange.url", "mainnet",
       "the exchange's REST base URL: mainnet, testnet, or any URL speaking its API (the simulator's)", url_check},
      {"exchange.proxy", "",
       "route REST and WebSocket traffic through this proxy (credentials from ORGANISM_PROXY_USER and "
       "ORGANISM_PROXY_PASSWORD)",
       proxy_check},
  };
}

}  // namespace organism::exchange::client
