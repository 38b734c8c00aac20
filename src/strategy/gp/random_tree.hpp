// Random typed rule trees by ramped half-and-half (Koza): depths ramp over [min_depth,
// max_depth], half the trees "full" (every branch reaches the depth), half "grow" (branches may
// stop early). Used by evolution to seed populations and by tests and benchmarks.
#pragma once

#include "core/random.hpp"
#include "strategy/gp/node.hpp"

namespace organism::strategy::gp {

struct GenOptions {
  int min_depth = 2;  // a Bool tree needs 2: a comparison of two Number terminals
  int max_depth = 6;
  int max_nodes = 63;  // a tree larger than this is redrawn (a full binary tree of depth 6 fits)
  double grow_terminal = 0.3;  // "grow": chance a Number node above the depth limit is a terminal
};

// One tree of the type, depth in [min_depth, max_depth] (a random target depth; a coin picks full
// or grow). Every result passes check(tree, type, {max_depth, max_nodes}), units included: each
// comparison draws one unit for both sides (never two constants), and constants are drawn in
// their unit's constant_range. A Number tree gets a unit drawn as comparisons draw theirs. Throws
// std::invalid_argument when the options are inconsistent (min_depth < 2 for Bool, min > max).
Node random_tree(core::Rng& rng, Type type, const GenOptions& options = {});

// A Number tree with the unit of its own (unit_of(tree) == unit), constants only where another
// operand fixes the unit; a Ratio needs max_depth >= 2 (a quotient), below which it is a
// constant.
Node random_number_tree(core::Rng& rng, Unit unit, const GenOptions& options = {});

// Ramped half-and-half over a population: individual i gets depth min + i % (max - min + 1) and
// the full method when (i / depths) is even, so depths and methods are spread evenly.
Node ramped_tree(core::Rng& rng, Type type, int index, const GenOptions& options = {});

// A rule with a long entry and short entry always, and each exit with probability 1/2.
Rule random_rule(core::Rng& rng, const GenOptions& options = {});

// A random terminal of the unit: one of its indicators or fields, or (for a unit admitting
// constants) a constant of its range half the time. A Ratio has no terminal: always a constant.
Node random_terminal(core::Rng& rng, Unit unit);
// A constant of the unit's constant_range, rounded to its decimals. Precondition:
// admits_constants(unit).
double random_constant(core::Rng& rng, Unit unit);

}  // namespace organism::strategy::gp
