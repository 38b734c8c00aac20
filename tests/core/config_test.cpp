#include "core/config.hpp"

#include <map>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "support/test_support.hpp"

namespace organism::core {
namespace {

std::map<std::string, std::string>* g_env = nullptr;
const char* fake_getenv(const char* name) {
  auto it = g_env->find(name);
  return it == g_env->end() ? nullptr : it->second.c_str();
}

// A key list of the test's own: core's keys alone do not hold the synth.* and db keys below (the
// data layer declares those), and a test of the mechanism should not depend on another layer's.
std::vector<ConfigKey> test_keys() {
  auto keys = core_config_keys();
  keys.push_back({"db", "./organism.db", "store", check::nonempty()});
  keys.push_back({"synth.coins", "BTC,ETH,SOL", "coins", check::distinct_names()});
  keys.push_back({"synth.seed", "1", "seed", check::whole(at_least(0))});
  keys.push_back({"synth.bars", "8760", "bars", check::whole(closed(1, 1000000))});
  keys.push_back({"synth.correlation", "0.6", "correlation", check::number(closed_open(-1, 1))});
  keys.push_back({"evolve.mutation_rate", "-1", "rate", check::number(at_most(1), "negative: 1 / genes")});
  keys.push_back({"evolve.family_switch", "0.02", "switch", check::number(closed(0, 1))});
  keys.push_back({"evolve.sbx_eta", "15", "eta", check::number(at_least(0))});
  keys.push_back({"evolve.aggregate", "mean", "aggregate", check::one_of({"mean", "worst"})});
  keys.push_back({"import.skip_bad", "false", "skip", check::boolean()});
  return keys;
}

// The message of the UsageError `fn` throws ("" when it throws none).
template <typename Fn>
std::string usage_error(Fn fn) {
  try {
    fn();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, DefaultsFileEnvFlagInThatOrder) {
  test::TempDir dir;
  const auto path = dir / "c.toml";
  test::write_file(path, "db = \"file.db\"\n[synth]\ncoins = [\"A\", \"B\"]\nseed = 3\ncorrelation = 0.25\n");
  Config c(test_keys());
  EXPECT_EQ(c.get("db"), "./organism.db");
  EXPECT_EQ(c.source("db"), "default");
  c.load_file(path.string());
  EXPECT_EQ(c.get("db"), "file.db");
  EXPECT_EQ(c.get_list("synth.coins"), (std::vector<std::string>{"A", "B"}));
  EXPECT_DOUBLE_EQ(c.get_double("synth.correlation"), 0.25);
  std::map<std::string, std::string> env{{"ORGANISM_SYNTH_SEED", "9"}, {"ORGANISM_DB", "env.db"}};
  g_env = &env;
  c.load_env(fake_getenv);
  EXPECT_EQ(c.get_int("synth.seed"), 9);
  EXPECT_EQ(c.source("synth.seed"), "env ORGANISM_SYNTH_SEED");
  c.set("db", "flag.db", "flag --db");
  EXPECT_EQ(c.get("db"), "flag.db");
}

TEST(Config, ErrorsNameTheKeyAndSource) {
  test::TempDir dir;
  const auto path = dir / "c.toml";
  test::write_file(path, "[synth]\nbars = \"many\"\n");
  Config c(test_keys());
  c.load_file(path.string());
  try {
    c.get_int("synth.bars");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("synth.bars (from file"), std::string::npos) << e.what();
  }
  test::write_file(path, "unknown = 1\n");
  EXPECT_THROW(Config(test_keys()).load_file(path.string()), UsageError);
  test::write_file(path, "db = \n");
  EXPECT_THROW(Config(test_keys()).load_file(path.string()), UsageError);
}

TEST(Config, EveryReadChecksTheRangeAndNamesKeyAndSource) {
  test::TempDir dir;
  const auto path = dir / "x.toml";
  test::write_file(path, "[evolve]\nmutation_rate = 5\nfamily_switch = 1.5\nsbx_eta = -1\n");
  Config c(test_keys());
  c.load_file(path.string());
  EXPECT_EQ(usage_error([&] { c.get_double("evolve.mutation_rate"); }),
            "evolve.mutation_rate (from file " + path.string() +
                "): '5' is not a number <= 1 (negative: 1 / genes)");
  EXPECT_EQ(usage_error([&] { c.get("evolve.family_switch"); }),
            "evolve.family_switch (from file " + path.string() + "): '1.5' is not a number in [0, 1]");
  EXPECT_EQ(usage_error([&] { c.get_double("evolve.sbx_eta"); }),
            "evolve.sbx_eta (from file " + path.string() + "): '-1' is not a number >= 0");
  // check_all reports the first bad key in declaration order.
  EXPECT_EQ(usage_error([&] { c.check_all(); }).rfind("evolve.mutation_rate (from file", 0), 0u);

  c = Config(test_keys());
  c.set("synth.seed", "-1", "flag --seed");
  EXPECT_EQ(usage_error([&] { c.get_int("synth.seed"); }),
            "synth.seed (from flag --seed): '-1' is not a whole number >= 0");
  c.set("synth.seed", "1.5", "flag --seed");
  EXPECT_EQ(usage_error([&] { c.get_int("synth.seed"); }),
            "synth.seed (from flag --seed): '1.5' is not a whole number >= 0");
  c.set("synth.coins", "BTC,ETH,BTC", "flag --coins");
  EXPECT_EQ(usage_error([&] { c.get_list("synth.coins"); }),
            "synth.coins (from flag --coins): 'BTC,ETH,BTC' names BTC twice");
  c.set("synth.coins", " , ", "flag --coins");
  EXPECT_EQ(usage_error([&] { c.get_list("synth.coins"); }), "synth.coins (from flag --coins): must name at least one");
  std::map<std::string, std::string> env{{"ORGANISM_EVOLVE_AGGREGATE", "best"}};
  g_env = &env;
  c.load_env(fake_getenv);
  EXPECT_EQ(usage_error([&] { c.get("evolve.aggregate"); }),
            "evolve.aggregate (from env ORGANISM_EVOLVE_AGGREGATE): 'best' is not one of mean, worst");
  c.set("import.skip_bad", "maybe", "flag --skip-bad");
  EXPECT_NE(usage_error([&] { c.get_bool("import.skip_bad"); }).find("'maybe' is not true or false"), std::string::npos);
  // A pasted blob is quoted short.
  c.set("synth.correlation", std::string(100000, '9'), "flag --correlation");
  EXPECT_LT(usage_error([&] { c.get_double("synth.correlation"); }).size(), 120u);
  // Edges: closed ends are in, open ends out, non-finite never.
  for (const char* good : {"-1", "0", "0.999"}) {
    c.set("synth.correlation", good, "flag --correlation");
    EXPECT_NO_THROW(c.get_double("synth.correlation")) << good;
  }
  for (const char* bad : {"1", "-1.0001", "nan", "inf", "x", ""}) {
    c.set("synth.correlation", bad, "flag --correlation");
    EXPECT_THROW(c.get_double("synth.correlation"), UsageError) << bad;
  }
}

TEST(Config, KeysAreDeclaredOnceWithDefaultsInTheirOwnRange) {
  auto keys = test_keys();
  keys.push_back({"db", "x.db", "again", check::text()});
  EXPECT_THROW(Config{keys}, std::logic_error);
  EXPECT_THROW(Config({{"evolve.family_switch", "2", "out of range", check::number(closed(0, 1))}}), std::logic_error);
  const Config c(test_keys());
  ASSERT_EQ(c.keys().size(), test_keys().size());
  EXPECT_EQ(c.keys().front().name, "log.level");  // declaration order, not alphabetical
}

TEST(Config, RangesInWords) {
  EXPECT_EQ(describe(closed(0, 1)), "in [0, 1]");
  EXPECT_EQ(describe(open_closed(0, 5)), "in (0, 5]");
  EXPECT_EQ(describe(closed_open(0, 1)), "in [0, 1)");
  EXPECT_EQ(describe(at_least(0)), ">= 0");
  EXPECT_EQ(describe(above(0)), "> 0");
  EXPECT_EQ(describe(at_most(1)), "<= 1");
  EXPECT_EQ(check::number({}).rule, "a number");
}

TEST(Config, EnvNames) { EXPECT_EQ(env_name("quality.outlier_sigmas"), "ORGANISM_QUALITY_OUTLIER_SIGMAS"); }

}  // namespace
}  // namespace organism::core
