// Genome similarity and the graveyard's penalty (graveyard.hpp).
#include "evolve/graveyard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.hpp"
#include "strategy/gp/text.hpp"

namespace organism::evolve {
namespace {

double parameter_similarity(std::span<const strategy::ParamSpec> specs, const strategy::ParamValues& a,
                            const strategy::ParamValues& b) {
  double distance = 0;
  int counted = 0;
  for (std::size_t i = 0; i < specs.size() && i < a.size() && i < b.size(); ++i) {
    const auto& spec = specs[i];
    if (!spec.evolved) continue;  // set from outside: not part of what evolution found
    ++counted;
    if (spec.type == strategy::ParamType::Choice || spec.type == strategy::ParamType::Bool) {
      distance += a[i] == b[i] ? 0.0 : 1.0;
    } else if (spec.hi > spec.lo) {
      distance += std::min(1.0, std::abs(a[i] - b[i]) / (spec.hi - spec.lo));
    }
  }
  return counted == 0 ? 1.0 : 1.0 - distance / counted;
}

// Every subtree of the rule's four trees, printed and tagged with its slot.
std::set<std::string> subtrees(const strategy::gp::Rule& rule) {
  std::set<std::string> out;
  const std::pair<const char*, const std::optional<strategy::gp::Node>*> slots[] = {
      {"long_entry", &rule.long_entry},
      {"long_exit", &rule.long_exit},
      {"short_entry", &rule.short_entry},
      {"short_exit", &rule.short_exit}};
  for (const auto& [slot, tree] : slots) {
    if (!*tree) continue;
    auto root = **tree;  // subtree() takes a mutable root
    const int n = strategy::gp::node_count(root);
    for (int i = 0; i < n; ++i) out.insert(fmt::format("{}:{}", slot, strategy::gp::print(strategy::gp::subtree(root, i))));
  }
  return out;
}

double tree_similarity(const strategy::gp::Rule& a, const strategy::gp::Rule& b) {
  const auto sa = subtrees(a), sb = subtrees(b);
  if (sa.empty() && sb.empty()) return 1.0;
  std::size_t common = 0;
  for (const auto& s : sa) common += sb.count(s);
  return static_cast<double>(common) / static_cast<double>(sa.size() + sb.size() - common);
}

}  // namespace

double genome_similarity(const strategy::Genome& a, const strategy::Genome& b) {
  if (a.family != b.family) return 0.0;
  // Inactive genes at their defaults, so two genomes running one rule compare as equal.
  const auto na = strategy::normalized(a), nb = strategy::normalized(b);
  if (a.family == strategy::kTreeFamily) return tree_similarity(na.rule, nb.rule);
  return parameter_similarity(strategy::find_family(a.family).params(), na.params, nb.params);
}

Graveyard Graveyard::from_json(std::span<const std::string> genomes) {
  std::vector<strategy::Genome> retired;
  for (std::size_t i = 0; i < genomes.size(); ++i) {
    try {
      retired.push_back(strategy::from_json(genomes[i]));
    } catch (const core::Error& e) {
      throw core::Error(fmt::format("graveyard genome {}: {}", i + 1, e.what()));
    }
  }
  return Graveyard(std::move(retired));
}

double Graveyard::similarity(const strategy::Genome& genome) const {
  double best = 0;
  for (const auto& r : retired_) best = std::max(best, genome_similarity(genome, r));
  return best;
}

Fitness penalized(Fitness fitness, double weight, double similarity) {
  const double f = weight * similarity;
  if (!(f > 0)) return fitness;
  for (auto& o : fitness.objectives) o += f * std::abs(o);
  return fitness;
}

}  // namespace organism::evolve
