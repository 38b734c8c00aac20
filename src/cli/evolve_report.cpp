// The final front of `organism evolve`: its distinct members (validate/distinct.hpp) backtested
// on every stage, written as JSON and saved in the store as strategies in state `testing` (the
// table: front_table.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "cli/evolve_support.hpp"
#include "data/file_writer.hpp"
#include "lifecycle/lifecycle.hpp"
#include "validate/distinct.hpp"

namespace organism::cli {
namespace {

nlohmann::ordered_json metrics_json(const evolve::MetricValues& values) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [name, v] : values) {
    if (name == "trades" || name == "max_drawdown_duration") {
      out[name] = v;  // a mean over coins: not necessarily whole
    } else {
      out[name] = json_number(v);
    }
  }
  return out;
}

// The rule and its risk and regime lines in one line, without describe()'s header (the id and
// family have their own columns and fields).
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

}  // namespace

nlohmann::ordered_json json_number(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

std::vector<FrontMember> report_front(const evolve::Engine& engine, const evolve::Evaluator& evaluator) {
  std::vector<FrontMember> out;
  std::vector<strategy::Genome> genomes;
  for (auto& d : validate::distinct_front(evaluator, engine.front())) {
    genomes.push_back(d.representative.genome);
    out.push_back({std::move(d.representative), {}, std::move(d.aliases)});
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
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i].stages[s] = evolve::mean_metrics(metrics[i]);
      const double trades = evolve::value_of(out[i].stages[s], "trades");
      out[i].stages[s].emplace_back("trades_per_year", years > 0 ? trades / years : 0.0);
    }
  }
  return out;
}

std::vector<evolve::Individual> individuals(const std::vector<FrontMember>& front) {
  std::vector<evolve::Individual> out;
  for (const auto& m : front) out.push_back(m.individual);
  return out;
}

nlohmann::ordered_json member_json(const FrontMember& m) {
  nlohmann::ordered_json j;
  j["id"] = m.individual.id;
  j["family"] = m.individual.genome.family;
  j["generation"] = m.individual.genome.generation;
  j["parents"] = m.individual.parents;
  j["aliases"] = m.aliases;
  // What runs: inactive genes at their defaults, so the stored genome hashes to its id.
  j["genome"] = nlohmann::ordered_json::parse(strategy::canonical_json(strategy::normalized(m.individual.genome)));
  j["rule"] = rule_in_words(m.individual.genome);
  j["fitness"] = {{"objectives", m.individual.fitness.objectives}, {"violation", m.individual.fitness.violation}};
  nlohmann::ordered_json metrics;
  for (std::size_t s = 0; s < kStages.size(); ++s) {
    metrics[std::string(evolve::stage_name(kStages[s]))] = metrics_json(m.stages[s]);
  }
  j["metrics"] = metrics;
  return j;
}

void write_json_file(const std::string& path, const nlohmann::ordered_json& json) {
  data::AtomicFileWriter file(path);
  file.write(json.dump(2));
  file.write("\n");
  file.commit();
}

void save_front(data::Store& store, const std::string& run_id, const std::vector<FrontMember>& front) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  for (const auto& m : front) {
    const auto j = member_json(m);
    data::StrategyRecord r;
    r.id = m.individual.id;
    r.run_id = run_id;
    r.family = m.individual.genome.family;
    r.generation = m.individual.genome.generation;
    r.genome = strategy::canonical_json(strategy::normalized(m.individual.genome));
    r.parents = j["parents"].dump();
    r.metrics = j["metrics"].dump();
    lifecycle::birth(store, r, now, "found by run " + run_id);
  }
}

}  // namespace organism::cli
