// Properties of random rule trees over thousands of seeds: typing and limits hold, simplification
// keeps the signal, printed and JSON forms round-trip, and no exposure looks ahead.
#include <gtest/gtest.h>

#include "gp_support.hpp"
#include "indicators/indicator_set.hpp"
#include "strategy/gp/interpreter.hpp"
#include "strategy/gp/json.hpp"
#include "strategy/gp/random_tree.hpp"
#include "strategy/gp/simplify.hpp"
#include "strategy/gp/text.hpp"

namespace organism::strategy::gp {
namespace {

constexpr int kSeeds = 3000;

const test::Market& market() {
  static const test::Market m = test::random_market(400, 5);
  return m;
}

bool same_arrays(std::span<const double> a, std::span<const double> b, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (!test::same(a[i], b[i])) return false;
  }
  return true;
}

TEST(GpRandom, TypingAndLimitsHoldForEveryTree) {
  GenOptions o;
  for (int seed = 0; seed < kSeeds; ++seed) {
    core::Rng rng(seed, {1});
    const Type type = seed % 3 == 0 ? Type::Number : Type::Bool;
    const Node t = random_tree(rng, type, o);
    ASSERT_EQ(check(t, type, {o.max_depth, o.max_nodes}), "") << seed << ": " << print(t);
    ASSERT_GE(depth(t), type == Type::Bool ? 2 : 1);
    const Node r = ramped_tree(rng, type, seed, o);
    ASSERT_EQ(check(r, type, {o.max_depth, o.max_nodes}), "") << seed << ": " << print(r);
  }
}

TEST(GpRandom, RampedHalfAndHalfSpreadsDepthsAndFullTreesReachThem) {
  GenOptions o;
  o.max_nodes = 1000;
  core::Rng rng(9);
  for (int i = 0; i < 100; ++i) {
    const int want = o.min_depth + i % (o.max_depth - o.min_depth + 1);
    const Node t = ramped_tree(rng, Type::Bool, i, o);
    const bool full = (i / (o.max_depth - o.min_depth + 1)) % 2 == 0;
    if (full) {
      EXPECT_EQ(depth(t), want) << i;
    } else {
      EXPECT_LE(depth(t), want) << i;
    }
  }
}

TEST(GpRandom, SameSeedSameTree) {
  core::Rng a(42, {3}), b(42, {3});
  EXPECT_EQ(random_rule(a), random_rule(b));
}

TEST(GpRandom, SimplificationKeepsTheSignal) {
  Interpreter e;
  const MarketView v = market().view();
  int shrunk = 0;
  for (int seed = 0; seed < kSeeds; ++seed) {
    core::Rng rng(seed, {2});
    const Type type = seed % 2 == 0 ? Type::Number : Type::Bool;
    GenOptions o;
    o.max_depth = 5;
    const Node t = random_tree(rng, type, o);
    const Node s = simplify(t);
    ASSERT_EQ(check(s, type, {o.max_depth, o.max_nodes}), "") << print(t) << " -> " << print(s);
    ASSERT_LE(node_count(s), node_count(t));
    shrunk += node_count(s) < node_count(t);
    const auto a = e.evaluate(t, v);
    const std::vector<double> before(a.begin(), a.end());
    const auto b = e.evaluate(s, v);
    ASSERT_TRUE(same_arrays(before, b, before.size())) << print(t) << " -> " << print(s);
    ASSERT_EQ(simplify(s), s) << "not idempotent: " << print(t);
  }
  EXPECT_GT(shrunk, 0);
}

TEST(GpRandom, SimplificationKeepsTheSignalOfDegenerateTrees) {
  // Random trees rarely hold x > x or constant subtrees; build them by grafting a copy of a
  // subtree and constants into random trees.
  Interpreter e;
  const MarketView v = market().view();
  for (int seed = 0; seed < kSeeds; ++seed) {
    core::Rng rng(seed, {6});
    const Node x = random_tree(rng, Type::Number, {1, 3, 15, 0.3});
    const Node c = rng.bernoulli(0.5) ? constant(rng.bernoulli(0.5) ? 0.0 : 1.0) : x;
    const Op ops[] = {Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Min, Op::Max};
    const Op cmp[] = {Op::Gt, Op::Lt, Op::CrossAbove, Op::CrossBelow};
    Node inner = binary(cmp[rng.below(4)], binary(ops[rng.below(6)], x, c), x);
    const Node logic = rng.bernoulli(0.5) ? boolean(rng.bernoulli(0.5)) : inner;
    Node t =
        binary(rng.bernoulli(0.5) ? Op::And : Op::Or, unary(Op::Not, unary(Op::Not, inner)), logic);
    const Node s = simplify(t);
    const auto a = e.evaluate(t, v);
    const std::vector<double> before(a.begin(), a.end());
    ASSERT_TRUE(same_arrays(before, e.evaluate(s, v), before.size()))
        << print(t) << " -> " << print(s);
  }
}

TEST(GpRandom, PrintParseRoundTrip) {
  for (int seed = 0; seed < kSeeds; ++seed) {
    core::Rng rng(seed, {3});
    const Rule r = random_rule(rng);
    const std::string s = print(r);
    const Rule back = parse_rule(s);
    ASSERT_EQ(back, r) << s;
    ASSERT_EQ(print(back), s);
    const Node n = random_tree(rng, Type::Number);
    ASSERT_EQ(parse_tree(print(n), Type::Number), n) << print(n);
  }
}

TEST(GpRandom, JsonRoundTripIsByteStable) {
  for (int seed = 0; seed < kSeeds; ++seed) {
    core::Rng rng(seed, {4});
    const Rule r = random_rule(rng);
    const std::string j = to_json(r).dump();
    const Rule back = rule_from_json(nlohmann::json::parse(j));
    ASSERT_EQ(back, r) << j;
    ASSERT_EQ(to_json(back).dump(), j);
  }
}

TEST(GpRandom, NoLookAhead) {
  // Exposures on the series cut at bar T equal those on the whole series before T, with and
  // without the indicator cache (each cut is its own series id).
  const test::Market& m = market();
  const std::size_t n = m.bars.size();
  indicators::IndicatorCache cache(64 << 20);
  Interpreter e;
  for (int seed = 0; seed < 600; ++seed) {
    core::Rng rng(seed, {5});
    const Rule r = random_rule(rng);
    const bool cached = seed % 2 == 0;
    MarketView whole = m.view();
    if (cached) {
      whole.cache = &cache;
      whole.series_id = indicators::series_id("la", whole.bars);
    }
    const std::vector<double> full = e.exposure(r, whole);
    for (const std::size_t cut : {std::size_t{1}, std::size_t{37}, 1 + rng.below(n - 1)}) {
      MarketView part = whole;
      part.bars = m.bars.view(0, cut);
      part.funding_per_bar = whole.funding_per_bar.subspan(0, cut);
      if (cached) part.series_id = indicators::series_id("la", part.bars);
      const std::vector<double> head = e.exposure(r, part);
      ASSERT_TRUE(same_arrays(head, full, cut)) << "cut " << cut << ": " << print(r);
    }
  }
}

TEST(GpRandom, CacheAndInterpreterReuseDoNotChangeValues) {
  // One evaluator reused across trees and series lengths, with a cache, equals a fresh evaluator
  // without one; the returned span survives until the next call.
  const test::Market& m = market();
  indicators::IndicatorCache cache(64 << 20);
  MarketView cached = m.view();
  cached.cache = &cache;
  cached.series_id = indicators::series_id("reuse", cached.bars);
  Interpreter reused;
  for (int seed = 0; seed < 500; ++seed) {
    core::Rng rng(seed, {7});
    const Type type = seed % 2 == 0 ? Type::Number : Type::Bool;
    const Node t = random_tree(rng, type);
    Interpreter fresh;
    const auto want = fresh.evaluate(t, m.view());
    const auto got = reused.evaluate(t, cached);
    ASSERT_EQ(got.size(), want.size());
    ASSERT_TRUE(same_arrays(got, want, want.size())) << print(t);
    MarketView short_view = m.view();
    short_view.bars = m.bars.view(0, 50);
    short_view.funding_per_bar = short_view.funding_per_bar.subspan(0, 50);
    ASSERT_EQ(reused.evaluate(t, short_view).size(), 50u);
  }
}

TEST(GpRandom, EveryIndicatorTerminalIsTheIndicatorsLayerColumn) {
  const test::Market& m = market();
  Interpreter e;
  for (const std::string_view name : indicator_names()) {
    for (const int period : {kMinPeriod, 17, kMaxPeriod}) {
      const std::string column = std::string(name) + "_" + std::to_string(period);
      const auto want = indicators::compute_column(m.bars.view(), indicators::parse_column(column));
      const auto got = e.evaluate(indicator(std::string(name), period), m.view());
      ASSERT_TRUE(same_arrays(got, want, want.size())) << column;
      ASSERT_EQ(print(parse_tree(column, Type::Number)), column);
    }
  }
}

TEST(GpRandom, RandomRulesTradeOnARandomWalk) {
  // Not every random rule trades, but a population must: a generator of dead rules is a defect.
  Interpreter e;
  int trading = 0;
  for (int seed = 0; seed < 200; ++seed) {
    core::Rng rng(seed, {8});
    const auto x = e.exposure(random_rule(rng), market().view());
    bool changes = false;
    for (std::size_t i = 1; i < x.size(); ++i) changes = changes || x[i] != x[i - 1];
    trading += changes;
  }
  EXPECT_GT(trading, 60);
}

}  // namespace
}  // namespace organism::strategy::gp
