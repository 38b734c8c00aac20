// Algebraic simplification of rule trees that never changes a signal: constant folding,
// `not not x`, `x > x`, identities of and/or/+/*, and crossings that cannot happen.
// Used by evolution (to keep trees small and to recognise duplicates) and by printing.
#pragma once

#include "strategy/gp/node.hpp"

namespace organism::strategy::gp {

// A tree whose evaluation equals n's at every bar, bit for bit on Bool trees and on Number trees
// up to the sign of zero (x + 0 turns -0 into +0, which no comparison or protected division can
// tell apart). Rules, bottom-up:
//   numbers:  op(c1, c2) -> c when the result is finite (same arithmetic as evaluation);
//             x + 0, 0 + x, x - 0, x * 1, 1 * x -> x; x / 1 -> x when x is a Ratio or
//             constant (x / 1 is a Ratio, see units.hpp); min(x, x), max(x, x) -> x
//   compare:  c1 > c2, c1 < c2 -> true/false; x > x, x < x -> false;
//             crosses_above/below(x, x) and of two constants -> false
//   logic:    not not x -> x; not true -> false; not false -> true;
//             and(x, false) -> false; and(x, true) -> x; or(x, true) -> true; or(x, false) -> x;
//             and(x, x), or(x, x) -> x
// Lag of a constant is kept: it is NaN for the first bars. A well-typed tree (units included)
// stays well-typed.
Node simplify(const Node& n);
Rule simplify(const Rule& r);

}  // namespace organism::strategy::gp
