// The printed form of rule trees, an S-expression a person can read and the parser reads back
// to the same tree: print(parse(s)) == s for printed s, and parse(print(t)) == t.
// Used in reports, logs, the registry and tests. Grammar: docs/rule-trees.md.
#pragma once

#include <string>
#include <string_view>

#include "strategy/gp/node.hpp"

namespace organism::strategy::gp {

// "(and (crosses_above ema_20 sma_50) (> rsi_14 30))". Indicators print as their column name
// (ema_20), fields and funding by name, constants in their shortest exact decimal form.
std::string print(const Node& n);
// "(rule (long_entry B) (long_exit B) (short_entry B) (short_exit B))", absent trees omitted.
std::string print(const Rule& r);

// Parses a printed tree of the given type; throws core::UsageError naming the offset and what
// was expected when the text is malformed, ill-typed, or out of range (check() with `limits`).
Node parse_tree(std::string_view text, Type type, const Limits& limits = {64, 4096});
Rule parse_rule(std::string_view text, const Limits& limits = {64, 4096});

}  // namespace organism::strategy::gp
