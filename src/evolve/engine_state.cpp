// The engine's options and state as JSON: the run record and the per-generation checkpoint.
// Doubles go through nlohmann's shortest round-trip form, so a restored fitness is the same bits.
#include <fmt/format.h>

#include <iterator>

#include "core/error.hpp"
#include "evolve/engine.hpp"

namespace organism::evolve {
namespace {

using nlohmann::json;

json fitness_json(const Fitness& f) { return json{{"objectives", f.objectives}, {"violation", f.violation}}; }

Fitness fitness_from(const json& j) {
  Fitness f;
  f.objectives = j.at("objectives").get<std::vector<double>>();
  f.violation = j.at("violation").get<double>();
  return f;
}

}  // namespace

json individual_json(const Individual& ind) {
  return json{{"genome", json::parse(strategy::canonical_json(ind.genome))},
              {"parents", ind.parents},
              {"fitness", fitness_json(ind.fitness)}};
}

Individual individual_from(const json& j) {
  Individual ind;
  ind.genome = strategy::from_json(j.at("genome").dump());
  ind.id = strategy::genome_id(ind.genome);
  ind.parents = j.at("parents").get<std::vector<std::string>>();
  ind.fitness = fitness_from(j.at("fitness"));
  return ind;
}

namespace {

json individuals_json(const std::vector<Individual>& people) {
  json out = json::array();
  for (const auto& p : people) out.push_back(individual_json(p));
  return out;
}

std::vector<Individual> individuals_from(const json& j) {
  std::vector<Individual> out;
  for (const auto& e : j) out.push_back(individual_from(e));
  return out;
}

}  // namespace

json to_json(const EvolveOptions& o) {
  json objectives = json::array();
  for (const auto& obj : o.objectives) objectives.push_back(obj.metric);
  const auto& v = o.variation;
  json j{{"seed", o.seed},
              {"population", o.population},
              {"generations", o.generations},
              {"islands", o.islands},
              {"migration_interval", o.migration_interval},
              {"migrants", o.migrants},
              {"families", o.families},
              {"objectives", objectives},
              {"aggregate", aggregate_name(o.aggregate)},
              {"min_trades", o.constraints.min_trades},
              {"max_drawdown", o.constraints.max_drawdown},
              {"target_volatility", o.target_volatility},
              {"crossover_probability", v.crossover_probability},
              {"sbx_eta", v.sbx_eta},
              {"mutation_eta", v.mutation_eta},
              {"mutation_rate", v.mutation_rate},
              {"family_switch_probability", v.family_switch_probability},
              {"tree_max_depth", v.tree_limits.max_depth},
              {"tree_max_nodes", v.tree_limits.max_nodes}};
  if (o.breaker_genes) j["breaker_genes"] = true;  // absent when off: older records read the same
  // Absent when unused, for the same reason.
  if (!o.warm_start.empty()) j["warm_start"] = o.warm_start;
  if (!o.graveyard.empty()) j["graveyard"] = o.graveyard;
  if (o.graveyard_weight != 0) j["graveyard_weight"] = o.graveyard_weight;
  return j;
}

EvolveOptions options_from_json(const json& j) {
  try {
    EvolveOptions o;
    o.seed = j.at("seed").get<std::uint64_t>();
    o.population = j.at("population").get<int>();
    o.generations = j.at("generations").get<int>();
    o.islands = j.at("islands").get<int>();
    o.migration_interval = j.at("migration_interval").get<int>();
    o.migrants = j.at("migrants").get<int>();
    o.families = j.at("families").get<std::vector<std::string>>();
    std::string list;
    for (const auto& name : j.at("objectives")) list += name.get<std::string>() + ",";
    o.objectives = parse_objectives(list);
    o.aggregate = parse_aggregate(j.at("aggregate").get<std::string>());
    o.constraints.min_trades = j.at("min_trades").get<double>();
    o.constraints.max_drawdown = j.at("max_drawdown").get<double>();
    // Runs stored before scale-free objectives have none: they are re-measured at the default.
    o.target_volatility = j.value("target_volatility", kDefaultTargetVolatility);
    o.breaker_genes = j.value("breaker_genes", false);
    o.warm_start = j.value("warm_start", std::vector<std::string>{});
    o.graveyard = j.value("graveyard", std::vector<std::string>{});
    o.graveyard_weight = j.value("graveyard_weight", 0.0);
    auto& v = o.variation;
    v.crossover_probability = j.at("crossover_probability").get<double>();
    v.sbx_eta = j.at("sbx_eta").get<double>();
    v.mutation_eta = j.at("mutation_eta").get<double>();
    v.mutation_rate = j.at("mutation_rate").get<double>();
    v.family_switch_probability = j.at("family_switch_probability").get<double>();
    v.tree_limits.max_depth = j.at("tree_max_depth").get<int>();
    v.tree_limits.max_nodes = j.at("tree_max_nodes").get<int>();
    return o;
  } catch (const json::exception& e) {
    throw core::Error(fmt::format("stored evolution options are unreadable: {}", e.what()));
  }
}

void TrialSample::add(std::uint64_t key, const strategy::Genome& genome) {
  if (by_key_.size() >= capacity_ && (capacity_ == 0 || key >= by_key_.rbegin()->first)) return;
  if (by_key_.count(key)) return;
  strategy::Genome g = genome;
  g.generation = 0;
  by_key_.emplace(key, std::move(g));
  if (by_key_.size() > capacity_) by_key_.erase(std::prev(by_key_.end()));
}

std::vector<strategy::Genome> TrialSample::genomes() const {
  std::vector<strategy::Genome> out;
  out.reserve(by_key_.size());
  for (const auto& [key, g] : by_key_) out.push_back(g);
  return out;
}

json TrialSample::to_json() const {
  json genomes = json::array();
  for (const auto& [key, g] : by_key_) genomes.push_back(json::parse(strategy::canonical_json(g)));
  return json{{"capacity", capacity_}, {"genomes", genomes}};
}

TrialSample TrialSample::from_json(const json& j) {
  TrialSample s(j.at("capacity").get<std::size_t>());
  for (const auto& g : j.at("genomes")) {
    const auto genome = strategy::from_json(g.dump());
    s.add(genome_key(genome), genome);
  }
  return s;
}

json Engine::checkpoint() const {
  json islands = json::array();
  for (const auto& island : islands_) islands.push_back(individuals_json(island));
  json memo = json::array();
  for (const auto& [key, fitness] : memo_) memo.push_back(json{fmt::format("{:016x}", key), fitness_json(fitness)});
  return json{{"version", 1},           {"generation", generation_}, {"evaluations", evaluations_},
              {"islands", islands},     {"archive", individuals_json(archive_)},
              {"memo", memo},
              {"trials", json{{"count", trials_.count}, {"mean", trials_.mean}, {"m2", trials_.m2}}},
              {"trial_sample", trial_sample_complete_ ? trial_sample_.to_json() : json(nullptr)}};
}

void Engine::restore(const json& j) {
  try {
    if (j.at("version").get<int>() != 1) throw core::Error("checkpoint version is not 1");
    std::vector<std::vector<Individual>> islands;
    for (const auto& island : j.at("islands")) islands.push_back(individuals_from(island));
    if (islands.size() != static_cast<std::size_t>(options_.islands)) {
      throw core::Error(fmt::format("checkpoint has {} islands, the run {}", islands.size(), options_.islands));
    }
    std::map<std::uint64_t, Fitness> memo;
    for (const auto& e : j.at("memo")) {
      memo[std::stoull(e.at(0).get<std::string>(), nullptr, 16)] = fitness_from(e.at(1));
    }
    islands_ = std::move(islands);
    archive_ = individuals_from(j.at("archive"));
    memo_ = std::move(memo);
    generation_ = j.at("generation").get<int>();
    evaluations_ = j.at("evaluations").get<std::int64_t>();
    const auto& t = j.at("trials");
    trials_ = {t.at("count").get<std::int64_t>(), t.at("mean").get<double>(), t.at("m2").get<double>()};
    // A checkpoint from before the sample was kept (or of such a run, resumed) has none.
    const auto sample = j.find("trial_sample");
    trial_sample_complete_ = sample != j.end() && !sample->is_null();
    trial_sample_ = trial_sample_complete_ ? TrialSample::from_json(*sample) : TrialSample();
    compute_stats(0, 0);
  } catch (const json::exception& e) {
    throw core::Error(fmt::format("checkpoint is unreadable: {}", e.what()));
  }
}

}  // namespace organism::evolve
