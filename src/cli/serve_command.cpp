// `organism serve`: the monitor's HTTP API, /metrics and the alerts over a store, without a
// daemon (monitor/monitor_service.hpp). With a daemon running on the same store it shows what the
// daemon's own API shows: both read the store, the journals and STORE.daemon.json.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "cli/context.hpp"
#include "core/error.hpp"
#include "core/stop_signals.hpp"
#include "data/sql.hpp"
#include "monitor/monitor_service.hpp"

namespace organism::cli {
namespace {

struct ServeArgs {
  bool no_alerts = false;
};

void run_serve(const ServeArgs& a, Context& ctx) {
  auto options = monitor::monitor_options_from(ctx.config, ctx.db());
  if (ctx.config.get("api.listen") == "off") throw core::UsageError("api.listen is off: give --listen HOST:PORT");
  if (a.no_alerts) options.alerts.reset();
  core::StopSignals signals({SIGINT, SIGTERM});
  monitor::MonitorService service(options);
  fmt::print("serving {} for store {} (bearer token in {}{}; GET /health needs none)\n", service.url(), data::sql::display_location(ctx.db()),
             service.token_file(), service.token_created() ? ", created now" : "");
  std::fflush(stdout);
  while (!signals.token().load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  service.stop();
  fmt::print("stopped ({})\n", signals.received());
}

}  // namespace

void add_serve_command(CLI::App& app, Registry& registry) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "serve the HTTP API, Prometheus /metrics and alerts over a store");
  cmd->footer(R"(
Routes (docs/api.md; OpenAPI in docs/openapi.yaml): GET /health (no token), /strategies[?state=],
/strategies/ID, /positions, /orders, /fills, /equity?from=&to=, /risk, /allocations, /regimes,
/runs, /runs/ID, /alerts, /metrics; POST /risk/halt, /risk/resume, /flatten.
Every route but /health needs "Authorization: Bearer TOKEN". The token is read from --token-file
(api.token_file; default STORE.api-token, created with a random token when missing), which must
be mode 0600. An address that is not loopback needs --tls-cert and --tls-key (HTTPS).
It reads the store, the trading journals (STORE.journal.db, STORE.paper-journal.db) and the
daemon's status (STORE.daemon.json), so it works with or without `organism run` on the store;
`organism run` serves the same API itself at api.listen. Alerts (alerts.*) are sent from here
unless --no-alerts. Stops on SIGINT or SIGTERM (exit 0). Monitoring: docs/monitoring.md.)");
  registry.bind(cmd->add_option("--listen", "HOST:PORT to listen on (config api.listen)"), "api.listen");
  registry.bind(cmd->add_option("--token-file", "bearer token file, mode 0600 (config api.token_file)"),
                "api.token_file");
  registry.bind(cmd->add_option("--tls-cert", "PEM certificate chain: serve HTTPS (config api.tls_cert)"), "api.tls_cert");
  registry.bind(cmd->add_option("--tls-key", "PEM private key of --tls-cert (config api.tls_key)"), "api.tls_key");
  cmd->add_flag("--no-alerts", a->no_alerts, "do not run the alert rules here (e.g. the daemon already sends them)");
  registry.on(cmd, [a](Context& ctx) { run_serve(*a, ctx); });
}

}  // namespace organism::cli
