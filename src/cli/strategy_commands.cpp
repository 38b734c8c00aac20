// `organism strategy families|new|show|history`: list the seed families, print a genome (defaults
// or random within bounds) as JSON, print a genome file's rule in words, and a stored strategy's
// lifecycle events.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/backtest_support.hpp"
#include "cli/context.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "data/store.hpp"
#include "lifecycle/lifecycle.hpp"
#include "monitor/api/records_json.hpp"
#include "strategy/family.hpp"
#include "strategy/genome.hpp"
#include "strategy/new_genome.hpp"

namespace organism::cli {
namespace {

struct NewArgs {
  std::string family;
  bool random = false;
  std::uint64_t seed = 0;
  int generation = 0;
};

void run_new(const NewArgs& a) {
  auto g = strategy::new_genome(a.family, a.random ? std::optional(a.seed) : std::nullopt);
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

// The evidence JSON on one line, cut short: the table is for reading, --json has it whole.
std::string evidence_summary(const std::string& evidence) {
  constexpr std::size_t kWidth = 60;
  std::string text = evidence;
  try {
    text = nlohmann::json::parse(evidence).dump();
  } catch (const nlohmann::json::exception&) {
    // Stored evidence is JSON; text that is not is shown as it is rather than hidden.
  }
  return text.size() <= kWidth ? text : text.substr(0, kWidth - 3) + "...";
}

void run_history(const std::string& id, bool json, Context& ctx) {
  // Opened for writing so a store from before schema 4 migrates (gaining its synthetic events).
  auto store = data::Store::open_existing_for_update(ctx.db());
  const auto events = lifecycle::history(store, id);
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& e : events) out.push_back(monitor::api::lifecycle_event_json(e));
    fmt::print("{}\n", out.dump(2));
    return;
  }
  fmt::print("{}: {} events\n", id, events.size());
  // One id whichever runs find it: every run that did, oldest first.
  if (const auto record = store.load_strategy(id); record && !record->found_by.empty()) {
    std::vector<std::string> runs;
    for (const auto& f : record->found_by) runs.push_back(fmt::format("{} (generation {})", f.run_id, f.generation));
    fmt::print("found by {} run{}: {}\n", runs.size(), runs.size() == 1 ? "" : "s", fmt::join(runs, ", "));
  }
  fmt::print("{:<19}  {:<24}  {:<32}  {}\n", "time (UTC)", "from -> to", "reason", "evidence");
  for (const auto& e : events) {
    const std::string move = fmt::format("{} -> {}", e.from ? lifecycle::to_string(*e.from) : "(born)",
                                         lifecycle::to_string(e.to));
    fmt::print("{:<19}  {:<24}  {:<32}  {}\n", core::format_utc(e.time), move, e.reason, evidence_summary(e.evidence));
  }
}

}  // namespace

void add_strategy_commands(CLI::App& app, Registry& registry) {
  CLI::App* cmd = app.add_subcommand(
      "strategy", "strategy genomes: the seed families, new genomes, rules in words; stored strategies, lifecycle history, post-mortems");
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
  show->add_option("file", *file, "genome JSON file")->required();
  show->add_flag("--params", *params, "also list every parameter with its bounds");
  registry.on(show, [file, params](Context&) {
    const auto g = load_genome(*file);
    fmt::print("{}", strategy::describe(g));
    if (*params && g.family != strategy::kTreeFamily) {
      fmt::print("Parameters:\n");
      print_params(strategy::find_family(g.family).params(), g.params);
    }
  });

  auto history_id = std::make_shared<std::string>();
  auto history_json = std::make_shared<bool>(false);
  CLI::App* history = cmd->add_subcommand(
      "history", "print a stored strategy's lifecycle events: time, from -> to, reason, evidence");
  history->add_option("id", *history_id, "strategy id (as stored by organism evolve)")->required();
  history->add_flag("--json", *history_json, "print the events as a JSON array, evidence whole");
  registry.on(history, [history_id, history_json](Context& ctx) { run_history(*history_id, *history_json, ctx); });
  add_strategy_lifecycle_commands(*cmd, registry);
}

}  // namespace organism::cli
