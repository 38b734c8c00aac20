// The final front of `organism evolve`: its distinct members (validate/distinct.hpp) backtested
// on every stage, printed as a table, written as JSON and saved in the store as strategies in
// state `testing`.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "cli/evolve_support.hpp"
#include "data/file_writer.hpp"
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

std::string cell(double v, int decimals) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : "-"; }

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
  for (std::size_t s = 0; s < kStages.size(); ++s) {
    const auto metrics = evaluator.evaluate(genomes, kStages[s]);
    for (std::size_t i = 0; i < out.size(); ++i) out[i].stages[s] = evolve::mean_metrics(metrics[i]);
  }
  return out;
}

std::vector<evolve::Individual> individuals(const std::vector<FrontMember>& front) {
  std::vector<evolve::Individual> out;
  for (const auto& m : front) out.push_back(m.individual);
  return out;
}

void print_front(const std::vector<FrontMember>& all, std::size_t top) {
  // Best in-sample Sharpe first (ties by id); a 4-objective front can hold hundreds of members,
  // so the table shows the top ones and the JSON and the store keep them all.
  std::vector<const FrontMember*> front;
  for (const auto& m : all) front.push_back(&m);
  std::stable_sort(front.begin(), front.end(), [](const FrontMember* a, const FrontMember* b) {
    return evolve::value_of(a->stages[0], "sharpe") > evolve::value_of(b->stages[0], "sharpe");
  });
  if (front.size() > top) front.resize(top);
  fmt::print("{:<34} {:<18} {:>8} {:>8} {:>8} {:>7} {:>7} {:>7}  {}\n", "id", "family", "IS sh", "OOS sh", "WF sh",
             "IS dd", "trades", "aliases", "rule");
  for (const FrontMember* member : front) {
    const auto& m = *member;
    const auto& is = m.stages[0];
    std::string rule = rule_in_words(m.individual.genome);
    if (rule.size() > 100) rule = rule.substr(0, 97) + "...";
    fmt::print("{:<34} {:<18} {:>8} {:>8} {:>8} {:>7} {:>7} {:>7}  {}\n", m.individual.id, m.individual.genome.family,
               cell(evolve::value_of(is, "sharpe"), 2), cell(evolve::value_of(m.stages[1], "sharpe"), 2),
               cell(evolve::value_of(m.stages[2], "sharpe"), 2), cell(evolve::value_of(is, "max_drawdown"), 3),
               cell(evolve::value_of(is, "trades"), 0), m.aliases.size(), rule);
  }
  std::size_t aliases = 0;
  for (const auto& m : all) aliases += m.aliases.size();
  if (aliases > 0) {
    fmt::print("{} front members trade exactly like a simpler one: listed as its aliases (--json-out)\n", aliases);
  }
  if (all.size() > front.size()) {
    fmt::print("... {} more front members (by in-sample Sharpe) in --json-out and the store ('strategies' table)\n",
               all.size() - front.size());
  }
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
    r.state = "testing";
    r.created = r.updated = now;
    store.save_strategy(r);
  }
}

}  // namespace organism::cli
