// `organism strategy families|new|show`: list the seed families, print a genome (defaults or
// random within bounds) as JSON, and print a genome file's rule in words.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/backtest_support.hpp"
#include "cli/context.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "strategy/family.hpp"
#include "strategy/genome.hpp"

namespace organism::cli {
namespace {

struct NewArgs {
  std::string family;
  bool random = false;
  std::uint64_t seed = 0;
  int generation = 0;
};

void run_new(const NewArgs& a) {
  const auto families = strategy::genome_families();
  const auto it = std::find(families.begin(), families.end(), a.family);
  if (it == families.end()) {
    throw core::UsageError(fmt::format("unknown family '{}'; families: {}", a.family, fmt::join(families, ", ")));
  }
  strategy::Genome g;
  if (a.random) {
    // One stream per family, so one seed gives unrelated genomes across families.
    core::Rng rng(a.seed, {static_cast<std::uint64_t>(it - families.begin() + 1)});
    g = strategy::random_genome(a.family, rng);
  } else {
    g = strategy::default_genome(a.family);
  }
  g.generation = a.generation;
  fmt::print("{}\n", strategy::to_json(g));
}

void print_params(const std::vector<strategy::ParamSpec>& specs,
                  const strategy::ParamValues& values) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& s = specs[i];
    const bool real = s.type == strategy::ParamType::Real || s.type == strategy::ParamType::Int;
    const std::string bounds =
        real ? fmt::format("[{:g}, {:g}]", s.lo, s.hi)
             : (s.type == strategy::ParamType::Bool ? "true|false"
                                                    : fmt::format("{}", fmt::join(s.choices, "|")));
    fmt::print("  {:<16} {:<12} {:<22} {}\n", s.name, strategy::format_param(s, values[i]), bounds,
               s.help);
  }
}

}  // namespace

void add_strategy_commands(CLI::App& app, Registry& registry) {
  CLI::App* cmd = app.add_subcommand(
      "strategy", "strategy genomes: the seed families, new genomes, rules in words");
  cmd->require_subcommand(1);
  cmd->footer("\nFamilies, parameters and bounds: docs/strategies.md.");

  CLI::App* families = cmd->add_subcommand("families", "list the family names, one per line");
  registry.on(families, [](Context&) {
    for (const auto& name : strategy::genome_families()) fmt::print("{}\n", name);
  });

  auto n = std::make_shared<NewArgs>();
  CLI::App* make = cmd->add_subcommand(
      "new", "print a genome as JSON: the family's defaults, or random within bounds");
  make->add_option("--family", n->family, "family name (organism strategy families)")->required();
  make->add_flag("--random", n->random,
                 "draw every parameter, the risk block and the regime filter within bounds");
  make->add_option("--seed", n->seed, "seed of --random (default 0)");
  make->add_option("--generation", n->generation,
                   "generation recorded in the genome and its id (default 0)")
      ->check(CLI::NonNegativeNumber);
  registry.on(make, [n](Context&) { run_new(*n); });

  auto file = std::make_shared<std::string>();
  auto params = std::make_shared<bool>(false);
  CLI::App* show = cmd->add_subcommand("show", "print a genome file's rule in words");
  show->add_option("file", *file, "genome JSON file")->required()->check(CLI::ExistingFile);
  show->add_flag("--params", *params, "also list every parameter with its bounds");
  registry.on(show, [file, params](Context&) {
    const auto g = load_genome(*file);
    fmt::print("{}", strategy::describe(g));
    if (*params && g.family != strategy::kTreeFamily) {
      fmt::print("Parameters:\n");
      print_params(strategy::find_family(g.family).params(), g.params);
    }
  });
}

}  // namespace organism::cli
