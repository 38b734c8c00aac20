// Units of rule-tree Number nodes: which terminals carry which unit, how operators combine them,
// and the range random constants of each unit are drawn from. Used by check() (every parsed,
// loaded, generated or varied tree), random generation, simplification and evolution's operators.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "strategy/gp/node.hpp"

namespace organism::strategy::gp {

// The typing rules (a constant-only subtree is "free": it takes the unit of what it meets):
//   lag, min, max, +, -, >, <, crosses_*   both operands of one unit (the result keeps it)
//   a / b                                  a and b of one unit; the result is a Ratio
//   a * b                                  one factor a Ratio (a scale); the result has the
//                                          other's unit (Ratio * Ratio is a Ratio)
// a free subtree never takes Price or Volume: a raw price or volume level only makes sense for
// one coin, so such constants are compared through a ratio (close / sma_20 > 1.02); and a
// comparison has at least one side with a unit (two constants compare nothing). Every node of a
// well-typed Bool tree therefore has a unit in its place.

// Whether constants may take the unit (all but Price and Volume).
bool admits_constants(Unit u);

// Where random constants of a unit are drawn and nudged: [lo, hi] with `decimals` decimals
// (whole numbers for the oscillators), log-uniform for Ratio so 0.5 and 2 are equally likely.
struct ConstantRange {
  double lo = 0;
  double hi = 0;
  int decimals = 0;
  bool log_uniform = false;
};
// Precondition: admits_constants(u).
const ConstantRange& constant_range(Unit u);

// The unit of an indicator, field or funding terminal; nullopt for anything else.
std::optional<Unit> terminal_unit(const Node& n);

// Empty when every unit in the tree (Number or Bool) agrees with the rules above; otherwise the
// first offending node, printed, with its depth and the units it mixes.
std::string check_units(const Node& n);

// The unit a Number tree has on its own: nullopt when it is free (no terminal with a unit) or
// ill-typed.
std::optional<Unit> unit_of(const Node& n);

// The unit each node takes in its place in a well-typed tree, in preorder (index i matches
// subtree(root, i)): a free node takes its context's unit (a constant in (> rsi_14 30) is an
// Oscillator, in (* atr_14 1.5) a Ratio). nullopt for Bool nodes, and for the nodes of a free
// Number tree checked on its own ((+ 1 2)) or of an ill-typed tree's constant comparison.
std::vector<std::optional<Unit>> node_units(const Node& root);

// Whether each node, in preorder, has a unit of its own (unit_of is set): what the operators
// keep when they replace a subtree, so that no other node's unit moves (in (* 2 x), 2 is a
// scale while x has a unit, but a value beside 3 in (* 2 3)).
std::vector<bool> typed_nodes(const Node& root);

}  // namespace organism::strategy::gp
