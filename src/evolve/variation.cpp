// Crossover and mutation of whole genomes (evolve/variation.hpp): the genes of the family
// parameters, the risk block and the regime filter by type, the rule trees of the tree family
// through tree_operators.cpp, and the family switch.
#include "evolve/variation.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "evolve/real_operators.hpp"
#include "strategy/genome_fields.hpp"
#include "strategy/gp/random_tree.hpp"

namespace organism::evolve {

namespace {

using strategy::Genome;
using strategy::ParamSpec;
using strategy::ParamType;
using strategy::ParamValues;
namespace gp = strategy::gp;

// Shares of the three tree mutations (hoist takes the rest). Subtree mutation brings new
// material, point mutation fine-tunes a working rule, hoist counters bloat by shrinking.
constexpr double kSubtreeMutationShare = 0.5;
constexpr double kPointMutationShare = 0.3;
// A tree is mutated at least this often when its genome is: a rule tree is one gene but holds
// most of the rule, and 1/(number of genes) alone would leave it nearly frozen.
constexpr double kMinTreeMutationRate = 0.2;

constexpr std::array<std::optional<gp::Node> gp::Rule::*, 4> kRuleSlots = {
    &gp::Rule::long_entry, &gp::Rule::long_exit, &gp::Rule::short_entry, &gp::Rule::short_exit};

bool is_tree(const Genome& g) { return g.family == strategy::kTreeFamily; }

// One group of genes: the values of the family parameters, the risk block or the regime filter
// with their specs, so every gene is handled by its spec's type whatever group it belongs to.
struct GeneBlock {
  std::span<const ParamSpec> specs;
  ParamValues values;
};

std::array<GeneBlock, 3> gene_blocks(const Genome& g) {
  std::span<const ParamSpec> family_specs;
  if (!is_tree(g)) family_specs = strategy::find_family(g.family).params();
  return {GeneBlock{family_specs, g.params},
          GeneBlock{strategy::risk_specs(), strategy::risk_values(g.risk)},
          GeneBlock{strategy::regime_specs(), strategy::regime_values(g.regime)}};
}

void store(const std::array<GeneBlock, 3>& blocks, Genome& g) {
  g.params = blocks[0].values;
  g.risk = strategy::risk_from_values(blocks[1].values, g.risk);
  g.regime = strategy::regime_from_values(blocks[2].values);
}

void check_options(const VariationOptions& o) {
  const auto probability = [](double p) { return p >= 0 && p <= 1; };
  if (!probability(o.crossover_probability) || !probability(o.family_switch_probability) ||
      o.mutation_rate > 1 || !(o.sbx_eta >= 0) || !(o.mutation_eta >= 0)) {
    throw std::invalid_argument(
        "variation: probabilities must be in [0, 1], distribution indices >= 0");
  }
  // The smallest generated Bool tree is a comparison of two terminals.
  if (o.tree_limits.max_depth < 2 || o.tree_limits.max_nodes < 3) {
    throw std::invalid_argument(
        "variation: tree limits below depth 2 / 3 nodes leave no rule tree");
  }
}

void cross_genes(GeneBlock& x, GeneBlock& y, const VariationOptions& o, core::Rng& rng) {
  for (std::size_t i = 0; i < x.specs.size(); ++i) {
    if (!x.specs[i].evolved || !rng.bernoulli(0.5)) continue;
    const ParamSpec& spec = x.specs[i];
    double& p = x.values[i];
    double& q = y.values[i];
    switch (spec.type) {
      case ParamType::Real:
        std::tie(p, q) = sbx(p, q, spec.lo, spec.hi, o.sbx_eta, rng);
        break;
      case ParamType::Int:
        std::tie(p, q) = sbx_int(p, q, spec.lo, spec.hi, o.sbx_eta, rng);
        break;
      case ParamType::Choice:
      case ParamType::Bool:
        std::swap(p, q);
        break;
    }
  }
}

void cross_rules(gp::Rule& x, gp::Rule& y, const gp::Limits& limits, core::Rng& rng) {
  for (auto slot : kRuleSlots) {
    std::optional<gp::Node>& p = x.*slot;
    std::optional<gp::Node>& q = y.*slot;
    if (p && q) {
      // Equal trees have nothing to exchange; crossing them would only rearrange one parent.
      if (*p != *q) subtree_crossover(*p, *q, limits, rng);
    } else if ((p || q) && rng.bernoulli(0.5)) {
      std::swap(p, q);
    }
  }
}

void mutate_gene(const ParamSpec& spec, double& value, const VariationOptions& o, core::Rng& rng) {
  switch (spec.type) {
    case ParamType::Real:
      value = polynomial_mutation(value, spec.lo, spec.hi, o.mutation_eta, rng);
      break;
    case ParamType::Int:
      value = polynomial_mutation_int(value, spec.lo, spec.hi, o.mutation_eta, rng);
      break;
    case ParamType::Choice: {
      // Another choice, uniformly: drawing among all of them would waste 1/k of the mutations.
      const auto count = static_cast<std::uint64_t>(spec.hi) + 1;
      if (count < 2) break;
      value = static_cast<double>((static_cast<std::uint64_t>(value) + 1 + rng.below(count - 1)) %
                                  count);
      break;
    }
    case ParamType::Bool:
      value = value != 0 ? 0 : 1;
      break;
  }
}

void mutate_tree(gp::Node& tree, const gp::Limits& limits, core::Rng& rng) {
  const double u = rng.uniform();
  bool changed = false;
  if (u < kSubtreeMutationShare) {
    changed = subtree_mutation(tree, limits, rng);
  } else if (u < kSubtreeMutationShare + kPointMutationShare) {
    changed = point_mutation(tree, rng);
  } else {
    changed = hoist_mutation(tree, rng);
  }
  // Hoist needs a Bool subtree below the root and subtree mutation room under the limits; point
  // mutation only fails on a tree of nothing but `not`s, which no operator builds.
  if (!changed) point_mutation(tree, rng);
}

// Generation options that keep random rules within the limits.
gp::GenOptions fitting(const gp::Limits& limits) {
  gp::GenOptions options;
  options.max_depth = std::min(options.max_depth, limits.max_depth);
  options.min_depth = std::min(options.min_depth, options.max_depth);
  options.max_nodes = std::min(options.max_nodes, limits.max_nodes);
  return options;
}

void switch_family(Genome& g, const std::vector<std::string>& families, const gp::Limits& limits, core::Rng& rng) {
  std::vector<std::string> others;
  for (auto name : families.empty() ? strategy::genome_families() : families) {
    if (name != g.family) others.push_back(std::move(name));
  }
  if (others.empty()) return;
  Genome fresh = strategy::random_genome(others[rng.below(others.size())], rng);
  fresh.risk = g.risk;
  fresh.regime = g.regime;
  fresh.generation = g.generation;
  // random_genome draws rules for the default limits; tighter limits need a rule drawn for them.
  if (is_tree(fresh) && !gp::check(fresh.rule, limits).empty())
    fresh.rule = gp::random_rule(rng, fitting(limits));
  g = std::move(fresh);
  strategy::clamp(g);
}

// The drawdown stop's genes are varied only where it is on, and after every other draw, so that
// genomes without it (every genome before the gene existed) see the draws they always saw.
// dd_stop moves within [kMinDdStop, 0.5]: mutation does not switch it off.
ParamSpec on_dd_stop_spec() {
  ParamSpec spec = strategy::breaker_specs()[strategy::kDdStop];
  spec.lo = strategy::kMinDdStop;
  return spec;
}

void mutate_breakers(strategy::RiskBlock& risk, double rate, const VariationOptions& o, core::Rng& rng) {
  if (!(risk.dd_stop > 0)) return;
  auto values = strategy::breaker_values(risk);
  const ParamSpec specs[] = {on_dd_stop_spec(), strategy::breaker_specs()[strategy::kDdCooldown]};
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (rng.bernoulli(rate)) mutate_gene(specs[i], values[i], o, rng);
  }
  strategy::set_breakers(risk, values);
}

// Both on: each gene crosses by SBX with probability 1/2. One on: the pair moves to the other
// child with probability 1/2. Neither: no draw.
void cross_breakers(strategy::RiskBlock& x, strategy::RiskBlock& y, const VariationOptions& o, core::Rng& rng) {
  const bool on_x = x.dd_stop > 0, on_y = y.dd_stop > 0;
  if (!on_x && !on_y) return;
  if (on_x != on_y) {
    if (rng.bernoulli(0.5)) {
      std::swap(x.dd_stop, y.dd_stop);
      std::swap(x.dd_cooldown, y.dd_cooldown);
    }
    return;
  }
  const ParamSpec specs[] = {on_dd_stop_spec(), strategy::breaker_specs()[strategy::kDdCooldown]};
  GeneBlock bx{specs, strategy::breaker_values(x)}, by{specs, strategy::breaker_values(y)};
  cross_genes(bx, by, o, rng);
  strategy::set_breakers(x, bx.values);
  strategy::set_breakers(y, by.values);
}

}  // namespace

int gene_count(const Genome& genome) {
  const auto evolved = [](std::span<const ParamSpec> specs) {
    return static_cast<int>(std::count_if(specs.begin(), specs.end(), [](const ParamSpec& s) { return s.evolved; }));
  };
  int count = evolved(strategy::risk_specs()) + evolved(strategy::regime_specs());
  if (!is_tree(genome))
    return count + evolved(strategy::find_family(genome.family).params());
  for (auto slot : kRuleSlots) count += (genome.rule.*slot).has_value() ? 1 : 0;
  return count;
}

std::pair<Genome, Genome> crossover(const Genome& a, const Genome& b,
                                    const VariationOptions& options, core::Rng& rng) {
  check_options(options);
  std::pair<Genome, Genome> children{a, b};
  if (a.family != b.family || !rng.bernoulli(options.crossover_probability)) return children;
  auto& [x, y] = children;
  // Parents read from JSON or built by hand may be off their bounds; genes are crossed within them.
  strategy::clamp(x);
  strategy::clamp(y);
  auto blocks_x = gene_blocks(x);
  auto blocks_y = gene_blocks(y);
  for (std::size_t k = 0; k < blocks_x.size(); ++k)
    cross_genes(blocks_x[k], blocks_y[k], options, rng);
  store(blocks_x, x);
  store(blocks_y, y);
  if (is_tree(x)) cross_rules(x.rule, y.rule, options.tree_limits, rng);
  cross_breakers(x.risk, y.risk, options, rng);
  strategy::clamp(x);
  strategy::clamp(y);
  return children;
}

void mutate(Genome& genome, const VariationOptions& options, core::Rng& rng) {
  check_options(options);
  if (rng.bernoulli(options.family_switch_probability)) {
    switch_family(genome, options.families, options.tree_limits, rng);
    return;
  }
  strategy::clamp(genome);
  const double rate = options.mutation_rate < 0 ? 1.0 / gene_count(genome) : options.mutation_rate;
  auto blocks = gene_blocks(genome);
  for (auto& block : blocks) {
    for (std::size_t i = 0; i < block.specs.size(); ++i) {
      if (block.specs[i].evolved && rng.bernoulli(rate)) mutate_gene(block.specs[i], block.values[i], options, rng);
    }
  }
  store(blocks, genome);
  if (is_tree(genome)) {
    for (auto slot : kRuleSlots) {
      std::optional<gp::Node>& tree = genome.rule.*slot;
      if (tree && rng.bernoulli(std::max(rate, kMinTreeMutationRate)))
        mutate_tree(*tree, options.tree_limits, rng);
    }
  }
  mutate_breakers(genome.risk, rate, options, rng);
  strategy::clamp(genome);
}

}  // namespace organism::evolve
