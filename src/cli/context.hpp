// What every subcommand receives: the effective configuration and how to show progress, plus
// the registry through which subcommand files declare their handlers and flag-to-config bindings.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/config_keys.hpp"
#include "core/config.hpp"
#include "core/progress.hpp"
#include "core/time.hpp"

namespace organism::cli {

using core::TimeMs;

struct Context {
  core::Config config{all_config_keys()};
  core::ProgressMode progress = core::ProgressMode::Auto;
  const std::string& db() const { return config.get("db"); }
};

class Registry {
 public:
  using Handler = std::function<void(Context&)>;
  // The handler runs when `command` is the subcommand the user chose.
  void on(CLI::App* command, Handler handler) { handlers_.push_back({command, std::move(handler)}); }
  // When `option` is given, its value overrides config `key` (flags beat env beat file). A flag
  // (no value) sets `flag_value`, so `--no-funding` can set a key to "off".
  void bind(CLI::Option* option, std::string key, std::string flag_value = "true") {
    bindings_.push_back({option, std::move(key), std::move(flag_value)});
  }

  void apply_bindings(core::Config& config) const;
  // The handler of the deepest parsed subcommand, or nullptr.
  const Handler* chosen() const;

 private:
  struct Entry {
    CLI::App* command;
    Handler handler;
  };
  struct Binding {
    CLI::Option* option;
    std::string key;
    std::string flag_value;
  };
  std::vector<Entry> handlers_;
  std::vector<Binding> bindings_;
};

// Subcommand groups, each in its own file.
void add_data_import(CLI::App& data, Registry& registry);
void add_data_inspect(CLI::App& data, Registry& registry);   // list, export, quality
void add_data_derive(CLI::App& data, Registry& registry);    // resample, synth
void add_config_commands(CLI::App& app, Registry& registry);
void add_indicators_command(CLI::App& app, Registry& registry);
void add_backtest_command(CLI::App& app, Registry& registry);
void add_strategy_commands(CLI::App& app, Registry& registry);  // families, new, show
// strategy list, strategy postmortem (strategy_lifecycle_commands.cpp), under `strategy`.
void add_strategy_lifecycle_commands(CLI::App& strategy, Registry& registry);
void add_evolve_command(CLI::App& app, Registry& registry);
void add_validate_command(CLI::App& app, Registry& registry);
void add_selftest_command(CLI::App& app, Registry& registry);   // nsga2

// `organism data synth` from the synth.* config, also run by evolve on an empty store; out_dir
// non-empty also writes the CSV files there.
void synthesize_market(Context& ctx, const std::string& out_dir = "");

}  // namespace organism::cli
