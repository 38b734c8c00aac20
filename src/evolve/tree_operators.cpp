// The rule-tree operators of evolve/variation.hpp: subtree crossover and subtree, point and hoist
// mutation. Each edits trees in place through gp::subtree and keeps every tree valid under the
// limits (a tree valid before stays valid after).
#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "evolve/variation.hpp"
#include "strategy/gp/random_tree.hpp"

namespace organism::evolve {

namespace {

using strategy::gp::Limits;
using strategy::gp::Node;
using strategy::gp::Op;
using strategy::gp::Type;
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
};

int collect(const Node& n, int level, std::vector<NodeInfo>& out) {
  const std::size_t at = out.size();
  out.push_back({level, 1, 1, gp::result_type(n.op)});
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

// A constant moved by about 10% of its size (at least 0.1). Generated constants are whole
// numbers (oscillator levels) or reals with 3 decimals; a nudge keeps each on its own scale so
// rules still print short and exactly.
double nudge_constant(double v, core::Rng& rng) {
  const bool whole = v == std::round(v) && std::fabs(v) > 2;
  const double moved = v + rng.normal() * std::max(0.1, 0.1 * std::fabs(v));
  const double quantum = whole ? 1.0 : 0.001;
  double out = std::round(moved / quantum) * quantum;
  if (out == v) out = v + (rng.bernoulli(0.5) ? quantum : -quantum);
  return out;
}

template <std::size_t N>
Op other_op(Op op, const std::array<Op, N>& group, core::Rng& rng) {
  const auto at =
      static_cast<std::size_t>(std::find(group.begin(), group.end(), op) - group.begin());
  return group[(at + 1 + rng.below(N - 1)) % N];
}

constexpr std::array<Op, 6> kArithmetic = {Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Min, Op::Max};

// Changes one node into another of the same type and arity with parameters in range; false for
// a node with no alternative (`not`).
bool mutate_point(Node& n, core::Rng& rng) {
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
      n.value = nudge_constant(n.value, rng);
      return true;
    case Op::Field: {
      const auto at = static_cast<std::uint64_t>(n.field);
      n.field = static_cast<gp::Field>((at + 1 + rng.below(4)) % 5);
      return true;
    }
    case Op::Indicator: {
      if (rng.bernoulli(0.5)) {
        n.param = nudge_int(n.param, gp::kMinPeriod, gp::kMaxPeriod, rng);
        return true;
      }
      const auto names = gp::indicator_names();
      const auto at =
          static_cast<std::size_t>(std::find(names.begin(), names.end(), n.name) - names.begin());
      n.name = std::string(names[(at + 1 + rng.below(names.size() - 1)) % names.size()]);
      return true;
    }
    case Op::Funding: {
      // The only Number terminal without parameters: it becomes another kind of terminal.
      for (int attempt = 0; attempt < kAttempts; ++attempt) {
        Node other = gp::random_number_terminal(rng);
        if (other.op == Op::Funding) continue;
        n = std::move(other);
        return true;
      }
      return false;
    }
    case Op::Not:
      return false;
  }
  return false;
}

// Preorder indices of the nodes mutate_point can change.
void collect_mutable(const Node& n, int& index, std::vector<int>& out) {
  if (n.op != Op::Not) out.push_back(index);
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
    // Partners in b of the same type whose exchange keeps both trees within the limits; swapping
    // the two roots would only exchange the trees, so it is left out.
    partners.clear();
    for (int j = i == 0 ? 1 : 0; j < static_cast<int>(in_b.size()); ++j) {
      const NodeInfo& y = in_b[static_cast<std::size_t>(j)];
      if (y.type != x.type) continue;
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
    Node fresh;
    if (!boolean && (room == 1 || budget < 3)) {
      fresh = gp::random_number_terminal(rng);
    } else {
      gp::GenOptions options;
      options.min_depth = boolean ? 2 : 1;
      options.max_depth = std::min(room, kMutationDepth);
      options.max_nodes = budget;
      fresh = gp::random_tree(rng, x.type, options);
    }
    Node& target = gp::subtree(tree, i);
    std::swap(target, fresh);
    if (valid(tree, limits)) return true;
    std::swap(target, fresh);
  }
  return false;
}

bool point_mutation(Node& tree, core::Rng& rng) {
  // Every node but `not` has an alternative of its type and arity.
  std::vector<int> mutable_nodes;
  int index = 0;
  collect_mutable(tree, index, mutable_nodes);
  if (mutable_nodes.empty()) return false;
  return mutate_point(gp::subtree(tree, mutable_nodes[rng.below(mutable_nodes.size())]), rng);
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
