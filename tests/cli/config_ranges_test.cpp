// Configuration ranges through the real binary: every bad value of a key is refused with exit 2,
// naming the key and where the value came from (file, environment or flag), by `organism evolve`
// and by `organism config show` alike, before anything is written; and --threads above the
// machine's cores is capped with one line.
#include <gtest/gtest.h>

#include <thread>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

const std::vector<std::string> kSmallSynth = {"ORGANISM_SYNTH_BARS=3000",
                                              "ORGANISM_SYNTH_COINS=BTC,ETH"};

struct BadKey {
  std::string key, value, message;  // message: what follows "(from SOURCE): "
};

// The values of issue 16 that used to reach the engine and fail as an "internal error".
const std::vector<BadKey> kBadKeys = {
    {"mutation_rate", "5", "'5' is not a number <= 1 (negative: 1 / genes)"},
    {"crossover_probability", "2", "'2' is not a number in [0, 1]"},
    {"sbx_eta", "-1", "'-1' is not a number >= 0"},
    {"family_switch", "1.5", "'1.5' is not a number in [0, 1]"},
};

std::string error_line(const std::string& key, const std::string& source,
                       const std::string& message) {
  return "organism: error: " + key + " (from " + source + "): " + message + "\n";
}

TEST(ConfigRanges, EvolveAndConfigShowRefuseEachBadKeyFromAFile) {
  TempDir dir;
  const auto db = dir / "o.db";
  for (const auto& bad : kBadKeys) {
    const auto cfg = dir / "x.toml";
    write_file(cfg, "[evolve]\n" + bad.key + " = " + bad.value + "\n");
    const auto expected = error_line("evolve." + bad.key, "file " + cfg.string(), bad.message);
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"evolve", "--db", db.string()},
          std::vector<std::string>{"config", "show"}}) {
      auto args = command;
      args.insert(args.end(), {"--config", cfg.string()});
      const auto r = run_organism(args, kSmallSynth);
      EXPECT_EQ(r.exit_code, 2) << command[0] << " " << bad.key << "\n" << r.err;
      EXPECT_EQ(r.err, expected) << command[0];
      EXPECT_EQ(r.out, "") << command[0];
    }
  }
  EXPECT_FALSE(fs::exists(db));  // refused before the store was opened
}

TEST(ConfigRanges, TheEnvironmentIsNamedToo) {
  for (const auto& bad : kBadKeys) {
    const std::string var = "ORGANISM_EVOLVE_" + [&] {
      std::string up;
      for (char c : bad.key) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return up;
    }();
    const auto r = run_organism({"config", "show"}, {var + "=" + bad.value});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, error_line("evolve." + bad.key, "env " + var, bad.message));
  }
}

TEST(ConfigRanges, BadEvolveFlagsAreUsageErrorsNamingTheFlag) {
  TempDir dir;
  const auto db = dir / "o.db";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--coins", "BTC,BTC"},
       error_line("evolve.coins", "flag --coins", "'BTC,BTC' names BTC twice")},
      {{"--seed", "-1"},
       error_line("evolve.seed", "flag --seed", "'-1' is not a whole number >= 0")},
      {{"--max-drawdown", "-1"},
       error_line("evolve.max_drawdown", "flag --max-drawdown", "'-1' is not a number in (0, 1]")},
      {{"--min-trades", "-1"},
       error_line("evolve.min_trades", "flag --min-trades", "'-1' is not a number >= 0")},
      {{"--threads", "-2"},
       error_line("evolve.threads", "flag --threads",
                  "'-2' is not a whole number in [0, 1000000000]")},
  };
  for (const auto& [flags, expected] : cases) {
    std::vector<std::string> args = {"evolve", "--db",          db.string(), "--population",
                                     "8",      "--generations", "0"};
    args.insert(args.end(), flags.begin(), flags.end());
    const auto r = run_organism(args, kSmallSynth);
    EXPECT_EQ(r.exit_code, 2) << flags[0] << "\n" << r.err;
    EXPECT_EQ(r.err, expected) << flags[0];
  }
  EXPECT_FALSE(fs::exists(db));
  // The synthetic market's keys share the checks: a duplicate coin, a negative seed.
  auto r = run_organism({"data", "synth", "--db", db.string(), "--coins", "BTC,ETH,BTC"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, error_line("synth.coins", "flag --coins", "'BTC,ETH,BTC' names BTC twice"));
  r = run_organism({"data", "synth", "--db", db.string(), "--seed", "-1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, error_line("synth.seed", "flag --seed", "'-1' is not a whole number >= 0"));
}

TEST(ConfigRanges, ConfigShowRefusesWhatOnlyEvolveJoiningKeysWouldRefuse) {
  // Each key alone is in range; together they are not (15 genomes cannot split over 2 islands).
  auto r = run_organism({"config", "show"},
                        {"ORGANISM_EVOLVE_POPULATION=15", "ORGANISM_EVOLVE_ISLANDS=2"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("--population 15 must split into 2 island(s)"), std::string::npos) << r.err;
  // A walk-forward population above the run's is capped, not refused; an odd one is refused.
  r = run_organism({"config", "show"}, {"ORGANISM_VALIDATE_WF_POPULATION=7"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, error_line("validate.wf_population", "env ORGANISM_VALIDATE_WF_POPULATION",
                              "'7' is not an even whole number in [4, 1000000000]"));
}

TEST(ConfigRanges, ConfigShowPrintsEachKeysRange) {
  const auto r = run_organism({"config", "show"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("evolve.mutation_rate = \"-1\"    # per-gene mutation chance; a number <= 1 "
                       "(negative: 1 / "
                       "genes) [default; env ORGANISM_EVOLVE_MUTATION_RATE]\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("evolve.aggregate = \"mean\"    # objectives across coins: mean, or worst "
                       "(the weakest coin); "
                       "one of mean, worst [default; env ORGANISM_EVOLVE_AGGREGATE]\n"),
            std::string::npos)
      << r.out;
}

TEST(ConfigRanges, ThreadsAboveTheCoresAreCappedWithOneLine) {
  TempDir dir;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const auto asked = std::to_string(cores + 7);
  const auto r = run_organism(
      {"evolve", "--db", (dir / "o.db").string(), "--population", "8", "--generations", "1",
       "--min-trades", "1", "--embargo", "100", "--coins", "BTC,ETH", "--threads", asked},
      kSmallSynth);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string line = "evolve.threads = " + asked +
                           " (from flag --threads) is more than the " + std::to_string(cores) +
                           " cores of this machine: using " + std::to_string(cores) + "\n";
  const auto at = r.err.find(line);
  ASSERT_NE(at, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(line, at + 1), std::string::npos) << "said twice:\n" << r.err;
  EXPECT_EQ(r.err.find("TBB"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace organism::test
