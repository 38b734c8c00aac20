// Units of rule trees: the unit table, the typing rules on hand-written trees, constants taking
// their context's unit, 10,000 random trees well-typed with constants in range, and ill-typed
// stored trees rejected with the offending node named.
#include <gtest/gtest.h>

#include <map>

#include "core/error.hpp"
#include "gp_support.hpp"
#include "strategy/genome.hpp"
#include "strategy/gp/interpreter.hpp"
#include "strategy/gp/json.hpp"
#include "strategy/gp/random_tree.hpp"
#include "strategy/gp/simplify.hpp"
#include "strategy/gp/text.hpp"
#include "strategy/gp/units.hpp"

namespace organism::strategy::gp {
namespace {

Node tree(std::string_view text) { return parse_tree(text, Type::Bool, {64, 4096}); }

TEST(GpUnits, EveryIndicatorHasTheDocumentedUnit) {
  const std::map<std::string_view, Unit> want = {{"sma", Unit::Price},
                                                 {"ema", Unit::Price},
                                                 {"wma", Unit::Price},
                                                 {"max", Unit::Price},
                                                 {"min", Unit::Price},
                                                 {"donchian_high", Unit::Price},
                                                 {"donchian_low", Unit::Price},
                                                 {"vwap", Unit::Price},
                                                 {"ichimoku_tenkan", Unit::Price},
                                                 {"ichimoku_kijun", Unit::Price},
                                                 {"atr", Unit::Price},
                                                 {"stddev", Unit::Price},
                                                 {"rsi", Unit::Oscillator},
                                                 {"adx", Unit::Oscillator},
                                                 {"willr", Unit::WilliamsR},
                                                 {"cci", Unit::Cci},
                                                 {"zscore", Unit::ZScore},
                                                 {"volume_z", Unit::ZScore},
                                                 {"rvol", Unit::Return}};
  ASSERT_EQ(indicator_names().size(), want.size());
  for (const auto name : indicator_names()) {
    ASSERT_TRUE(want.count(name)) << name;
    EXPECT_EQ(indicator_unit(name), want.at(name)) << name;
  }
  EXPECT_EQ(terminal_unit(field(Field::High)), Unit::Price);
  EXPECT_EQ(terminal_unit(field(Field::Volume)), Unit::Volume);
  EXPECT_EQ(terminal_unit(funding()), Unit::Funding);
  EXPECT_EQ(terminal_unit(constant(3)), std::nullopt);
  EXPECT_FALSE(admits_constants(Unit::Price));
  EXPECT_FALSE(admits_constants(Unit::Volume));
  EXPECT_TRUE(admits_constants(Unit::Ratio));
}

TEST(GpUnits, WellTypedTreesPass) {
  for (const char* ok :
       {"(> close sma_20)", "(crosses_above ema_12 (lag vwap_50 2))", "(< rsi_14 30)",
        "(> rsi_14 adx_14)",  // one 0..100 oscillator unit
        "(< willr_14 -80)", "(> cci_20 100)", "(> zscore_20 volume_z_30)", "(> rvol_20 0.01)",
        "(< funding -0.0001)", "(> (/ close sma_50) 1.02)", "(> (/ volume (lag volume 1)) 1.5)",
        "(> (- close sma_20) (* atr_14 1.5))",  // a scale keeps the unit
        "(> (* 2 (/ rsi_14 rsi_50)) (/ ema_5 ema_20))", "(> (+ rsi_14 5) (lag rsi_14 3))",
        "(> (max high ichimoku_kijun_26) donchian_high_20)",
        "(and (> close open) (not (< rsi_14 (- 50 20))))"}) {
    EXPECT_EQ(check_units(tree(ok)), "") << ok;
  }
}

TEST(GpUnits, IllTypedTreesAreRejectedNamingTheNode) {
  const std::pair<const char*, const char*> bad[] = {
      {"(> close rsi_14)", "(> close rsi_14) at depth 1: mixes price with oscillator_0_100"},
      {"(and (> open low) (< sma_20 100))",
       "(< sma_20 100) at depth 2: meets price with a constant"},
      {"(> (* close open) high)", "(* close open) at depth 2: multiplies price by price"},
      {"(> (/ close rsi_14) 1)", "(/ close rsi_14) at depth 2: mixes price with oscillator_0_100"},
      {"(> (/ volume 1000) 2)", "(/ volume 1000) at depth 2: meets volume with a constant"},
      {"(> (/ close sma_20) rsi_14)", "mixes ratio with oscillator_0_100"},
      {"(< willr_14 rsi_14)", "mixes williams_r with oscillator_0_100"},
      {"(> cci_20 rsi_14)", "mixes cci with oscillator_0_100"},
      {"(> (+ volume close) 1)", "mixes volume with price"},
      {"(> rvol_20 funding)", "mixes return with funding"},
      {"(or (> close open) (< (lag 3 2) 1))",
       "(< (lag 3 2) 1) at depth 2: neither side has a unit"},
  };
  for (const auto& [text, message] : bad) {
    try {
      tree(text);
      ADD_FAILURE() << text << " parsed";
    } catch (const core::UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << text << ": " << e.what();
    }
  }
  // check() includes units; the structural check alone (what evaluation needs) does not, so
  // hand-built trees mixing units still evaluate.
  const Node mixed = binary(Op::Gt, field(Field::Close), indicator("rsi", 14));
  EXPECT_EQ(check(mixed, Type::Bool),
            "(> close rsi_14) at depth 1: mixes price with oscillator_0_100");
  EXPECT_EQ(check_structure(mixed, Type::Bool), "");
  EXPECT_EQ(check_units(mixed), check(mixed, Type::Bool));
  Interpreter e;
  EXPECT_EQ(e.evaluate(mixed, test::random_market(30, 1).view()).size(), 30u);
}

TEST(GpUnits, ConstantsTakeTheUnitOfTheirPlace) {
  using U = std::optional<Unit>;
  // preorder: >, -, close, sma_20, *, atr_14, 1.5
  EXPECT_EQ(node_units(tree("(> (- close sma_20) (* atr_14 1.5))")),
            (std::vector<U>{std::nullopt, Unit::Price, Unit::Price, Unit::Price, Unit::Price,
                            Unit::Price, Unit::Ratio}));
  // preorder: <, rsi_14, lag, 30
  EXPECT_EQ(node_units(tree("(< rsi_14 (lag 30 2))")),
            (std::vector<U>{std::nullopt, Unit::Oscillator, Unit::Oscillator, Unit::Oscillator}));
  // preorder: >, /, volume, lag, volume, 1.5
  EXPECT_EQ(node_units(tree("(> (/ volume (lag volume 1)) 1.5)")),
            (std::vector<U>{std::nullopt, Unit::Ratio, Unit::Volume, Unit::Volume, Unit::Volume,
                            Unit::Ratio}));
  // preorder: >, *, 2, 3, cci_20: two free factors are the value, then the scale
  EXPECT_EQ(node_units(tree("(> (* 2 3) cci_20)")),
            (std::vector<U>{std::nullopt, Unit::Cci, Unit::Cci, Unit::Ratio, Unit::Cci}));
  EXPECT_EQ(unit_of(parse_tree("(/ close open)", Type::Number)), Unit::Ratio);
  EXPECT_EQ(unit_of(parse_tree("(+ 1 2)", Type::Number)), std::nullopt);
}

TEST(GpUnits, SimplifyingXOverOneKeepsUnits) {
  // rsi_14 / 1 is a ratio: dropping "/ 1" would compare an oscillator with a ratio.
  const Node t = tree("(> (/ rsi_14 1) (/ close sma_20))");
  EXPECT_EQ(simplify(t), t);
  EXPECT_EQ(print(simplify(tree("(> (/ (/ close open) 1) 1.01)"))), "(> (/ close open) 1.01)");
}

// Every constant of a tree lies within its unit's range.
void expect_constants_in_range(const Node& t, const std::string& context) {
  const auto units = node_units(t);
  Node copy = t;
  for (int i = 0; i < node_count(t); ++i) {
    const Node& n = subtree(copy, i);
    if (n.op != Op::Constant) continue;
    const auto unit = units[static_cast<std::size_t>(i)];
    ASSERT_TRUE(unit.has_value()) << context << ": a constant without a unit in " << print(t);
    const ConstantRange& r = constant_range(*unit);
    ASSERT_GE(n.value, r.lo) << context << ": " << print(t);
    ASSERT_LE(n.value, r.hi) << context << ": " << print(t);
    const double scale = std::pow(10.0, r.decimals);
    ASSERT_EQ(std::round(n.value * scale) / scale, n.value) << context << ": " << print(t);
  }
}

TEST(GpUnits, TenThousandRandomTreesAreWellTypedAndEvaluate) {
  const test::Market m = test::random_market(300, 17);
  Interpreter e;
  std::map<Unit, int> compared;  // the unit of each root comparison, to see every unit used
  int trees = 0;
  for (const auto& [min_depth, max_depth] : {std::pair{2, 4}, {2, 6}, {3, 8}, {4, 5}}) {
    GenOptions o;
    o.min_depth = min_depth;
    o.max_depth = max_depth;
    o.max_nodes = 127;
    for (int seed = 0; seed < 2500; ++seed, ++trees) {
      core::Rng rng(static_cast<std::uint64_t>(seed), {static_cast<std::uint64_t>(max_depth), 31});
      const Node t =
          seed % 2 ? random_tree(rng, Type::Bool, o) : ramped_tree(rng, Type::Bool, seed, o);
      ASSERT_EQ(check(t, Type::Bool, {o.max_depth, o.max_nodes}), "") << print(t);
      expect_constants_in_range(t, "generated");
      const auto v = e.evaluate(t, m.view());
      ASSERT_EQ(v.size(), m.bars.size());
      if (t.op == Op::Gt || t.op == Op::Lt) {
        const auto units = node_units(t);
        ASSERT_TRUE(units[1].has_value()) << print(t);
        compared[*units[1]]++;
        // A generated comparison never compares a side with itself or two constants.
        EXPECT_NE(t.children[0], t.children[1]) << print(t);
      }
    }
  }
  EXPECT_EQ(trees, 10'000);
  EXPECT_EQ(compared.size(), static_cast<std::size_t>(kUnitCount));
  for (int seed = 0; seed < 1000; ++seed) {
    core::Rng rng(static_cast<std::uint64_t>(seed), {32});
    const Unit unit = static_cast<Unit>(seed % kUnitCount);
    const Node n = random_number_tree(rng, unit, {1, 4, 31, 0.3});
    ASSERT_EQ(check(n, Type::Number), "") << print(n);
    const auto own = unit_of(n);
    ASSERT_TRUE(!own || *own == unit) << unit_name(unit) << ": " << print(n);
    ASSERT_TRUE(own || admits_constants(unit)) << unit_name(unit) << ": " << print(n);
  }
}

TEST(GpUnits, RandomConstantsFallInTheirUnitsRange) {
  for (int i = 0; i < kUnitCount; ++i) {
    const Unit unit = static_cast<Unit>(i);
    if (!admits_constants(unit)) continue;
    const ConstantRange& r = constant_range(unit);
    core::Rng rng(static_cast<std::uint64_t>(i), {33});
    double lo = r.hi, hi = r.lo;
    for (int k = 0; k < 2000; ++k) {
      const double v = random_constant(rng, unit);
      ASSERT_GE(v, r.lo) << unit_name(unit);
      ASSERT_LE(v, r.hi) << unit_name(unit);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    // The draws spread over the range, not a corner of it.
    EXPECT_LT(lo, r.lo + 0.1 * (r.hi - r.lo)) << unit_name(unit);
    EXPECT_GT(hi, r.hi - 0.1 * (r.hi - r.lo)) << unit_name(unit);
  }
  EXPECT_EQ(constant_range(Unit::Oscillator).lo, 0);
  EXPECT_EQ(constant_range(Unit::Oscillator).hi, 100);
  EXPECT_EQ(constant_range(Unit::WilliamsR).lo, -100);
  EXPECT_EQ(constant_range(Unit::WilliamsR).hi, 0);
  EXPECT_LE(constant_range(Unit::Ratio).lo, 1);
  EXPECT_GE(constant_range(Unit::Ratio).hi, 1);
}

TEST(GpUnits, IllTypedStoredTreesAreRejectedWithTheSideAndNode) {
  // A rule as the untyped generator could store it: the long entry compares price with RSI.
  const auto stored = nlohmann::json::parse(
      R"({"long_entry":{"op":">","args":[{"op":"field","field":"close"},)"
      R"({"op":"indicator","name":"rsi","period":14}]},)"
      R"("short_entry":{"op":"<","args":[{"op":"indicator","name":"rsi","period":14},)"
      R"({"op":"const","value":30.0}]}})");
  try {
    rule_from_json(stored);
    FAIL() << "an ill-typed rule loaded";
  } catch (const core::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "long_entry: (> close rsi_14) at depth 1: mixes price with oscillator_0_100"),
              std::string::npos)
        << e.what();
  }
  // The same through a genome file (organism backtest --strategy, a stored run's genomes).
  nlohmann::json genome = {{"family", "tree"}, {"rule", stored}};
  try {
    strategy::from_json(genome.dump());
    FAIL() << "an ill-typed genome loaded";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("(> close rsi_14)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_rule("(rule (long_entry (> close rsi_14)))"), core::UsageError);
  // A well-typed stored rule loads and keeps its canonical bytes.
  genome["rule"].erase("long_entry");
  const Rule r = rule_from_json(genome["rule"]);
  EXPECT_EQ(to_json(r).dump(), genome["rule"].dump());
}

}  // namespace
}  // namespace organism::strategy::gp
