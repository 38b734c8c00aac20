#include "cli/app.hpp"

#include <cstdlib>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/config_reload.hpp"
#include "cli/context.hpp"
#include "cli/report_support.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

namespace organism::cli {

// data verify, data backup (data_store_commands.cpp); declared here rather than in context.hpp,
// which every command file includes, to keep this change from rebuilding them all.
void add_data_store(CLI::App& data, Registry& registry);
void add_data_migrate(CLI::App& data, Registry& registry);           // data_migrate_command.cpp
void add_exchange_sim_command(CLI::App& app, Registry& registry);  // exchange_sim_command.cpp
void add_data_fetch(CLI::App& data, Registry& registry);             // data_fetch_command.cpp
void add_data_stream(CLI::App& data, Registry& registry);            // data_stream_command.cpp
void add_replay_command(CLI::App& app, Registry& registry);          // replay_command.cpp
void add_trade_commands(CLI::App& app, Registry& registry);          // paper, trade
void add_journal_commands(CLI::App& app, Registry& registry);        // orders, positions, fills
void add_risk_commands(CLI::App& app, Registry& registry);           // risk status | resume | halt
void add_flatten_command(CLI::App& app, Registry& registry);         // flatten_command.cpp
void add_run_command(CLI::App& app, Registry& registry);             // run_command.cpp
void add_serve_command(CLI::App& app, Registry& registry);           // serve_command.cpp
void add_dashboard_command(CLI::App& app, Registry& registry);       // dashboard_command.cpp
void add_portfolio_regimes(CLI::App& portfolio, Registry& registry);  // portfolio_regimes_command.cpp
void add_portfolio_evolve(CLI::App& portfolio, Registry& registry);  // portfolio_evolve_command.cpp
void add_portfolio_backtest(CLI::App& portfolio, Registry& registry);  // portfolio_backtest_command.cpp

void Registry::apply_bindings(core::Config& config) const {
  for (const auto& b : bindings_) {
    if (b.option->count() == 0) continue;
    // Flags without a value set their flag value; options report their last value.
    const auto& results = b.option->results();
    std::string value = b.option->get_expected_min() == 0 ? b.flag_value : results.back();
    config.set(b.key, value, "flag " + b.option->get_name());
  }
}

const Registry::Handler* Registry::chosen() const {
  const Handler* best = nullptr;
  int best_depth = -1;
  for (const auto& e : handlers_) {
    if (!e.command->parsed()) continue;
    int depth = 0;
    for (const CLI::App* p = e.command; p->get_parent(); p = p->get_parent()) ++depth;
    if (depth > best_depth) {
      best = &e.handler;
      best_depth = depth;
    }
  }
  return best;
}

namespace {

const char* getenv_adapter(const char* name) { return std::getenv(name); }

constexpr const char* kFooter = R"(
Configuration: defaults < --config FILE (TOML) < ORGANISM_* environment variables < flags.
'organism config show' prints every key, its value and where it came from.
Exit codes: 0 success, 1 runtime error (bad data, store or I/O), 2 usage error.)";

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"organism: discover, validate and trade crypto-perpetual strategies"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  app.set_version_flag("--version", "organism 0.1.0");

  Registry registry;
  std::string config_file;
  app.add_option("--config", config_file, "TOML configuration file")->envname("ORGANISM_CONFIG");
  registry.bind(app.add_option("--db", "the store: a SQLite file (default ./organism.db) or a PostgreSQL URL, postgresql://USER@HOST:PORT/DB (password from PGPASSWORD or ~/.pgpass; docs/data.md)"), "db");
  int verbose = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbose, "more log detail (-vv for trace)");
  app.add_flag("-q,--quiet", quiet, "only warnings and errors");
  registry.bind(app.add_option("--progress", "progress display: auto, bar, lines or off"), "progress");

  CLI::App* data = app.add_subcommand("data", "market data: import, list, export, resample, quality, synth, verify, backup, migrate");
  data->require_subcommand(1);
  add_data_import(*data, registry);
  add_data_inspect(*data, registry);
  add_data_derive(*data, registry);
  add_data_store(*data, registry);
  add_data_migrate(*data, registry);
  add_data_fetch(*data, registry);
  add_data_stream(*data, registry);
  add_indicators_command(app, registry);
  add_backtest_command(app, registry);
  add_strategy_commands(app, registry);
  add_evolve_command(app, registry);
  add_report_command(app, registry);
  add_validate_command(app, registry);
  add_config_commands(app, registry);
  add_selftest_command(app, registry);
  add_exchange_sim_command(app, registry);
  add_replay_command(app, registry);
  add_trade_commands(app, registry);
  add_journal_commands(app, registry);
  add_risk_commands(app, registry);
  add_flatten_command(app, registry);
  add_run_command(app, registry);
  add_serve_command(app, registry);
  add_dashboard_command(app, registry);
  CLI::App* portfolio = app.add_subcommand(
      "portfolio", "capital across strategies: the allocator's walk-forward backtest, its evolved sizing, market regimes");
  portfolio->require_subcommand(1);
  add_portfolio_backtest(*portfolio, registry);
  add_portfolio_evolve(*portfolio, registry);
  add_portfolio_regimes(*portfolio, registry);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  // Defaults < file < environment < flags, every key checked; again on `organism run`'s SIGHUP.
  auto load_config = [&]() {
    core::Config config{all_config_keys()};
    if (!config_file.empty()) config.load_file(config_file);
    config.load_env(getenv_adapter);
    registry.apply_bindings(config);
    if (quiet) config.set("log.level", "warn", "flag --quiet");
    if (verbose > 0) config.set("log.level", verbose > 1 ? "trace" : "debug", "flag --verbose");
    // Every key in its range before any command runs: a bad value is refused whichever command
    // reads it, naming the key and its source, and nothing (not even the store) is touched.
    config.check_all();
    return config;
  };
  try {
    Context ctx;
    ctx.config = load_config();
    set_config_loader(load_config);
    core::init_logging(ctx.config.get("log.level"));
    ctx.progress = core::parse_progress_mode(ctx.config.get("progress"));
    if (quiet) ctx.progress = core::ProgressMode::Off;

    const auto* handler = registry.chosen();
    if (!handler) throw core::UsageError("no command given (see --help)");
    (*handler)(ctx);
    return 0;
  } catch (const core::Interrupted& e) {
    fmt::print(stderr, "organism: {}\n", e.what());
    return 130;
  } catch (const core::UsageError& e) {
    fmt::print(stderr, "organism: error: {}\n", e.what());
    return 2;
  } catch (const core::Error& e) {
    fmt::print(stderr, "organism: error: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "organism: internal error: {}\n", e.what());
    return 1;
  }
}

}  // namespace organism::cli
