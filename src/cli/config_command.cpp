// `organism config show`: every configuration key, its effective value, its range and where it
// came from. It refuses what `organism evolve` or `validate` would refuse: every key's check, and
// the checks that join several keys.
#include <fmt/format.h>

#include "cli/context.hpp"
#include "cli/cost_options.hpp"
#include "cli/evolve_support.hpp"
#include "runs/front.hpp"

namespace organism::cli {

void add_config_commands(CLI::App& app, Registry& registry) {
  CLI::App* config = app.add_subcommand("config", "inspect the configuration");
  config->require_subcommand(1);
  CLI::App* show = config->add_subcommand("show", "print every key, its value and its source");
  registry.on(show, [](Context& ctx) {
    const auto& cfg = ctx.config;
    cfg.check_all();
    runs::options_for_run(runs::validation_options(cfg), runs::evolve_options(cfg));
    backtest::costs_from_config(cfg);
    runs::embargo(cfg);
    for (const auto& key : cfg.keys()) {
      const std::string rule = key.check.rule.empty() ? "" : "; " + key.check.rule;
      fmt::print("{} = \"{}\"    # {}{} [{}; env {}]\n", key.name, cfg.get(key.name), key.help, rule,
                 cfg.source(key.name), core::env_name(key.name));
    }
  });
}

}  // namespace organism::cli
