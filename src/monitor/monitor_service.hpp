// The monitor as one service: the HTTP API (monitor/api/), /metrics (monitor/metrics/), /alerts
// and the alert monitor (monitor/alerts/) behind one server (monitor/http/), over one store, its
// journals and STORE.daemon.json. `organism serve` runs it alone; `organism run` runs it inside
// the daemon. Both read the same files, so both show the same numbers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "monitor/alerts/alert.hpp"

namespace organism::core {
class Config;
}  // namespace organism::core

namespace organism::monitor {

struct MonitorServiceOptions {
  std::string store_path{};
  std::string listen = "127.0.0.1:8080";  // HOST:PORT (port 0: the kernel picks; url() tells)
  std::string token_file{};               // empty: STORE.api-token, created when missing
  std::string tls_cert{}, tls_key{};
  std::size_t max_body_bytes = 64 << 10;
  int request_timeout_ms = 10000;
  std::int64_t rate_per_minute = 1200;
  int threads = 2;
  std::optional<AlertOptions> alerts{};  // the alert monitor beside the API (nullopt: none)
};

// From the api.* and alerts.* keys.
MonitorServiceOptions monitor_options_from(const core::Config& config, const std::string& store_path);

class MonitorService {
 public:
  // Loads (or creates) the token file, binds the address, starts serving and the alert monitor.
  // core::UsageError for a bad address, a non-loopback address without TLS, or a token file
  // others can read; core::Error when the address cannot be bound.
  explicit MonitorService(MonitorServiceOptions options);
  ~MonitorService();
  MonitorService(const MonitorService&) = delete;
  MonitorService& operator=(const MonitorService&) = delete;

  std::string url() const;                // "http://127.0.0.1:8080"
  const std::string& token_file() const;  // the file's path (never its content)
  bool token_created() const;             // the file was created by this start
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::monitor
