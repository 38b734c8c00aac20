// Where the exchange is: the config keys exchange.url and exchange.proxy, the names "mainnet" and
// "testnet", and the WebSocket URL that goes with a REST base URL. Used by every command that talks
// to an exchange (data fetch, data stream, paper, trade), so they all read the same settings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace organism::core {
struct ConfigKey;
}

namespace organism::exchange::client {

inline constexpr std::string_view kMainnetUrl = "https://api.hyperliquid.xyz";
inline constexpr std::string_view kTestnetUrl = "https://api.hyperliquid-testnet.xyz";

// "mainnet" and "testnet" name the exchange's URLs; anything else is taken as a URL as given
// (parse_base_url checks it when a connection is made).
std::string rest_url(std::string_view url_or_name);
// The WebSocket endpoint of a REST base URL: https -> wss, http -> ws, plus "/ws"
// ("https://api.hyperliquid.xyz" -> "wss://api.hyperliquid.xyz/ws").
std::string websocket_url(std::string_view rest_base_url);

// exchange.url and exchange.proxy, each with its check.
std::vector<core::ConfigKey> config_keys();

}  // namespace organism::exchange::client
