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

// One tree's value bar by bar (Bool trees as 0/1), bit for bit Interpreter::evaluate's value at
// that bar: the per-node proof behind rule_stream, and a Number tree read live.
class TreeStream {
 public:
  // Throws std::invalid_argument for a tree that fails check_structure().
  explicit TreeStream(const Node& tree);
  ~TreeStream();
  TreeStream(TreeStream&&) noexcept;
  TreeStream& operator=(TreeStream&&) noexcept;
  // As FamilyStream::on_bar: the new bar is the last of so_far.
  double on_bar(const MarketView& so_far);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace organism::strategy::gp
