// A rule tree running one bar at a time: the tree family's part of strategy::Runtime. Each node
// keeps what it needs of the past (its previous value for crosses, indicator streams for
// terminals), so a bar costs one pass over the tree. Bit for bit what gp::Interpreter gives at
// that bar over the same series.
#pragma once

#include <memory>

#include "strategy/family.hpp"
#include "strategy/gp/node.hpp"

namespace organism::strategy::gp {

// Throws std::invalid_argument for a tree that fails check_structure().
std::unique_ptr<FamilyStream> rule_stream(const Rule& rule);

}  // namespace organism::strategy::gp
