// `organism run`: the organism as one long-running process (src/daemon/organism_run.hpp). This
// file parses the flags, turns the configuration into the daemon's options (again on SIGHUP, the
// same loading as at start), sets up the rotating log file, and prints the daemon's lines.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "backtest/risk_limits.hpp"
#include "cli/config_reload.hpp"
#include "cli/context.hpp"
#include "cli/cost_options.hpp"
#include "cli/live_network.hpp"
#include "cli/series_args.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "daemon/organism_run.hpp"
#include "data/sql.hpp"
#include "exec/replay.hpp"
#include "lifecycle/config_keys.hpp"
#include "monitor/monitor_service.hpp"
#include "portfolio/config_keys.hpp"

namespace organism::cli {
namespace {

struct RunArgs {
  std::string until, log_file, key_file, account, network, fill = "book";
  bool paper = false, live = false, yes_live = false;
  double capital = 10'000;
};

daemon::RunOptions options_from(const RunArgs& a, const core::Config& config, const std::string& config_path) {
  daemon::RunOptions o;
  o.store_path = config.get("db");
  o.coins = config.get_list("evolve.coins");
  o.interval = core::Interval::parse_or_throw(config.get("evolve.interval"));
  if (!a.until.empty()) o.until = time_flag(a.until, "--until");
  if (!(a.capital > 0)) throw core::UsageError("--capital must be > 0");

  auto& s = o.session;
  s.url = config.get("exchange.url");
  s.proxy = config.get("exchange.proxy");
  auto costs = backtest::costs_from_config(config);
  costs.fill = backtest::FillModel::NextOpen;  // a decision at a close is sent at once
  s.loop.costs = costs;
  s.loop.interval = o.interval;
  s.risk = backtest::risk_limits_from(config);
  s.loop.strategy_dd_multiple = s.risk.strategy_dd_multiple;
  s.fill = exec::replay_fill_from(a.fill);
  s.key_file = a.key_file;
  s.account = a.account;
  o.live = a.live;
  o.capital = a.capital;
  o.allocator = portfolio::allocator_options_from(config, o.interval);
  o.scheduler_allocator = *o.allocator;
  if (a.live) {
    exec::SessionOptions target;
    apply_live_network({a.network, a.key_file, a.account, "the organism's production strategies", a.yes_live},
                       config, target);
    s.url = target.url;
    s.real_network = target.real_network;
    s.mainnet = target.mainnet;
  } else if (!a.network.empty()) {
    throw core::UsageError("--network: only with --live");
  }

  o.lifecycle = lifecycle::lifecycle_options_from(config, o.interval);
  o.paper_capital = o.lifecycle.paper_capital;
  o.flatten_on_stop = o.lifecycle.flatten_on_stop;
  o.bar_wait_ms = o.lifecycle.bar_wait_ms;

  auto& w = o.worker;
  w.organism_binary = std::filesystem::read_symlink("/proc/self/exe").string();
  w.store_path = o.store_path;
  w.config_path = config_path;
  w.log_path = data::sql::local_files_base(o.store_path) + ".evolve.log";
  w.every_bars = o.lifecycle.evolve_every_bars;
  w.budget_seconds = o.lifecycle.evolve_budget_seconds;
  w.population = static_cast<int>(o.lifecycle.evolve_population);
  w.generations = static_cast<int>(o.lifecycle.evolve_generations);

  if (config.get("api.listen") != "off") o.monitor = monitor::monitor_options_from(config, o.store_path);

  for (const auto& key : config.keys()) o.config_lines.push_back(fmt::format("{} = {}", key.name, config.get(key.name)));
  return o;
}

void run_daemon(const RunArgs& a, Context& ctx, const std::string& config_path) {
  if (a.paper && a.live) throw core::UsageError("--paper and --live: give one");
  std::shared_ptr<spdlog::logger> file_log;
  if (!a.log_file.empty()) {
    file_log = core::add_log_file(a.log_file, static_cast<std::size_t>(ctx.config.get_int("log.max_bytes")),
                                  static_cast<std::size_t>(ctx.config.get_int("log.files")));
  }
  std::mutex print_mutex;
  const daemon::Say say = [&](const std::string& line) {
    std::lock_guard lock(print_mutex);
    fmt::print("{}\n", line);
    std::fflush(stdout);
    if (file_log) file_log->info(line);
  };
  const daemon::LoadOptions reload = [&]() {
    const auto config = reload_config();
    if (config.get("db") != ctx.db()) {
      throw core::UsageError(fmt::format("db changed ({} -> {}): the store cannot change under a running daemon; "
                                         "restart it", data::sql::display_location(ctx.db()),
                                         data::sql::display_location(config.get("db"))));
    }
    return options_from(a, config, config_path);
  };
  const auto result = daemon::run_organism(options_from(a, ctx.config, config_path), reload, say);
  say(fmt::format("stopped ({}): {} closed bars, last {}", result.stop_reason, result.bars,
                  result.last_bar >= 0 ? core::format_utc(result.last_bar) : std::string("none")));
}

}  // namespace

void add_run_command(CLI::App& app, Registry& registry) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "run the organism: trading sessions, lifecycle, re-evolution, until stopped");
  cmd->footer(R"(
What runs, in one process (one per store: STORE.run.lock; a second one exits 1 naming the holder):
  - the clock: the exchange's closed bars of evolve.coins at evolve.interval, written to the store;
  - the paper session: strategies in state paper, each its own book of lifecycle.paper_capital USD
    on the paper broker (identity allocation), journal STORE.paper-journal.db;
  - the production session: strategies in production and decaying, the allocator (portfolio.*),
    the risk manager (risk.*), --capital, journal STORE.journal.db (what `organism positions`,
    `orders`, `fills`, `flatten`, `risk status` read); paper broker under --paper (the default),
    the agent key under --live (loopback simulator, or --network with `organism trade`'s checks);
  - at each closed bar: each strategy's mark (book equity, return), the lifecycle scheduler's
    moves (validated -> paper -> production -> decaying -> retired), the sessions restarted when
    their strategies change (a strategy leaving with a position keeps a closing slot until flat),
    and every lifecycle.evolve_every_bars bars a re-evolution at nice 19 (log STORE.evolve.log).
Lines on stdout (and --log-file): "bar TIME | paper EQ (N strategies) | production EQ (N
strategies) | testing N validated N ...", "mark ID SESSION TIME equity E ret R gross G",
"lifecycle: ID FROM -> TO at TIME: REASON", "session NAME: start ...", "evolution: ...".
Signals: SIGTERM or SIGINT finishes the bar in progress, stops the sessions (open orders
canceled; positions closed too when lifecycle.flatten_on_stop), stops the evolution child (it
checkpoints) and exits 0. SIGHUP reloads the configuration (--config file and ORGANISM_*), says
which keys changed, and restarts the sessions with the new limits. After kill -9 a new `organism
run` resumes: the sessions reconcile from their journals, the states are in the store.
Monitoring: the HTTP API, Prometheus /metrics and the alerts (alerts.*) at api.listen (default
127.0.0.1:8080; --listen off: none), bearer token in STORE.api-token (created when missing);
`organism dashboard` watches it (docs/monitoring.md). If the address cannot be served the daemon
says so and trades on.
--log-file rotates at log.max_bytes, keeping log.files old files (run.log: run.1.log ...). Exit 0 on a clean
stop, 1 on errors, 2 on usage errors. Walkthrough: docs/trading.md, docs/operations.md.)");
  registry.bind(cmd->add_option("--url", "REST base URL (config exchange.url); the simulator's for rehearsals"),
                "exchange.url");
  registry.bind(cmd->add_option("--proxy", "HTTP CONNECT or SOCKS5 proxy (config exchange.proxy)"), "exchange.proxy");
  cmd->add_flag("--paper", a->paper, "the production session on the paper broker (the default)");
  cmd->add_flag("--live", a->live, "the production session with the agent key (loopback, or --network)");
  cmd->add_option("--fill", a->fill,
                  "paper broker's fills: book (the exchange's live book: latency, depth; REST-weight bound) or bar "
                  "(the backtest's next-open fills; what a rehearsal at high speed needs)")
      ->capture_default_str();
  cmd->add_option("--capital", a->capital, "USD of the production session")->capture_default_str();
  cmd->add_option("--until", a->until, "stop cleanly once the market clock's bar reaches this time (rehearsals)");
  cmd->add_option("--log-file", a->log_file, "also write every line to this file, rotated (log.max_bytes, log.files)");
  cmd->add_option("--key-file", a->key_file, "--live: the agent wallet's private key (hex), mode 0600");
  cmd->add_option("--account", a->account, "--live: the account the agent trades for (default: the key's address)");
  cmd->add_option("--network", a->network, "--live: testnet or mainnet (explicit risk limits and a typed confirmation)");
  cmd->add_flag("--yes-live", a->yes_live, "--network without a terminal: confirm without the prompt");
  registry.bind(cmd->add_option("--listen", "HTTP API, /metrics and alerts at HOST:PORT, or off (config api.listen)"),
                "api.listen");
  registry.bind(cmd->add_option("--token-file", "the API's bearer token file, mode 0600 (config api.token_file)"),
                "api.token_file");
  registry.on(cmd, [a, cmd](Context& ctx) {
    const auto* config = cmd->get_parent()->get_option_no_throw("--config");
    std::string config_path = config && config->count() > 0 ? config->results().back() : std::string();
    if (config_path.empty()) {
      if (const char* env = std::getenv("ORGANISM_CONFIG")) config_path = env;
    }
    run_daemon(*a, ctx, config_path);
  });
}

}  // namespace organism::cli
