// Hand-built rule trees with hand-computed arrays: operators, NaN handling, the exposure state
// machine, the validity check, simplification, printing and JSON of known trees.
#include <gtest/gtest.h>

#include <limits>

#include "core/error.hpp"
#include "gp_support.hpp"
#include "indicators/indicator_set.hpp"
#include "strategy/gp/interpreter.hpp"
#include "strategy/gp/json.hpp"
#include "strategy/gp/simplify.hpp"
#include "strategy/gp/text.hpp"

namespace organism::strategy::gp {
namespace {

using test::from_closes;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> eval(const Node& n, const test::Market& m) {
  Interpreter e;
  const auto v = e.evaluate(n, m.view());
  return {v.begin(), v.end()};
}

void expect_same(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(test::same(got[i], want[i])) << "bar " << i << ": " << got[i] << " vs " << want[i];
  }
}

const Node kClose = field(Field::Close);

TEST(GpEval, ArithmeticFieldsAndProtectedDivision) {
  const auto m = from_closes({1, 2, 0, 4});
  expect_same(eval(binary(Op::Add, kClose, constant(1)), m), {2, 3, 1, 5});
  expect_same(eval(binary(Op::Sub, kClose, field(Field::Open)), m), {0, 1, -2, 4});
  expect_same(eval(binary(Op::Mul, kClose, field(Field::Volume)), m), {1, 4, 0, 16});
  // close / close: 0 / 0 is protected to 1.
  expect_same(eval(binary(Op::Div, constant(2), kClose), m), {2, 1, 1, 0.5});
  expect_same(eval(binary(Op::Min, kClose, constant(1.5)), m), {1, 1.5, 0, 1.5});
  expect_same(eval(binary(Op::Max, kClose, constant(1.5)), m), {1.5, 2, 1.5, 4});
  expect_same(eval(funding(), m), {0, 0, 0, 0});  // no funding known
}

TEST(GpEval, LagAndNaNPropagation) {
  const auto m = from_closes({1, 2, 3, 4, 5});
  expect_same(eval(lag(kClose, 2), m), {kNaN, kNaN, 1, 2, 3});
  expect_same(eval(binary(Op::Max, lag(kClose, 1), constant(0)), m), {kNaN, 1, 2, 3, 4});
  expect_same(eval(binary(Op::Div, lag(kClose, 1), constant(0)), m), {kNaN, 1, 1, 1, 1});
  // NaN comparisons are false both ways.
  expect_same(eval(binary(Op::Gt, lag(kClose, 1), constant(0)), m), {0, 1, 1, 1, 1});
  expect_same(eval(binary(Op::Lt, lag(kClose, 1), constant(9)), m), {0, 1, 1, 1, 1});
}

TEST(GpEval, IndicatorTerminalsMatchTheIndicatorsLayer) {
  const auto m = from_closes({1, 2, 3, 4, 5, 6});
  expect_same(eval(indicator("sma", 3), m), {kNaN, kNaN, 2, 3, 4, 5});
  indicators::IndicatorCache cache(1 << 20);
  MarketView v = m.view();
  v.cache = &cache;
  v.series_id = indicators::series_id("t", v.bars);
  Interpreter e;
  const auto got = e.evaluate(binary(Op::Sub, indicator("sma", 3), indicator("sma", 3)), v);
  expect_same({got.begin(), got.end()}, {kNaN, kNaN, 0, 0, 0, 0});
  EXPECT_EQ(cache.stats().misses, 1u);
}

TEST(GpEval, RejectsBadInputAtEntry) {
  auto m = from_closes({1, 2, 3});
  Interpreter e;
  Node bad = binary(Op::Add, kClose, kClose);
  bad.children.pop_back();
  EXPECT_THROW(e.evaluate(bad, m.view()), std::invalid_argument);
  EXPECT_THROW(e.evaluate(indicator("ema", 500), m.view()), std::invalid_argument);
  m.funding = {0.1};
  EXPECT_THROW(e.evaluate(kClose, m.view()), std::invalid_argument);
}

TEST(GpEval, CrossingsAndLogic) {
  const auto m = from_closes({1, 3, 2, 2, 3, 1});
  const Node two = constant(2);
  expect_same(eval(binary(Op::CrossAbove, kClose, two), m), {0, 1, 0, 0, 1, 0});
  expect_same(eval(binary(Op::CrossBelow, kClose, two), m), {0, 0, 0, 0, 0, 1});
  const Node up = binary(Op::Gt, kClose, two), down = binary(Op::Lt, kClose, constant(3));
  expect_same(eval(binary(Op::And, up, down), m), {0, 0, 0, 0, 0, 0});
  expect_same(eval(binary(Op::Or, up, down), m), {1, 1, 1, 1, 1, 1});
  expect_same(eval(unary(Op::Not, up), m), {1, 0, 1, 1, 0, 1});
}

TEST(GpExposure, StateMachine) {
  //                 bar:    0  1  2  3  4  5  6  7  8
  const std::vector<double> le{0, 1, 0, 0, 1, 1, 0, 0, 0};
  const std::vector<double> lx{1, 0, 0, 1, 1, 0, 0, 0, 0};
  const std::vector<double> se{0, 0, 0, 0, 0, 1, 0, 1, 0};
  const std::vector<double> sx{0, 0, 0, 0, 0, 0, 1, 0, 1};
  std::vector<double> out(9);
  exposure_from_signals(le, lx, se, sx, out);
  // exit while flat: nothing; enter; hold; exit; entry beats exit; both entries: flat;
  // short exit while flat; short; short exit.
  expect_same(out, {0, 1, 1, 0, 1, 0, 0, -1, 0});
  exposure_from_signals(le, {}, {}, {}, out);  // absent exits: held forever
  expect_same(out, {0, 1, 1, 1, 1, 1, 1, 1, 1});
  exposure_from_signals(le, {}, se, {}, out);  // reversal by the opposite entry
  expect_same(out, {0, 1, 1, 1, 1, 0, 0, -1, -1});
}

TEST(GpExposure, RuleOnBars) {
  const auto m = from_closes({1, 3, 2, 2, 3, 1});
  Rule r;
  r.long_entry = binary(Op::CrossAbove, kClose, constant(2));
  r.long_exit = binary(Op::Lt, kClose, constant(2.5));
  Interpreter e;
  expect_same(e.exposure(r, m.view()), {0, 1, 0, 0, 1, 0});
}

TEST(GpCheck, TypesLimitsAndParameters) {
  const Node cmp = binary(Op::Gt, kClose, indicator("ema", 20));
  EXPECT_EQ(check(cmp, Type::Bool), "");
  EXPECT_NE(check(cmp, Type::Number), "");
  EXPECT_NE(check(binary(Op::And, kClose, cmp), Type::Bool), "");
  EXPECT_NE(check(binary(Op::Gt, kClose, indicator("ema", 1)), Type::Bool), "");
  EXPECT_NE(check(binary(Op::Gt, kClose, indicator("bogus", 5)), Type::Bool), "");
  EXPECT_NE(check(binary(Op::Gt, lag(kClose, 51), kClose), Type::Bool), "");
  EXPECT_NE(check(binary(Op::Gt, constant(kNaN), kClose), Type::Bool), "");
  EXPECT_NE(check(cmp, Type::Bool, {1, 100}), "");  // depth 2 > 1
  EXPECT_NE(check(cmp, Type::Bool, {8, 2}), "");    // 3 nodes > 2
  Node unary_gt = cmp;
  unary_gt.children.pop_back();
  EXPECT_NE(check(unary_gt, Type::Bool), "");
}

TEST(GpSimplify, KnownRules) {
  const Node c = kClose;
  const Node e = indicator("ema", 10);
  const Node gt = binary(Op::Gt, c, e);
  EXPECT_EQ(simplify(binary(Op::Add, constant(1), constant(2))), constant(3));
  EXPECT_EQ(simplify(binary(Op::Gt, c, c)), boolean(false));
  EXPECT_EQ(simplify(binary(Op::Lt, e, e)), boolean(false));
  EXPECT_EQ(simplify(unary(Op::Not, unary(Op::Not, gt))), gt);
  EXPECT_EQ(simplify(binary(Op::And, gt, boolean(true))), gt);
  EXPECT_EQ(simplify(binary(Op::Or, gt, binary(Op::Gt, constant(2), constant(1)))), boolean(true));
  EXPECT_EQ(
      simplify(binary(Op::Gt, binary(Op::Mul, c, constant(1)), binary(Op::Add, e, constant(0)))),
      gt);
  EXPECT_EQ(simplify(binary(Op::Div, constant(1), constant(0))), constant(1));  // protected
  const Node lagged = lag(constant(3), 2);
  EXPECT_EQ(simplify(lagged), lagged);  // NaN for two bars: not a constant
}

TEST(GpText, PrintsAndParsesKnownTrees) {
  const Node t = binary(Op::And, binary(Op::CrossAbove, indicator("ema", 20), indicator("sma", 50)),
                        binary(Op::Gt, lag(indicator("zscore", 20), 3), constant(-0.25)));
  const std::string s = "(and (crosses_above ema_20 sma_50) (> (lag zscore_20 3) -0.25))";
  EXPECT_EQ(print(t), s);
  EXPECT_EQ(parse_tree(s, Type::Bool), t);
  EXPECT_EQ(
      parse_tree("  ( and(crosses_above ema_20 sma_50)(> (lag zscore_20 3) -.25 ))", Type::Bool),
      t);
  Rule r;
  r.long_entry = t;
  r.short_exit = binary(Op::Lt, funding(), constant(0));
  const std::string rs = "(rule (long_entry " + s + ") (short_exit (< funding 0)))";
  EXPECT_EQ(print(r), rs);
  EXPECT_EQ(parse_rule(rs), r);
}

TEST(GpText, RejectsBadText) {
  for (const char* bad : {"(> close)", "(> close open", "(> close open) x", "(foo close open)",
                          "(> close ema_1)", "(> close ema_x)", "(+ close open)", "(> close nan)",
                          "(> (lag close 0) open)", "(and close open)", "(> close 1e999)",
                          // units: price with an oscillator, a raw price level, price squared
                          "(> close rsi_14)", "(> close 100)", "(> (* close close) open)"}) {
    EXPECT_THROW(parse_tree(bad, Type::Bool), core::UsageError) << bad;
  }
  EXPECT_THROW(parse_rule("(rule (long_exit true) (long_entry true))"), core::UsageError);
  EXPECT_THROW(parse_rule("(rule (entry true))"), core::UsageError);
}

TEST(GpJson, KnownTreeIsCanonical) {
  Rule r;
  r.long_entry = binary(Op::Gt, lag(field(Field::High), 2),
                        binary(Op::Mul, indicator("atr", 14), constant(1.5)));
  const std::string j = to_json(r).dump();
  EXPECT_EQ(
      j, R"({"long_entry":{"args":[{"args":[{"field":"high","op":"field"}],"bars":2,"op":"lag"},)"
         R"({"args":[{"name":"atr","op":"indicator","period":14},{"op":"const","value":1.5}],)"
         R"("op":"*"}],"op":">"}})");
  EXPECT_EQ(rule_from_json(nlohmann::json::parse(j)), r);
  EXPECT_THROW(rule_from_json(nlohmann::json::parse(R"({"entry":{"op":"true"}})")),
               core::UsageError);
  EXPECT_THROW(node_from_json(nlohmann::json::parse(R"({"op":"+","args":[]})"), Type::Number),
               core::UsageError);
  EXPECT_THROW(node_from_json(nlohmann::json::parse(R"({"op":"true"})"), Type::Number),
               core::UsageError);
  // 2^32 + 20 must not wrap to a valid period.
  EXPECT_THROW(node_from_json(
                   nlohmann::json::parse(R"({"op":"indicator","name":"ema","period":4294967316})"),
                   Type::Number),
               core::UsageError);
}

TEST(GpNode, SubtreeReplace) {
  Node t = binary(Op::Gt, binary(Op::Add, kClose, constant(1)), field(Field::Open));
  EXPECT_EQ(node_count(t), 5);
  EXPECT_EQ(depth(t), 3);
  subtree(t, 1) = indicator("rsi", 14);
  EXPECT_EQ(print(t), "(> rsi_14 open)");
  EXPECT_THROW(subtree(t, 3), std::out_of_range);
}

}  // namespace
}  // namespace organism::strategy::gp
