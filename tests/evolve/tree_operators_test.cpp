// The rule-tree operators of evolve/variation.hpp on hand-made and random trees: each does what
// it says, and long random chains of them keep every tree valid under default and tight limits.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "evolve/variation.hpp"
#include "strategy/gp/random_tree.hpp"
#include "strategy/gp/text.hpp"
#include "strategy/gp/units.hpp"

namespace organism::evolve {
namespace {

namespace gp = strategy::gp;
using gp::Field;
using gp::Node;
using gp::Op;
using gp::Type;

// (and (> ema_12 close) (not (crosses_above (lag rsi_14 3) 30)))
Node sample_tree() {
  return gp::binary(
      Op::And, gp::binary(Op::Gt, gp::indicator("ema", 12), gp::field(Field::Close)),
      gp::unary(Op::Not, gp::binary(Op::CrossAbove, gp::lag(gp::indicator("rsi", 14), 3),
                                    gp::constant(30))));
}

gp::GenOptions options_within(const gp::Limits& limits) {
  gp::GenOptions o;
  o.max_depth = std::min(o.max_depth, limits.max_depth);
  o.min_depth = std::min(o.min_depth, o.max_depth);
  o.max_nodes = std::min(o.max_nodes, limits.max_nodes);
  return o;
}

// Op and arity per node in preorder: equal for two trees of the same shape.
void shape(const Node& n, std::vector<std::pair<Type, int>>& out) {
  out.emplace_back(gp::result_type(n.op), gp::arity(n.op));
  for (const Node& c : n.children) shape(c, out);
}

std::vector<std::pair<Type, int>> shape(const Node& n) {
  std::vector<std::pair<Type, int>> out;
  shape(n, out);
  return out;
}

bool has_subtree(Node& tree, const Node& part, bool root_allowed) {
  for (int i = root_allowed ? 0 : 1; i < gp::node_count(tree); ++i) {
    if (gp::subtree(tree, i) == part) return true;
  }
  return false;
}

TEST(TreeOperators, HoistGivesANonRootBoolSubtreeOfTheOriginal) {
  int outcomes_seen = 0;
  std::vector<Node> seen;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    core::Rng rng(seed);
    Node original = sample_tree();
    Node tree = original;
    ASSERT_TRUE(hoist_mutation(tree, rng));
    EXPECT_EQ(gp::result_type(tree.op), Type::Bool);
    EXPECT_TRUE(has_subtree(original, tree, false)) << gp::print(tree);
    if (std::find(seen.begin(), seen.end(), tree) == seen.end()) {
      seen.push_back(tree);
      ++outcomes_seen;
    }
  }
  // The Bool subtrees below the root: the comparison, the `not` and the cross.
  EXPECT_EQ(outcomes_seen, 3);
}

TEST(TreeOperators, HoistFindsNothingInASingleComparison) {
  core::Rng rng(1);
  Node tree = gp::binary(Op::Gt, gp::field(Field::High), gp::field(Field::Low));
  const Node before = tree;
  EXPECT_FALSE(hoist_mutation(tree, rng));
  EXPECT_EQ(tree, before);
}

TEST(TreeOperators, PointMutationChangesOneNodeAndKeepsTheShape) {
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    core::Rng rng(seed);
    const Node original = gp::random_tree(rng, Type::Bool);
    Node tree = original;
    ASSERT_TRUE(point_mutation(tree, rng));
    EXPECT_EQ(gp::node_count(tree), gp::node_count(original));
    EXPECT_EQ(shape(tree), shape(original));
    EXPECT_NE(tree, original) << gp::print(original);
    EXPECT_EQ(gp::check(tree, Type::Bool), "") << gp::print(tree);
  }
}

TEST(TreeOperators, PointMutationSwapsWithinOperatorGroups) {
  // (> ema_12 close): the root becomes <, the indicator changes period or name, the field another.
  bool root_flipped = false, period_changed = false, name_changed = false, field_changed = false;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    core::Rng rng(seed);
    Node tree = gp::binary(Op::Gt, gp::indicator("ema", 12), gp::field(Field::Close));
    ASSERT_TRUE(point_mutation(tree, rng));
    const Node& ind = tree.children[0];
    const Node& fld = tree.children[1];
    root_flipped |= tree.op == Op::Lt;
    period_changed |= ind.name == "ema" && ind.param != 12;
    name_changed |= ind.name != "ema" && ind.param == 12;
    field_changed |= fld.op == Op::Field && fld.field != Field::Close;
    EXPECT_TRUE(tree.op == Op::Gt || tree.op == Op::Lt);
    EXPECT_EQ(gp::check(tree, Type::Bool), "");
  }
  EXPECT_TRUE(root_flipped && period_changed && name_changed && field_changed);

  // Arithmetic ops change only among those keeping every unit: rsi_14 + 70 may become
  // rsi_14 - 70, min or max, never rsi_14 * 70 (70 would be a scale) nor rsi_14 / 70 (a ratio).
  // The oscillator level stays a whole number in 0..100; funding is its unit's only terminal.
  std::set<Op> ops_seen;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    core::Rng rng(seed);
    Node tree = gp::binary(Op::Lt, gp::binary(Op::Add, gp::indicator("rsi", 14), gp::constant(70)),
                           gp::indicator("adx", 14));
    ASSERT_TRUE(point_mutation(tree, rng));
    const Node& sum = tree.children[0];
    ops_seen.insert(sum.op);
    EXPECT_TRUE(sum.op == Op::Add || sum.op == Op::Sub || sum.op == Op::Min || sum.op == Op::Max);
    EXPECT_EQ(gp::check(tree, Type::Bool), "") << gp::print(tree);
    const double level = sum.children[1].value;
    EXPECT_EQ(level, std::round(level));
    EXPECT_GE(level, 0);
    EXPECT_LE(level, 100);
    EXPECT_TRUE(tree.children[1].name == "adx" || tree.children[1].name == "rsi");
  }
  EXPECT_EQ(ops_seen.size(), 4u);
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    core::Rng rng(seed);
    Node tree =
        gp::binary(Op::Gt, gp::funding(), gp::field(Field::Volume));  // nothing but the root
    ASSERT_TRUE(point_mutation(tree, rng));
    EXPECT_EQ(tree.op, Op::Lt);
  }
}

TEST(TreeOperators, ConstantMutationStaysInTheUnitsRange) {
  // A ratio near 1, a funding rate and a %R level each move on their own scale, within range.
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    core::Rng rng(seed);
    Node ratio =
        gp::binary(Op::Gt, gp::binary(Op::Div, gp::field(Field::Close), gp::indicator("sma", 20)),
                   gp::constant(1.02));
    Node rate = gp::binary(Op::Lt, gp::funding(), gp::constant(-0.0001));
    Node willr = gp::binary(Op::Lt, gp::indicator("willr", 14), gp::constant(-100));
    for (Node* t : {&ratio, &rate, &willr}) {
      Node& c = t->children[1];
      const double before = c.value;
      // Only the constant (and the root) can change in these trees: mutate until it does.
      for (int k = 0; k < 50 && c.value == before; ++k) point_mutation(*t, rng);
      ASSERT_NE(c.value, before) << gp::print(*t);
      const auto& r = gp::constant_range(*gp::node_units(*t)[gp::node_count(*t) - 1]);
      EXPECT_GE(c.value, r.lo) << gp::print(*t);
      EXPECT_LE(c.value, r.hi) << gp::print(*t);
      EXPECT_LT(std::fabs(c.value - before), 0.3 * (r.hi - r.lo)) << gp::print(*t);
    }
  }
}

TEST(TreeOperators, SubtreeCrossoverConservesTheTotalNodeCount) {
  int swapped = 0;
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    core::Rng rng(seed);
    Node a = gp::random_tree(rng, Type::Bool);
    Node b = gp::random_tree(rng, Type::Bool);
    const Node a0 = a, b0 = b;
    const bool done = subtree_crossover(a, b, {}, rng);
    EXPECT_EQ(gp::node_count(a) + gp::node_count(b), gp::node_count(a0) + gp::node_count(b0));
    EXPECT_EQ(gp::check(a, Type::Bool), "");
    EXPECT_EQ(gp::check(b, Type::Bool), "");
    if (done) {
      ++swapped;
    } else {
      EXPECT_EQ(a, a0);
      EXPECT_EQ(b, b0);
    }
  }
  // Most pairs exchange something; the rest are small trees with no node of a shared unit
  // ((> rsi_14 30) and (< close sma_20) have none).
  EXPECT_GT(swapped, 1600);
}

TEST(TreeOperators, SubtreeCrossoverExchangesSubtreesOfTheSameTypeAndUnit) {
  // a's Number terminals can only trade with b's: b = (crosses_below sma_20 open) has two.
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    core::Rng rng(seed);
    Node a = gp::binary(Op::Gt, gp::indicator("ema", 12), gp::indicator("wma", 3));
    Node b = gp::binary(Op::CrossBelow, gp::indicator("sma", 20), gp::field(Field::Open));
    ASSERT_TRUE(subtree_crossover(a, b, {}, rng));
    EXPECT_EQ(a.op, Op::Gt);
    EXPECT_EQ(b.op, Op::CrossBelow);
    EXPECT_EQ(gp::node_count(a), 3);
    EXPECT_EQ(gp::node_count(b), 3);
    Node original_a = gp::binary(Op::Gt, gp::indicator("ema", 12), gp::indicator("wma", 3));
    for (const Node& c : b.children) {
      const bool from_b = c == gp::indicator("sma", 20) || c == gp::field(Field::Open);
      EXPECT_TRUE(from_b || has_subtree(original_a, c, false));
    }
  }
}

TEST(TreeOperators, SubtreeCrossoverNeverSwapsAcrossUnits) {
  // An oscillator comparison and a price comparison share no unit: nothing can be exchanged.
  core::Rng rng(3);
  Node a = gp::binary(Op::Gt, gp::indicator("rsi", 14), gp::constant(30));
  Node b = gp::binary(Op::Lt, gp::field(Field::Close), gp::indicator("sma", 20));
  const Node a0 = a, b0 = b;
  EXPECT_FALSE(subtree_crossover(a, b, {}, rng));
  EXPECT_EQ(a, a0);
  EXPECT_EQ(b, b0);
}

TEST(TreeOperators, SubtreeCrossoverLeavesTreesAloneWhenNothingFits) {
  // Under depth 2, (not true) can only take a's root in place of `true`, which makes it 3 deep.
  core::Rng rng(5);
  Node a = gp::binary(Op::Gt, gp::field(Field::Low), gp::field(Field::High));
  Node b = gp::unary(Op::Not, gp::boolean(true));
  const Node a0 = a, b0 = b;
  EXPECT_FALSE(subtree_crossover(a, b, {2, 64}, rng));
  EXPECT_EQ(a, a0);
  EXPECT_EQ(b, b0);
}

TEST(TreeOperators, SubtreeMutationReplacesOneSubtreeWithinTheLimits) {
  const gp::Limits tight{3, 7};
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    core::Rng rng(seed);
    Node tree = gp::random_tree(rng, Type::Bool, options_within(tight));
    ASSERT_TRUE(subtree_mutation(tree, tight, rng));
    EXPECT_EQ(gp::check(tree, Type::Bool, tight), "") << gp::print(tree);
  }
}

// Empty when every constant of the tree lies in its unit's range, else the first that does not.
std::string constant_out_of_range(const Node& t) {
  const auto units = gp::node_units(t);
  Node copy = t;
  for (int i = 0; i < gp::node_count(t); ++i) {
    const Node& n = gp::subtree(copy, i);
    const auto unit = units[static_cast<std::size_t>(i)];
    if (n.op != Op::Constant) continue;
    if (!unit) return "constant without a unit";
    const auto& r = gp::constant_range(*unit);
    if (n.value < r.lo || n.value > r.hi) return std::to_string(n.value);
  }
  return {};
}

// 10,000 random operations on a small population of trees; after each, every tree is valid, units
// included, and every constant lies in its unit's range.
void run_chain(const gp::Limits& limits, std::uint64_t seed) {
  core::Rng rng(seed);
  std::vector<Node> pool;
  for (int i = 0; i < 8; ++i)
    pool.push_back(gp::random_tree(rng, Type::Bool, options_within(limits)));
  int changed = 0;
  for (int step = 0; step < 10'000; ++step) {
    Node& a = pool[rng.below(pool.size())];
    const std::size_t other = rng.below(pool.size());
    switch (rng.below(4)) {
      case 0:
        if (&pool[other] != &a) changed += subtree_crossover(a, pool[other], limits, rng);
        break;
      case 1:
        changed += subtree_mutation(a, limits, rng);
        break;
      case 2:
        changed += point_mutation(a, rng);
        break;
      default:
        // Hoisting shrinks; regrow tiny trees now and then so the chain keeps exploring.
        if (gp::node_count(a) <= 3) a = gp::random_tree(rng, Type::Bool, options_within(limits));
        changed += hoist_mutation(a, rng);
        break;
    }
    for (const Node& t : pool) {
      ASSERT_EQ(gp::check(t, Type::Bool, limits), "") << "step " << step << ": " << gp::print(t);
      ASSERT_EQ(constant_out_of_range(t), "") << "step " << step << ": " << gp::print(t);
    }
  }
  EXPECT_GT(changed, 5000);
}

TEST(TreeOperators, TenThousandOperationsKeepTreesValidUnderDefaultLimits) { run_chain({}, 11); }
TEST(TreeOperators, TenThousandOperationsKeepTreesValidUnderTightLimits) { run_chain({3, 7}, 12); }
TEST(TreeOperators, TenThousandOperationsKeepTreesValidUnderNarrowSizeLimits) {
  run_chain({8, 9}, 13);
}

TEST(TreeOperators, SameSeedSameTrees) {
  const auto run = [](std::uint64_t seed) {
    core::Rng rng(seed);
    Node a = gp::random_tree(rng, Type::Bool);
    Node b = gp::random_tree(rng, Type::Bool);
    subtree_crossover(a, b, {}, rng);
    subtree_mutation(a, {}, rng);
    point_mutation(b, rng);
    hoist_mutation(a, rng);
    return gp::print(a) + " | " + gp::print(b);
  };
  for (std::uint64_t seed = 0; seed < 50; ++seed) EXPECT_EQ(run(seed), run(seed));
  EXPECT_NE(run(1), run(2));
}

}  // namespace
}  // namespace organism::evolve
