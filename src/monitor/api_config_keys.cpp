#include "monitor/api_config_keys.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/config.hpp"
#include "core/error.hpp"

namespace organism::monitor {

ListenAddress parse_listen(const std::string& text, const std::string& what) {
  const auto colon = text.rfind(':');
  const auto bad = [&](const std::string& why) {
    return core::UsageError(fmt::format("{}: '{}' {} (expected HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)", what,
                                        text, why));
  };
  if (colon == std::string::npos || colon == 0) throw bad("has no host or port");
  ListenAddress out;
  out.host = text.substr(0, colon);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty()) throw bad("has an empty host");
  const std::string port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535)
    throw bad("has no port in 0..65535");
  out.port = static_cast<unsigned short>(value);
  return out;
}

std::vector<core::ConfigKey> api_config_keys() {
  namespace check = core::check;
  const auto listen_check = check::custom("HOST:PORT or off", [](const std::string& v) -> std::optional<std::string> {
    if (v == "off") return std::nullopt;
    try {
      parse_listen(v, "api.listen");
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::nullopt;
  });
  return {
      {"api.listen", "127.0.0.1:8080",
       "address of the HTTP API of `organism run` and `organism serve` (off: `run` serves none); not loopback "
       "needs api.tls_cert and api.tls_key",
       listen_check},
      {"api.token_file", "",
       "file holding the API's bearer token, mode 0600 (empty: STORE.api-token, created when missing)",
       check::text()},
      {"api.tls_cert", "", "PEM certificate chain of the API (with api.tls_key: HTTPS)", check::text()},
      {"api.tls_key", "", "PEM private key of the API, mode 0600", check::text()},
      {"api.max_body_bytes", "65536", "larger request bodies are refused with 413",
       check::whole(core::closed(1024, 16 << 20))},
      {"api.request_timeout_ms", "10000",
       "a request's header and body must arrive within this, or the connection is dropped (slowloris)",
       check::whole(core::closed(100, 600'000))},
      {"api.rate_per_minute", "1200", "requests per client address per minute; beyond: 429",
       check::whole(core::closed(1, 1'000'000))},
      {"api.threads", "2", "threads serving the API", check::whole(core::closed(1, 64))},
  };
}

}  // namespace organism::monitor
