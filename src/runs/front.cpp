// Measuring and validating a run's final front (front.hpp).
#include "runs/front.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "validate/distinct.hpp"

namespace organism::runs {
namespace {

FrontMember member_of(const evolve::Individual& ind, std::vector<std::string> aliases) {
  FrontMember m;
  m.id = ind.id;
  m.family = ind.genome.family;
  m.generation = ind.genome.generation;
  m.parents = ind.parents;
  m.aliases = std::move(aliases);
  // What runs: inactive genes at their defaults, so the stored genome hashes to its id.
  m.genome = strategy::canonical_json(strategy::normalized(ind.genome));
  m.rule = rule_in_words(ind.genome);
  m.fitness = ind.fitness;
  return m;
}

}  // namespace

std::string rule_in_words(const strategy::Genome& genome) {
  const std::string text = strategy::describe(genome);
  const auto first = text.find('\n');
  std::string out;
  for (char c : first == std::string::npos ? text : text.substr(first + 1)) {
    if (c != '\n') {
      out += c;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

MeasuredFront measure_front(const evolve::Engine& engine, const evolve::BacktestProblem& evaluator) {
  MeasuredFront out;
  std::vector<strategy::Genome> genomes;
  for (auto& d : validate::distinct_front(evaluator, engine.front())) {
    genomes.push_back(d.representative.genome);
    out.members.push_back(member_of(d.representative, std::move(d.aliases)));
    out.individuals.push_back(std::move(d.representative));
  }
  const auto& u = evaluator.universe();
  for (std::size_t s = 0; s < kStages.size(); ++s) {
    const auto metrics = evaluator.evaluate(genomes, kStages[s]);
    // Closed trades per year of the stage, mean over coins (a trader's sense of how busy a rule is).
    double years = 0;
    for (const auto& coin : u.coins) {
      years += static_cast<double>(evolve::segment_of(coin, kStages[s]).size()) / u.interval.bars_per_year();
    }
    years /= static_cast<double>(u.coins.size());
    for (std::size_t i = 0; i < out.members.size(); ++i) {
      auto& stage = out.members[i].metrics[s];
      stage = evolve::mean_metrics(metrics[i]);
      const double trades = evolve::value_of(stage, "trades");
      stage.emplace_back("trades_per_year", years > 0 ? trades / years : 0.0);
    }
  }
  return out;
}

validate::ValidationOptions options_for_run(validate::ValidationOptions o, const evolve::EvolveOptions& run) {
  if (o.walk_forward.population < 4 || o.walk_forward.population % 2) {
    throw core::UsageError("validate.wf_population must be even and at least 4");
  }
  if (o.walk_forward.generations < 0) throw core::UsageError("validate.wf_generations must be 0 or more");
  // The run's population is valid for its islands; halved to stay even on one island if odd.
  o.walk_forward.population = std::min(o.walk_forward.population, run.population / 2 * 2);
  o.walk_forward.generations = std::min(o.walk_forward.generations, run.generations);
  validate::check_options(o);
  return o;
}

ValidationOutcome validate_front(const evolve::Engine& engine, std::span<const evolve::Individual> front,
                                 const evolve::BacktestProblem& evaluator, const validate::ValidationOptions& options,
                                 const std::function<void(const std::string&)>& progress,
                                 const std::atomic<bool>* cancel) {
  // Each progress line is a safe point: nothing of the validation is written until it returns.
  const auto stop_if_cancelled = [cancel] {
    if (cancel && cancel->load()) throw core::Interrupted("interrupted during validation");
  };
  const auto checked_progress = [&](const std::string& line) {
    stop_if_cancelled();
    if (progress) progress(line);
  };
  std::vector<evolve::Individual> population;
  for (const auto& island : engine.islands()) population.insert(population.end(), island.begin(), island.end());
  validate::TrialSummary trials{engine.trials().count, engine.trials().variance(), std::nullopt};
  if (const auto* sample = engine.trial_sample()) trials.sample = sample->genomes();
  ValidationOutcome out;
  out.options = options;
  out.result =
      validate::validate_front(evaluator, front, population, engine.options(), trials, options, checked_progress, cancel);
  stop_if_cancelled();
  out.run = run_validation_of(out.result, options, evaluator.universe());
  return out;
}

void apply_validation(RunResult& result, const ValidationOutcome& outcome, const evolve::Universe& universe) {
  std::map<std::string, const validate::MemberValidation*> by_id;
  for (const auto& m : outcome.result.members) by_id[m.id] = &m;
  for (auto& member : result.front) {
    const auto it = by_id.find(member.id);
    if (it == by_id.end()) continue;
    member.validation = member_validation_of(*it->second, universe);
    member.validation->aliases = member.aliases;
  }
  result.validation = outcome.run;
}

}  // namespace organism::runs
