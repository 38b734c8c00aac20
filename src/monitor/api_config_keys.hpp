// The api.* configuration keys: where the monitor's HTTP API listens (in `organism run` and
// `organism serve`), its token file, TLS and limits. The CLI assembles them with the other
// layers' keys; monitor_service.hpp turns them into the server's options.
#pragma once

#include <string>
#include <vector>

namespace organism::core {
struct ConfigKey;
}  // namespace organism::core

namespace organism::monitor {

std::vector<core::ConfigKey> api_config_keys();

// "HOST:PORT" or "[V6]:PORT" split; core::UsageError naming `what` otherwise ("off" is the
// caller's to handle).
struct ListenAddress {
  std::string host;
  unsigned short port = 0;
};
ListenAddress parse_listen(const std::string& text, const std::string& what);

}  // namespace organism::monitor
