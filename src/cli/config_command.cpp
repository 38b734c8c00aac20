// `organism config show`: every configuration key, its effective value and where it came from.
#include <fmt/format.h>

#include "cli/context.hpp"

namespace organism::cli {

void add_config_commands(CLI::App& app, Registry& registry) {
  CLI::App* config = app.add_subcommand("config", "inspect the configuration");
  config->require_subcommand(1);
  CLI::App* show = config->add_subcommand("show", "print every key, its value and its source");
  registry.on(show, [](Context& ctx) {
    for (const auto& key : core::config_keys()) {
      fmt::print("{} = \"{}\"    # {} [{}; env {}]\n", key.name, ctx.config.get(key.name),
                 key.help, ctx.config.source(key.name), core::env_name(key.name));
    }
  });
}

}  // namespace organism::cli
