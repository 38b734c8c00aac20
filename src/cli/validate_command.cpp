// `organism validate [RUN]`: validates a finished run's front again (default: the latest finished
// run), from its stored universe, options and final checkpoint, with the current gates; the
// strategies' states and the run's result are updated in the store. See docs/validation.md.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <set>

#include "cli/cost_options.hpp"
#include "cli/evolve_support.hpp"
#include "cli/validate_support.hpp"
#include "core/error.hpp"

namespace organism::cli {
namespace {

struct ValidateArgs {
  std::string run;  // id; empty: the latest finished run
  std::string json_out;
  std::size_t top = 25;
};

data::RunRecord find_run(data::Store& store, const std::string& id) {
  if (id.empty() || id == "latest") {
    for (const auto& r : store.list_runs()) {
      if (r.status == "finished") return r;
    }
    throw core::Error(fmt::format("no finished run in store {} to validate", store.path()));
  }
  const auto found = store.load_run(id);
  if (!found) throw core::Error(fmt::format("no run '{}' in store {}", id, store.path()));
  if (found->status != "finished") {
    throw core::Error(fmt::format("run '{}' has not finished (status {}); finish it with 'organism evolve --resume {}'",
                                  id, found->status, id));
  }
  return *found;
}

void run_validate(const ValidateArgs& a, Context& ctx) {
  if (!std::filesystem::exists(ctx.db())) throw core::Error(fmt::format("no store at {}", ctx.db()));
  auto store = data::Store::open(ctx.db());
  auto run = find_run(store, a.run);
  const auto run_options = nlohmann::json::parse(run.options);
  const auto options = evolve::options_from_json(run_options);
  const auto costs = run_costs(run_options);  // the run's own, whatever backtest.* says now
  auto spec = universe_spec_from_json(nlohmann::json::parse(run.universe));
  const auto state = store.load_checkpoint(run.id);
  if (!state) throw core::Error(fmt::format("run '{}' has no checkpoint", run.id));
  const auto universe = load_universe(store, ctx, spec);
  const auto settings = evaluation_settings(ctx.config);
  indicators::IndicatorCache cache(settings.cache_bytes);
  const evolve::Evaluator evaluator(universe, costs, cache, settings.threads, options.target_volatility);
  evolve::Engine engine(options, evaluator);
  engine.restore(nlohmann::json::parse(*state));
  spdlog::info("validating run {} ({} generations, {} distinct genomes tried); costs: {}", run.id, engine.generation(),
               engine.trials().count, backtest::describe_costs(costs));

  auto out = run.result.empty() ? nlohmann::ordered_json::object() : nlohmann::ordered_json::parse(run.result);
  // The run's front as its distinct members, each keeping what the run recorded of it. A run
  // evolved before ids ignored inactive genes (or before aliases) may lack some representatives:
  // they are recorded and stored now; the aliases it stored stay as they were.
  const auto front = report_front(engine, evaluator);
  std::map<std::string, nlohmann::ordered_json> recorded;
  for (const auto& m : out.value("front", nlohmann::ordered_json::array())) recorded[m.value("id", "")] = m;
  std::set<std::string> stored;
  for (const auto& s : store.list_strategies(run.id)) stored.insert(s.id);
  std::vector<FrontMember> missing;
  out["front"] = nlohmann::ordered_json::array();
  for (const auto& m : front) {
    const auto it = recorded.find(m.individual.id);
    auto j = it != recorded.end() ? it->second : member_json(m);
    j["aliases"] = m.aliases;
    out["front"].push_back(j);
    if (!stored.contains(m.individual.id)) missing.push_back(m);
  }
  validate_run(engine, individuals(front), evaluator, out, ctx, a.top);
  print_front(out, a.top, options.target_volatility);
  {
    auto tx = store.transaction();
    save_front(store, run.id, missing);
    save_validation(store, out);
    run.result = out.dump();
    store.save_run(run);
    tx.commit();
  }
  if (!a.json_out.empty()) write_json_file(a.json_out, out);
}

}  // namespace

void add_validate_command(CLI::App& app, Registry& registry) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "validate a finished run's front: stages, DSR, PBO, walk-forward, gates");
  cmd->footer(R"(
Re-runs the validation pipeline of docs/validation.md on a finished run (the latest by default)
with its stored universe, options, costs and final population, and the gates of the current
config (validate.*); the current backtest.* keys do not apply to a stored run. Survivors move to state 'validated'; every strategy keeps its evidence.)");
  cmd->add_option("run", args->run, "run id (default: the latest finished run)");
  cmd->add_option("--top", args->top, "validated strategies listed (default 25)");
  cmd->add_option("--json-out", args->json_out, "write the run with its validation as JSON to FILE");
  registry.bind(cmd->add_option("--threads", "evaluation threads, 0 = all cores (default 0)"), "evolve.threads");
  registry.bind(cmd->add_option("--cache-mb", "indicator cache size in MiB (default 2048)"), "evolve.cache_mb");
  registry.on(cmd, [args](Context& ctx) { run_validate(*args, ctx); });
}

}  // namespace organism::cli
