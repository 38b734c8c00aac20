// Genetic variation of genomes: crossover within a family and mutation per gene type (SBX and
// polynomial mutation for reals, integer-aware versions for ints, reset for choices, flip for
// bools; subtree crossover and subtree / point / hoist mutation for rule trees), plus a rare
// family switch. Every child is clamped and its trees pass gp::check under the limits.
// Used by the evolution engine; deterministic given the Rng.
#pragma once

#include <utility>

#include "core/random.hpp"
#include "strategy/genome.hpp"
#include "strategy/gp/node.hpp"

namespace organism::evolve {

struct VariationOptions {
  double crossover_probability = 0.9;  // per pair of parents
  double sbx_eta = 15;                 // SBX distribution index
  double mutation_eta = 20;            // polynomial mutation distribution index
  double mutation_rate = -1;           // per gene; < 0: 1 / (number of genes of the genome)
  double family_switch_probability = 0.02;  // per mutated child: a random genome of another family
  strategy::gp::Limits tree_limits{};       // depth and size limits of rule trees
};

// Two children of two parents. Same family: each numeric gene (family params, risk block, regime
// filter) crosses by SBX with probability 1/2, each choice or bool is swapped with probability
// 1/2; tree rules: subtree crossover per rule slot (a random node of matching type in each
// parent's tree swaps; children over the limits keep the parent's tree). Different families or
// no crossover (probability 1 - crossover_probability): copies of the parents. Children keep the
// parents' generation; the engine sets it.
std::pair<strategy::Genome, strategy::Genome> crossover(const strategy::Genome& a, const strategy::Genome& b,
                                                         const VariationOptions& options, core::Rng& rng);

// Mutates in place: each gene with probability mutation_rate (polynomial mutation for reals and
// ints, a new random value for choices, a flip for bools); a tree rule gets one of subtree, point
// or hoist mutation on one of its trees with probability max(mutation_rate, 0.2) per tree; with
// family_switch_probability the genome becomes a random genome of another family, keeping its risk
// block and regime filter.
void mutate(strategy::Genome& genome, const VariationOptions& options, core::Rng& rng);

// The tree operators on their own (tested and benchmarked directly). Each returns false and
// leaves its inputs unchanged when no valid result exists within the limits.
bool subtree_crossover(strategy::gp::Node& a, strategy::gp::Node& b, const strategy::gp::Limits& limits,
                       core::Rng& rng);
bool subtree_mutation(strategy::gp::Node& tree, const strategy::gp::Limits& limits, core::Rng& rng);
bool point_mutation(strategy::gp::Node& tree, core::Rng& rng);
bool hoist_mutation(strategy::gp::Node& tree, core::Rng& rng);

}  // namespace organism::evolve
