// The rule-tree operators of evolve/variation.hpp: subtree crossover and subtree, point and hoist
// mutation. Each edits trees in place through gp::subtree and keeps every tree valid under the
// limits, units included (a tree valid before stays valid after).
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "evolve/variation.hpp"
#include "strategy/gp/random_tree.hpp"
#include "strategy/gp/units.hpp"

namespace organism::evolve {

namespace {

using strategy::gp::Limits;
using strategy::gp::Node;
using strategy::gp::Op;
using strategy::gp::Type;
using strategy::gp::Unit;
namespace gp = strategy::gp;

// How often an operator redraws its random choice before giving up: enough that a tree with any
// valid choice almost surely finds one, few enough to bound the cost of trees that have none.
constexpr int kAttempts = 16;
// Deepest subtree that subtree mutation grows (further capped by the room the limits leave), so
// one mutation cannot turn a leaf into a maximal tree.
constexpr int kMutationDepth = 4;

// What the operators need to know about a node without walking the tree again.
struct NodeInfo {
  int level = 1;   // the root is at level 1, as in gp::check
  int size = 1;    // nodes in the subtree
  int height = 1;  // depth of the subtree (a terminal: 1)
  Type type = Type::Number;
  std::optional<Unit> unit;  // a Number node's unit in its place (gp::node_units)
  bool typed = false;        // it has that unit of its own (gp::typed_nodes)
};

int collect(const Node& n, int level, std::vector<NodeInfo>& out) {
  const std::size_t at = out.size();
  out.push_back({level, 1, 1, gp::result_type(n.op), std::nullopt});
  int size = 1, height = 0;
  for (const Node& c : n.children) {
    const std::size_t child = out.size();
    size += collect(c, level + 1, out);
    height = std::max(height, out[child].height);
  }
  out[at].size = size;
  out[at].height = height + 1;
  return size;
}

// One entry per node in preorder: index i matches gp::subtree(root, i).
std::vector<NodeInfo> node_infos(const Node& root) {
  std::vector<NodeInfo> out;
  collect(root, 1, out);
  const auto units = gp::node_units(root);
  const auto typed = gp::typed_nodes(root);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].unit = units[i];
    out[i].typed = typed[i];
  }
  return out;
}

bool valid(const Node& tree, const Limits& limits) {
  return gp::check(tree, gp::result_type(tree.op), limits).empty();
}

int index_below(core::Rng& rng, std::size_t n) { return static_cast<int>(rng.below(n)); }

// An integer moved by a step proportional to its size (at least 1), kept in [lo, hi] and always
// different from v when lo < hi.
int nudge_int(int v, int lo, int hi, core::Rng& rng) {
  const double width = std::max(1.0, 0.2 * v);
  int step = static_cast<int>(std::lround(rng.normal() * width));
  if (step == 0) step = rng.bernoulli(0.5) ? 1 : -1;
  int out = std::clamp(v + step, lo, hi);
  if (out == v) out = std::clamp(v - step, lo, hi);
  return out;
}

// A constant moved by about 5% of its unit's range, rounded to the unit's decimals and kept in
// the range (a constant loaded from outside the range is pulled into it), so rules still print
// short and exactly and thresholds stay where the unit's values are.
double nudge_constant(double v, Unit unit, core::Rng& rng) {
  const gp::ConstantRange& r = gp::constant_range(unit);
  const double scale = std::pow(10.0, r.decimals);
  const auto round_clamp = [&](double x) {
    return std::clamp(std::round(x * scale) / scale, r.lo, r.hi);
  };
  double out = round_clamp(v + rng.normal() * 0.05 * (r.hi - r.lo));
  const double step = (rng.bernoulli(0.5) ? 1.0 : -1.0) / scale;
  if (out == v) out = round_clamp(v + step);
  if (out == v) out = round_clamp(v - step);  // at an end of the range: step inwards
  return out;
}

// Another indicator name of the same unit, or the same name when it is its unit's only one.
std::string other_indicator(const std::string& name, core::Rng& rng) {
  const Unit unit = gp::indicator_unit(name);
  std::vector<std::string_view> same;
  for (const auto other : gp::indicator_names()) {
    if (other != name && gp::indicator_unit(other) == unit) same.push_back(other);
  }
  return same.empty() ? name : std::string(same[rng.below(same.size())]);
}

template <std::size_t N>
Op other_op(Op op, const std::array<Op, N>& group, core::Rng& rng) {
  const auto at =
      static_cast<std::size_t>(std::find(group.begin(), group.end(), op) - group.begin());
  return group[(at + 1 + rng.below(N - 1)) % N];
}

constexpr std::array<Op, 6> kArithmetic = {Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Min, Op::Max};

// Changes one node into another of the same type, arity and unit with parameters in range; false
// for a node with no alternative (`not`, `funding`, `volume`: the only terminals of their units).
// An arithmetic op may come out ill-typed ((* close 1.5) -> (+ close 1.5)): the caller checks.
bool mutate_point(Node& n, std::optional<Unit> unit, core::Rng& rng) {
  switch (n.op) {
    case Op::Gt:
      n.op = Op::Lt;
      return true;
    case Op::Lt:
      n.op = Op::Gt;
      return true;
    case Op::CrossAbove:
      n.op = Op::CrossBelow;
      return true;
    case Op::CrossBelow:
      n.op = Op::CrossAbove;
      return true;
    case Op::And:
      n.op = Op::Or;
      return true;
    case Op::Or:
      n.op = Op::And;
      return true;
    case Op::True:
      n.op = Op::False;
      return true;
    case Op::False:
      n.op = Op::True;
      return true;
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Min:
    case Op::Max:
      n.op = other_op(n.op, kArithmetic, rng);
      return true;
    case Op::Lag:
      n.param = nudge_int(n.param, gp::kMinLag, gp::kMaxLag, rng);
      return true;
    case Op::Constant:
      // Every constant of a well-typed Bool tree has a unit in its place; one in a Number tree of
      // constants only (checked on its own) has none and is nudged as a ratio.
      n.value = nudge_constant(n.value, unit.value_or(Unit::Ratio), rng);
      return true;
    case Op::Field: {
      if (n.field == gp::Field::Volume) return false;
      // Among the four price fields.
      const auto at = static_cast<std::uint64_t>(n.field);
      n.field = static_cast<gp::Field>((at + 1 + rng.below(3)) % 4);
      return true;
    }
    case Op::Indicator: {
      std::string other = other_indicator(n.name, rng);
      if (other == n.name || rng.bernoulli(0.5)) {
        n.param = nudge_int(n.param, gp::kMinPeriod, gp::kMaxPeriod, rng);
      } else {
        n.name = std::move(other);
      }
      return true;
    }
    case Op::Funding:
    case Op::Not:
      return false;
  }
  return false;
}

// Preorder indices of the nodes mutate_point can change.
void collect_mutable(const Node& n, int& index, std::vector<int>& out) {
  const bool fixed =
      n.op == Op::Not || n.op == Op::Funding || (n.op == Op::Field && n.field == gp::Field::Volume);
  if (!fixed) out.push_back(index);
  ++index;
  for (const Node& c : n.children) collect_mutable(c, index, out);
}

}  // namespace

bool subtree_crossover(Node& a, Node& b, const Limits& limits, core::Rng& rng) {
  const auto in_a = node_infos(a);
  const auto in_b = node_infos(b);
  const int size_a = in_a[0].size, size_b = in_b[0].size;
  std::vector<int> partners;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const int i = index_below(rng, in_a.size());
    const NodeInfo& x = in_a[static_cast<std::size_t>(i)];
    // Partners in b of the same type, unit and typing (a unit of its own or constants taking
    // the context's: then no other node's unit moves) whose exchange keeps both trees within
    // the limits; swapping the two roots would only exchange the trees, so it is left out.
    partners.clear();
    for (int j = i == 0 ? 1 : 0; j < static_cast<int>(in_b.size()); ++j) {
      const NodeInfo& y = in_b[static_cast<std::size_t>(j)];
      if (y.type != x.type || y.unit != x.unit || y.typed != x.typed) continue;
      if (size_a - x.size + y.size > limits.max_nodes ||
          size_b - y.size + x.size > limits.max_nodes)
        continue;
      if (x.level + y.height - 1 > limits.max_depth || y.level + x.height - 1 > limits.max_depth)
        continue;
      partners.push_back(j);
    }
    if (partners.empty()) continue;
    const int j = partners[rng.below(partners.size())];
    Node& from_a = gp::subtree(a, i);
    Node& from_b = gp::subtree(b, j);
    std::swap(from_a, from_b);
    // The arithmetic above decides for valid parents; the full check also guards parents that
    // were already over the limits, which must not come out as accepted children.
    if (valid(a, limits) && valid(b, limits)) return true;
    std::swap(from_a, from_b);
  }
  return false;
}

bool subtree_mutation(Node& tree, const Limits& limits, core::Rng& rng) {
  const auto infos = node_infos(tree);
  const int size = infos[0].size;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const int i = index_below(rng, infos.size());
    const NodeInfo& x = infos[static_cast<std::size_t>(i)];
    const int room = limits.max_depth - x.level + 1;
    const int budget = limits.max_nodes - (size - x.size);
    // A generated Bool tree is at least a comparison of two terminals (depth 2, 3 nodes);
    // true/false are never generated.
    const bool boolean = x.type == Type::Bool;
    if (boolean && (room < 2 || budget < 3)) continue;
    if (budget < 1 || room < 1) continue;
    // A Number node is replaced by a tree of its unit in its place, typed as it was (a
    // constant by a constant of that unit), so that no other node's unit moves.
    const Unit unit = x.unit.value_or(Unit::Ratio);
    Node fresh;
    if (!boolean && !x.typed) {
      fresh = gp::constant(gp::random_constant(rng, unit));
    } else if (!boolean && (room == 1 || budget < 3)) {
      fresh = gp::random_terminal(rng, unit);
    } else {
      gp::GenOptions options;
      options.min_depth = boolean ? 2 : 1;
      options.max_depth = std::min(room, kMutationDepth);
      options.max_nodes = budget;
      fresh = boolean ? gp::random_tree(rng, Type::Bool, options)
                      : gp::random_number_tree(rng, unit, options);
    }
    if (!boolean && x.typed && gp::unit_of(fresh) != unit) continue;  // a constant drawn
    Node& target = gp::subtree(tree, i);
    std::swap(target, fresh);
    if (valid(tree, limits)) return true;
    std::swap(target, fresh);
  }
  return false;
}

bool point_mutation(Node& tree, core::Rng& rng) {
  std::vector<int> mutable_nodes;
  int index = 0;
  collect_mutable(tree, index, mutable_nodes);
  if (mutable_nodes.empty()) return false;
  const auto units = gp::node_units(tree);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const int i = mutable_nodes[rng.below(mutable_nodes.size())];
    Node& n = gp::subtree(tree, i);
    const Op op = n.op;
    if (!mutate_point(n, units[static_cast<std::size_t>(i)], rng)) continue;
    // Only a new arithmetic op can change units; it must keep every node's unit, so a constant
    // below it stays in the range it was drawn for ((+ rsi_14 30) -> (* rsi_14 30) is refused).
    const bool arithmetic =
        std::find(kArithmetic.begin(), kArithmetic.end(), op) != kArithmetic.end();
    if (!arithmetic || (gp::check_units(tree).empty() && gp::node_units(tree) == units))
      return true;
    n.op = op;
  }
  return false;
}

bool hoist_mutation(Node& tree, core::Rng& rng) {
  const auto infos = node_infos(tree);
  std::vector<int> candidates;
  for (int i = 1; i < static_cast<int>(infos.size()); ++i) {
    if (infos[static_cast<std::size_t>(i)].type == infos[0].type) candidates.push_back(i);
  }
  if (candidates.empty()) return false;
  Node hoisted = std::move(gp::subtree(tree, candidates[rng.below(candidates.size())]));
  tree = std::move(hoisted);
  return true;
}

}  // namespace organism::evolve
