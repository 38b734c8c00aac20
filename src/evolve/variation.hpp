// Genetic variation of genomes: crossover within a family and mutation per gene type (SBX and
// polynomial mutation for reals, integer-aware versions for ints, reset for choices, flip for
// bools; subtree crossover and subtree / point / hoist mutation for rule trees), plus a rare
// family switch. Every child is clamped and its trees pass gp::check under the limits.
// Used by the evolution engine; deterministic given the Rng.
#pragma once

#include <string>
#include <utility>
#include <vector>

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
  // Families a family switch may land on (empty: every genome family). The engine sets it to the
  // families it searches, so an excluded family never enters through mutation.
  std::vector<std::string> families{};
};

// Two children of two parents. Same family: each numeric gene (family params, risk block, regime
// filter) crosses by SBX with probability 1/2, each choice or bool is swapped with probability
// 1/2; tree rules: subtree crossover per rule slot (a random node of matching type in each
// parent's tree swaps; children over the limits keep the parent's tree; two equal trees are kept
// as they are); a slot only one parent has moves to the other child with probability 1/2.
// Different families or no crossover (probability 1 - crossover_probability): copies of the
// parents. So identical parents give identical children. Children keep the parents' generation;
// the engine sets it.
std::pair<strategy::Genome, strategy::Genome> crossover(const strategy::Genome& a, const strategy::Genome& b,
                                                         const VariationOptions& options, core::Rng& rng);

// Mutates in place: each gene with probability mutation_rate (polynomial mutation for reals and
// ints, another value drawn uniformly for choices, a flip for bools); a tree rule gets one of
// subtree (1/2), point (3/10) or hoist (1/5) mutation on one of its trees with probability
// max(mutation_rate, 0.2) per tree (point mutation when the chosen one finds nothing to do); with
// family_switch_probability, instead of all that, the genome becomes a random genome of another
// family of `families` (every genome family when empty), keeping its risk block, regime filter and generation.
// The genome's trees must pass gp::check under the limits (then they still do); it comes out
// clamped. Throws std::invalid_argument for options out of range (tree limits below depth 2 or
// 3 nodes included).
void mutate(strategy::Genome& genome, const VariationOptions& options, core::Rng& rng);

// The number of genes: family parameters, risk block and regime filter, plus one per rule tree
// present; the default mutation rate is its inverse.
int gene_count(const strategy::Genome& genome);

// The tree operators on their own (tested and benchmarked directly). Each returns false and
// leaves its inputs unchanged when no valid result exists within the limits (after a bounded
// number of random tries). Trees valid under the limits stay valid; a and b are distinct trees.
// subtree_crossover: a random node of a and a random node of b of the same result type (not both
// roots) trade places when both trees stay within the limits. subtree_mutation: a random node
// becomes a fresh random tree of its type, at most 4 deep and within the room the limits leave.
// point_mutation: one node changes with the same type and arity (> and <, crosses above and below,
// the arithmetic ops among themselves, and and or, true and false, a constant, period, indicator
// name, field or lag nudged; funding becomes another terminal), so shape and size are kept.
// hoist_mutation: the tree becomes one of its non-root subtrees of the root's type.
bool subtree_crossover(strategy::gp::Node& a, strategy::gp::Node& b, const strategy::gp::Limits& limits,
                       core::Rng& rng);
bool subtree_mutation(strategy::gp::Node& tree, const strategy::gp::Limits& limits, core::Rng& rng);
bool point_mutation(strategy::gp::Node& tree, core::Rng& rng);
bool hoist_mutation(strategy::gp::Node& tree, core::Rng& rng);

}  // namespace organism::evolve
