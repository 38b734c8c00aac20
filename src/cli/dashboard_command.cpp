// `organism dashboard`: the terminal dashboard, an ncurses client of organism's HTTP API (a local
// or remote `organism run --listen` or `organism serve`). The work is monitor::dashboard.
#include <memory>

#include "cli/context.hpp"
#include "monitor/dashboard/dashboard_terminal.hpp"

namespace organism::cli {

void add_dashboard_command(CLI::App& app, Registry& registry) {
  auto o = std::make_shared<monitor::dashboard::DashboardOptions>();
  CLI::App* cmd = app.add_subcommand("dashboard", "terminal dashboard of a running organism, through its HTTP API");
  cmd->footer(R"(
Polls GET /health, /positions, /risk and /alerts once per --interval-ms, and /equity,
/strategies, /allocations, /regimes and /runs every 5th time (they change once a bar), and shows
them as panels: equity with a sparkline and drawdown,
positions, strategies by state with their live Sharpe, risk state and breakers, allocation,
regimes, evolution progress, recent alerts. Keys: 1-9 or Tab/Shift-Tab focus one panel full-screen
(1 health, 2 equity, 3 positions, 4 strategies, 5 risk, 6 allocation, 7 regimes, 8 evolution,
9 alerts), 0 or Esc back to the overview, r refresh now, q quit (Ctrl-C too). A lost API keeps the last data on
screen and says since when it is unreachable. Plain http is accepted only to loopback; a remote
daemon needs https. Without --token-file no token is sent (only /health answers then).
Example: organism dashboard --url http://127.0.0.1:8080 --token-file organism.db.api-token)");
  cmd->add_option("--url", o->url, "the API's base URL")->capture_default_str();
  cmd->add_option("--token-file", o->token_file, "file holding the API's bearer token (mode 0600)");
  cmd->add_option("--interval-ms", o->interval_ms, "poll interval in milliseconds")->capture_default_str();
  cmd->add_flag("--no-color", o->no_color, "plain text: no colours or attributes");
  registry.on(cmd, [o](Context&) { monitor::dashboard::run_dashboard(*o); });
}

}  // namespace organism::cli
