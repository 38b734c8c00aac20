// Rule trees one bar at a time (gp::TreeStream, gp::rule_stream) against the batch
// gp::Interpreter, bit for bit at every bar: hand-checked lags and crosses, 200 random Number and
// Bool trees on a synthetic walk, and 200 random tree genomes plus the default on real BTC 1h.
#include <gtest/gtest.h>

#include <limits>

#include "gp_support.hpp"
#include "strategy/genome.hpp"
#include "strategy/gp/interpreter.hpp"
#include "strategy/gp/random_tree.hpp"
#include "strategy/gp/stream.hpp"
#include "strategy/gp/text.hpp"
#include "stream_support.hpp"

namespace organism::strategy::gp {
namespace {

using strategy::test::first_difference;
using strategy::test::stream_exposures;

std::vector<double> tree_stream_values(const Node& tree, const MarketView& market) {
  TreeStream s(tree);
  return strategy::test::fed_bar_by_bar(market, [&](const MarketView& so_far) { return s.on_bar(so_far); });
}

std::vector<double> batch_values(const Node& tree, const MarketView& market) {
  Interpreter e;
  const auto v = e.evaluate(tree, market);
  return {v.begin(), v.end()};
}

TEST(GpStream, LagAndCrossesKeepTheirPastAsTheBatchDoes) {
  const auto m = test::from_closes({1, 2, 3, 2, 3, 4});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto lagged = tree_stream_values(lag(field(Field::Close), 2), m.view());
  const std::vector<double> want_lag = {nan, nan, 1, 2, 3, 2};
  EXPECT_EQ(first_difference(lagged, want_lag), -1);
  // close crosses above 2.5 at bars 2 and 4 and below it at bar 3.
  const Node above = binary(Op::CrossAbove, field(Field::Close), constant(2.5));
  const Node below = binary(Op::CrossBelow, field(Field::Close), constant(2.5));
  EXPECT_EQ(tree_stream_values(above, m.view()), (std::vector<double>{0, 0, 1, 0, 1, 0}));
  EXPECT_EQ(tree_stream_values(below, m.view()), (std::vector<double>{0, 0, 0, 1, 0, 0}));
  // The cross of a lagged series waits for both bars of the comparison to be defined.
  const Node lag_cross = binary(Op::CrossAbove, field(Field::Close), lag(field(Field::Close), 1));
  EXPECT_EQ(tree_stream_values(lag_cross, m.view()), (std::vector<double>{0, 0, 0, 0, 1, 0}));
  // Protected division: a denominator of 0 gives 1; unknown funding reads as 0.
  EXPECT_EQ(tree_stream_values(binary(Op::Div, field(Field::Close), funding()), m.view()),
            (std::vector<double>(6, 1.0)));
}

TEST(GpStream, RandomNumberAndBoolTreesEqualTheInterpreterAtEveryBar) {
  const auto m = test::random_market(1500, 21);
  int defined = 0;
  for (int seed = 0; seed < 200; ++seed) {
    core::Rng rng(seed, {31});
    const Type type = seed % 2 == 0 ? Type::Number : Type::Bool;
    const Node tree = random_tree(rng, type);
    const auto want = batch_values(tree, m.view());
    const auto got = tree_stream_values(tree, m.view());
    ASSERT_EQ(first_difference(got, want), -1) << seed << ": " << print(tree);
    defined += !std::isnan(want.back());
  }
  EXPECT_GT(defined, 150);  // the trees compute numbers, not warm-up NaNs
}

TEST(GpStream, InvalidTreesAreRejectedAtCreation) {
  Node bad = binary(Op::Gt, field(Field::Close), constant(1));
  bad.children.pop_back();
  EXPECT_THROW(TreeStream{bad}, std::invalid_argument);
  Rule rule;
  rule.long_entry = bad;
  EXPECT_THROW(rule_stream(rule), std::invalid_argument);
}

// Each rule's streamed exposures equal the interpreter's; returns how many rules ever trade.
int check_rules(const std::vector<Genome>& genomes, const MarketView& market) {
  Interpreter e;
  int trading = 0;
  for (const auto& g : genomes) {
    const auto want = e.exposure(g.rule, market);
    const auto stream = rule_stream(g.rule);
    const auto got = stream_exposures(*stream, market);
    const long at = first_difference(got, want);
    EXPECT_EQ(at, -1) << "differs at bar " << at << " for " << print(g.rule);
    if (at != -1) return trading;
    trading += std::any_of(want.begin(), want.end(), [](double x) { return x != 0; });
  }
  return trading;
}

std::vector<Genome> default_and_random_trees(int count) {
  std::vector<Genome> out{default_genome(kTreeFamily)};
  core::Rng rng(2024, {15});
  for (int i = 0; i < count; ++i) out.push_back(random_genome(kTreeFamily, rng));
  return out;
}

TEST(GpStream, RandomRulesEqualTheInterpreterOnASyntheticWalk) {
  const auto m = test::random_market(2000, 8);
  EXPECT_GT(check_rules(default_and_random_trees(60), m.view()), 30);
}

TEST(GpStream, DefaultAnd200RandomTreeGenomesEqualTheInterpreterOnRealBtc1h) {
  const auto market = strategy::test::hyperliquid_btc_1h();
  if (!market) GTEST_SKIP() << "../shared/data is absent: real-series streaming check skipped";
  const auto genomes = default_and_random_trees(200);
  // The default (an EMA 12/26 cross) trades; most random rules do too.
  EXPECT_EQ(check_rules({genomes[0]}, market->view()), 1);
  EXPECT_GT(check_rules(genomes, market->view()), 100);
}

}  // namespace
}  // namespace organism::strategy::gp
