// Hostile genome files through the binary, as issue 16 found them: JSON nested 50,000 and
// 100,000 deep (a crash, exit 139, and a 100 KB message before), a tree period beyond int
// (reported as "ema_-1" before), and the deepest legal rule tree, which must still load.
#include <gtest/gtest.h>

#include <string>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

// {"family":"ema_cross","params":{"fast":[[...0...]]}} with `depth` nested arrays.
std::string deep_genome(std::size_t depth) {
  return R"({"family":"ema_cross","params":{"fast":)" + std::string(depth, '[') + "0" +
         std::string(depth, ']') + "}}";
}

// 300 hourly bars of a gentle wave, enough for a backtest to run.
std::string small_csv() {
  std::string csv = "time,open,high,low,close,volume\n";
  for (int i = 0; i < 300; ++i) {
    const double c = 100 + (i % 40 < 20 ? i % 20 : 20 - i % 20);
    csv += std::to_string(1704067200000 + i * 3'600'000LL) + "," + std::to_string(c) + "," +
           std::to_string(c + 1) + "," + std::to_string(c - 1) + "," + std::to_string(c) + ",1\n";
  }
  return csv;
}

TEST(HostileGenome, DeeplyNestedValuesAreRefusedWithAShortMessageNotACrash) {
  TempDir dir;
  write_file(dir / "bars.csv", small_csv());
  const std::string prefix = R"({"family":"ema_cross","params":{"fast":)";
  for (const std::size_t depth : {50'000u, 100'000u}) {
    const auto path = (dir / ("deep" + std::to_string(depth) + ".json")).string();
    write_file(path, deep_genome(depth));
    // The genome object and "params" are levels 1 and 2: the 255th '[' is level 257.
    const std::string expected = "organism: error: " + path +
                                 ": genome: JSON nested deeper than 256 levels (at byte " +
                                 std::to_string(prefix.size() + 254) + ")\n";
    const auto show = run_organism({"strategy", "show", path});
    EXPECT_EQ(show.exit_code, 1) << depth;
    EXPECT_EQ(show.err, expected);
    EXPECT_LT(show.err.size(), 300u);
    const auto backtest =
        run_organism({"backtest", "--data", (dir / "bars.csv").string(), "--strategy", path});
    EXPECT_EQ(backtest.exit_code, 1) << depth;
    EXPECT_EQ(backtest.err, expected);
  }
}

TEST(HostileGenome, ValuesQuotedInErrorsAreCut) {
  TempDir dir;
  // 40 levels pass the nesting limit but are not a number: the message shows the value in short.
  const auto path = (dir / "g.json").string();
  write_file(path, deep_genome(40));
  const auto r = run_organism({"strategy", "show", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "organism: error: " + path +
                ": genome: 'params.fast' must be a number, got [...] (nested too deep to show)\n");
  // A long string is cut to 120 characters with its length.
  write_file(path,
             R"({"family":"ema_cross","params":{"fast":")" + std::string(100'000, 'x') + R"("}})");
  const auto s = run_organism({"strategy", "show", path});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(s.err, "organism: error: " + path + ": genome: 'params.fast' must be a number, got \"" +
                       std::string(119, 'x') + "... (100002 chars)\n");
}

TEST(HostileGenome, ANormalGenomeAndTheDeepestLegalRuleTreeStillLoad) {
  TempDir dir;
  write_file(dir / "bars.csv", small_csv());
  write_file(dir / "g.json", R"({"family":"ema_cross","params":{"fast":5,"slow":40}})");
  const auto show = run_organism({"strategy", "show", (dir / "g.json").string()});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("EMA(5) > EMA(40)"), std::string::npos) << show.out;
  const auto backtest = run_organism(
      {"backtest", "--data", (dir / "bars.csv").string(), "--strategy", (dir / "g.json").string()});
  EXPECT_EQ(backtest.exit_code, 0) << backtest.err;

  // A rule tree at the loader's depth limit (64, the root at depth 1): 63 nested "not" over
  // "true", two JSON levels per node, 129 levels in all with the genome and the rule.
  std::string tree = R"({"op":"true"})";
  for (int i = 0; i < 63; ++i) tree = R"({"op":"not","args":[)" + tree + "]}";
  write_file(dir / "tree.json", R"({"family":"tree","rule":{"long_entry":)" + tree + "}}");
  const auto deep = run_organism({"strategy", "show", (dir / "tree.json").string()});
  EXPECT_EQ(deep.exit_code, 0) << deep.err;
}

TEST(HostileGenome, ATreePeriodBeyondIntIsReportedAsWritten) {
  TempDir dir;
  const auto path = (dir / "tree.json").string();
  write_file(
      path,
      R"({"family":"tree","rule":{"long_entry":{"op":">","args":[)"
      R"({"op":"indicator","name":"ema","period":1000000000000},{"op":"field","field":"close"}]}}})");
  const auto r = run_organism({"strategy", "show", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "organism: error: " + path +
                       ": genome: rule: rule tree JSON: long_entry: indicator ema: period "
                       "1000000000000 is out of "
                       "range 2..200\n");
  write_file(
      path,
      R"({"family":"tree","rule":{"long_entry":{"op":">","args":[)"
      R"({"op":"lag","bars":-5,"args":[{"op":"field","field":"close"}]},{"op":"field","field":"close"}]}}})");
  const auto lag = run_organism({"strategy", "show", path});
  EXPECT_EQ(lag.exit_code, 1);
  EXPECT_EQ(lag.err,
            "organism: error: " + path +
                ": genome: rule: rule tree JSON: long_entry: lag: bars -5 is out of range 1..50\n");
}

}  // namespace
}  // namespace organism::test
