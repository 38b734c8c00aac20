#include "monitor/monitor_service.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "core/config.hpp"
#include "core/error.hpp"
#include "data/sql.hpp"
#include "monitor/alerts/alert_monitor.hpp"
#include "monitor/api/api_routes.hpp"
#include "monitor/config_keys.hpp"
#include "monitor/http/http_server.hpp"
#include "monitor/http/token.hpp"
#include "monitor/metrics/metrics_collector.hpp"

namespace organism::monitor {

MonitorServiceOptions monitor_options_from(const core::Config& config, const std::string& store_path) {
  MonitorServiceOptions o;
  o.store_path = store_path;
  o.listen = config.get("api.listen");
  o.token_file = config.get("api.token_file");
  o.tls_cert = config.get("api.tls_cert");
  o.tls_key = config.get("api.tls_key");
  o.max_body_bytes = static_cast<std::size_t>(config.get_int("api.max_body_bytes"));
  o.request_timeout_ms = static_cast<int>(config.get_int("api.request_timeout_ms"));
  o.rate_per_minute = config.get_int("api.rate_per_minute");
  o.threads = static_cast<int>(config.get_int("api.threads"));
  o.alerts = alert_options_from(config);
  return o;
}

struct MonitorService::Impl {
  explicit Impl(MonitorServiceOptions o)
      : options(std::move(o)),
        sources(api::ApiSources::for_store(options.store_path)),
        token_path(options.token_file.empty() ? data::sql::local_files_base(options.store_path) + ".api-token" : options.token_file) {
    // Created only when it is the default file: a file the user named must exist (a typo would
    // otherwise silently serve under a token nobody knows).
    created = options.token_file.empty() && !std::filesystem::exists(token_path);
    const std::string token = http::load_token_file(token_path, options.token_file.empty());
    metrics = std::make_unique<MetricsCollector>(files());
    if (options.alerts) alerts = std::make_unique<AlertMonitor>(files(), *options.alerts);
    auto routes = api::api_routes(sources);
    routes.push_back(metrics_route(*metrics));
    if (alerts) routes.push_back(alerts_route(*alerts));
    http::ServerOptions server_options;
    server_options.listen = options.listen;
    server_options.tls_cert_file = options.tls_cert;
    server_options.tls_key_file = options.tls_key;
    server_options.token = token;
    server_options.max_body_bytes = options.max_body_bytes;
    server_options.request_timeout_ms = options.request_timeout_ms;
    server_options.rate_per_minute = options.rate_per_minute;
    server_options.threads = options.threads;
    server = std::make_unique<http::HttpServer>(std::move(routes), server_options);
    if (alerts) alerts->start();
  }

  const MonitorFiles& files() const { return sources; }

  MonitorServiceOptions options;
  api::ApiSources sources;
  std::string token_path;
  bool created = false;
  std::unique_ptr<MetricsCollector> metrics;
  std::unique_ptr<AlertMonitor> alerts;
  std::unique_ptr<http::HttpServer> server;
};

MonitorService::MonitorService(MonitorServiceOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

MonitorService::~MonitorService() { stop(); }

std::string MonitorService::url() const { return impl_->server->url(); }
const std::string& MonitorService::token_file() const { return impl_->token_path; }
bool MonitorService::token_created() const { return impl_->created; }

void MonitorService::stop() {
  if (!impl_) return;
  if (impl_->server) impl_->server->stop();
  if (impl_->alerts) impl_->alerts->stop();
}

}  // namespace organism::monitor
