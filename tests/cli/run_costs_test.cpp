// A run owns its costs, through the real binary: `organism evolve --fees/--slippage/--fill`
// (or the backtest.* keys) stores the cost model with the run; `organism validate RUN` and
// `organism report` use the stored costs whatever the current config says, and validation's cost
// stress multiplies them; `--resume` refuses different cost flags; a run stored without costs
// gets the defaults; bad values are usage errors naming the flag.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "data/store.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

using json = nlohmann::json;

// The synthetic market of 3,000 bars of BTC and ETH (the same in every store: synth.seed 1);
// validation only when a test asks for it, to keep runs to seconds.
const std::vector<std::string> kSmallSynth = {"ORGANISM_SYNTH_BARS=3000",
                                              "ORGANISM_SYNTH_COINS=BTC,ETH",
                                              "ORGANISM_VALIDATE_ON_EVOLVE=false"};
const std::string kDefaultCosts =
    "costs: taker 0.05% maker 0.02% slippage 0.05% fill next_open funding on";
const std::string kRunCosts =
    "costs: taker 0.2% maker 0.02% slippage 0.1% fill next_open funding on";

std::vector<std::string> evolve_args(const TempDir& dir, int generations,
                                     const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"evolve",
                                   "--db",
                                   (dir / "o.db").string(),
                                   "--population",
                                   "20",
                                   "--generations",
                                   std::to_string(generations),
                                   "--seed",
                                   "7",
                                   "--min-trades",
                                   "3",
                                   "--embargo",
                                   "100",
                                   "--coins",
                                   "BTC,ETH",
                                   "--threads",
                                   "2",
                                   "--json-out",
                                   (dir / "run.json").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

json evolve_ok(const TempDir& dir, int generations, const std::vector<std::string>& extra,
               const std::string& costs) {
  const auto r = run_organism(evolve_args(dir, generations, extra), kSmallSynth);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(costs), std::string::npos) << r.err;  // the header line names the costs
  return json::parse(read_file(dir / "run.json"));
}

json stored_options(const TempDir& dir, const std::string& run_id) {
  const auto run = data::Store::open_existing((dir / "o.db").string()).load_run(run_id);
  EXPECT_TRUE(run.has_value()) << run_id;
  return run ? json::parse(run->options) : json();
}

// Out-of-sample total return (mean over coins) of each front member, as its run computed it.
std::map<std::string, double> oos_returns(const json& run) {
  std::map<std::string, double> out;
  for (const auto& m : run.at("front")) {
    out[m.at("id").get<std::string>()] =
        m.at("metrics").at("out_of_sample").at("total_return").get<double>();
  }
  return out;
}

// A config file whose costs differ from every run of this file.
fs::path other_costs_config(const TempDir& dir) {
  const auto cfg = dir / "other.toml";
  write_file(cfg,
             "[backtest]\ntaker_fee = 0.01\nmaker_fee = 0.005\nslippage = 0.003\nfill = \"close\"\n"
             "funding = false\n[validate]\nwf_folds = 2\n");
  return cfg;
}

std::string without_timestamp(const std::string& html) {
  // The footer's generation time is the only part of the page that depends on when it was made.
  return std::regex_replace(html, std::regex("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"), "T");
}

TEST(RunCosts, EvolveStoresItsCostsAndValidateAndReportUseThem) {
  TempDir a, b, c;
  // a: the run under test; b: the same search at the default costs; c: at twice a's costs.
  const auto run_a =
      evolve_ok(a, 2, {"--fees", "0.002", "--slippage", "0.001", "--fill", "next_open"}, kRunCosts);
  const auto run_b = evolve_ok(b, 0, {}, kDefaultCosts);
  const auto run_c =
      evolve_ok(c, 0, {"--fees", "0.004", "--slippage", "0.002", "--maker-fee", "0.0004"},
                "costs: taker 0.4% maker 0.04% slippage 0.2% fill next_open funding on");
  const json expected = {{"taker_fee", 0.002},
                         {"maker_fee", 0.0002},
                         {"slippage", 0.001},
                         {"fill", "next_open"},
                         {"funding", true}};
  const auto id = run_a.at("run").get<std::string>();
  EXPECT_EQ(stored_options(a, id).at("costs"), expected);
  EXPECT_EQ(stored_options(a, id).at("population"), 20);  // the costs sit beside the run's options
  EXPECT_EQ(run_a.at("costs"), expected);
  EXPECT_EQ(stored_options(b, run_b.at("run").get<std::string>()).at("costs").at("taker_fee"),
            0.0005);

  // validate under a config whose costs differ from the run's: the run's own costs are used.
  const auto cfg = other_costs_config(a);
  const auto v = run_organism({"--config", cfg.string(), "validate", id, "--db",
                               (a / "o.db").string(), "--threads", "2", "--progress", "off",
                               "--json-out", (a / "validated.json").string()});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.err.find(kRunCosts), std::string::npos) << v.err;
  const auto validated = json::parse(read_file(a / "validated.json"));
  const auto own = oos_returns(run_a), at_default = oos_returns(run_b),
             at_double = oos_returns(run_c);
  std::size_t members = 0, vs_default = 0, vs_double = 0;
  for (const auto& m : validated.at("front")) {
    const auto mid = m.at("id").get<std::string>();
    const auto& val = m.at("validation");
    // Validation's own out-of-sample backtests reproduce the run's out-of-sample metrics.
    const auto& coins = val.at("per_coin").at("out_of_sample");
    ASSERT_EQ(coins.size(), 2u);
    const double mean = (coins.at("synth:BTC:1h").at("total_return").get<double>() +
                         coins.at("synth:ETH:1h").at("total_return").get<double>()) /
                        2;
    EXPECT_NEAR(mean, own.at(mid), 1e-12) << mid;
    ++members;
    const bool trades = m.at("metrics").at("out_of_sample").at("trades").get<double>() > 0;
    if (at_default.count(mid) && trades) {
      EXPECT_GT(at_default.at(mid), own.at(mid)) << mid;  // lower costs, higher return
      ++vs_default;
    }
    // The cost stress (x2 by default) is the run's costs doubled: run c's numbers.
    const double stressed =
        val.at("cost_stress").at("stages").at("out_of_sample").at("total_return").get<double>();
    if (at_double.count(mid)) {
      EXPECT_NEAR(stressed, at_double.at(mid), 1e-12) << mid;
      ++vs_double;
    }
  }
  EXPECT_GT(members, 0u);
  EXPECT_GT(vs_default, 0u);
  EXPECT_GT(vs_double, 0u);

  // report: the page names the run's costs and is the same whatever backtest.* says now.
  auto r = run_organism(
      {"report", id, "--db", (a / "o.db").string(), "--out", (a / "plain.html").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_organism({"--config", cfg.string(), "report", id, "--db", (a / "o.db").string(), "--out",
                    (a / "other.html").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto plain = read_file(a / "plain.html"), other = read_file(a / "other.html");
  EXPECT_NE(other.find(kRunCosts), std::string::npos);
  EXPECT_EQ(without_timestamp(plain), without_timestamp(other));
}

TEST(RunCosts, RunStoredWithoutCostsValidatesAtTheDefaults) {
  TempDir dir;
  const auto run = evolve_ok(dir, 0, {}, kDefaultCosts);
  const auto id = run.at("run").get<std::string>();
  {
    // As a run stored before runs kept their costs.
    auto store = data::Store::open((dir / "o.db").string());
    auto record = *store.load_run(id);
    auto options = json::parse(record.options);
    options.erase("costs");
    record.options = options.dump();
    store.save_run(record);
  }
  const auto cfg = other_costs_config(dir);
  const auto v = run_organism({"--config", cfg.string(), "validate", id, "--db",
                               (dir / "o.db").string(), "--threads", "2", "--progress", "off",
                               "--json-out", (dir / "v.json").string()});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.err.find(kDefaultCosts), std::string::npos) << v.err;
  const auto own = oos_returns(run);
  for (const auto& m : json::parse(read_file(dir / "v.json")).at("front")) {
    const auto& coins = m.at("validation").at("per_coin").at("out_of_sample");
    const double mean = (coins.at("synth:BTC:1h").at("total_return").get<double>() +
                         coins.at("synth:ETH:1h").at("total_return").get<double>()) /
                        2;
    EXPECT_NEAR(mean, own.at(m.at("id").get<std::string>()), 1e-12);
  }
}

TEST(RunCosts, BadCostValuesAreUsageErrorsNamingTheFlag) {
  TempDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases = {
      {{"--fees", "-1"}, {"--fees", "backtest.taker_fee", "[0, 1)"}},
      {{"--fill", "sideways"}, {"--fill", "sideways", "next_open, close"}},
      {{"--slippage", "lots"}, {"--slippage", "not a number"}},
      {{"--maker-fee", "1.5"}, {"--maker-fee", "[0, 1)"}},
  };
  for (const auto& [flags, words] : cases) {
    const auto r = run_organism(evolve_args(dir, 1, flags), kSmallSynth);
    EXPECT_EQ(r.exit_code, 2) << flags[0] << "\n" << r.err;
    for (const auto& w : words) EXPECT_NE(r.err.find(w), std::string::npos) << w << "\n" << r.err;
    EXPECT_FALSE(fs::exists(dir / "run.json"));
  }
  // Refused before the synthetic market was built or a run was stored.
  EXPECT_TRUE(data::Store::open((dir / "o.db").string()).list_series().empty());
  EXPECT_TRUE(data::Store::open((dir / "o.db").string()).list_runs().empty());
  // The same keys from the environment name the variable.
  const auto r = run_organism(evolve_args(dir, 1), {"ORGANISM_BACKTEST_FUNDING=maybe"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ORGANISM_BACKTEST_FUNDING"), std::string::npos) << r.err;
}

TEST(RunCosts, ResumeKeepsTheStoredCostsAndRefusesOtherCostFlags) {
  TempDir dir;
  const auto cut = run_organism_interrupted(
      evolve_args(dir, 6, {"--fees", "0.001", "--no-funding"}), "gen 1/6", kSmallSynth);
  ASSERT_EQ(cut.exit_code, 130) << cut.err;
  const auto db = (dir / "o.db").string();

  auto r = run_organism({"evolve", "--db", db, "--resume", "--fees", "0.002"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--fees 0.002 differs"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("backtest.taker_fee = 0.001"), std::string::npos) << r.err;
  r = run_organism({"evolve", "--db", db, "--resume", "--fill", "close"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--fill close differs"), std::string::npos) << r.err;
  EXPECT_EQ(data::Store::open_existing(db).list_runs().at(0).status, "interrupted");

  // The same values as flags are accepted; other values from the environment only warn.
  r = run_organism({"evolve", "--db", db, "--resume", "--fees", "0.001", "--no-funding",
                    "--json-out", (dir / "resumed.json").string()},
                   {"ORGANISM_BACKTEST_SLIPPAGE=0.01", "ORGANISM_VALIDATE_ON_EVOLVE=false"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("backtest.slippage = 0.01 (from env ORGANISM_BACKTEST_SLIPPAGE) is ignored"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("costs: taker 0.1% maker 0.02% slippage 0.05% fill next_open funding off"),
            std::string::npos)
      << r.err;
  const auto resumed = json::parse(read_file(dir / "resumed.json"));
  EXPECT_EQ(resumed.at("generations"), 6);
  EXPECT_EQ(resumed.at("costs").at("taker_fee"), 0.001);
  EXPECT_EQ(resumed.at("costs").at("slippage"), 0.0005);
  EXPECT_EQ(resumed.at("costs").at("funding"), false);

  // The resumed run equals the same run uninterrupted (same costs, same front).
  TempDir straight;
  const auto whole =
      evolve_ok(straight, 6, {"--fees", "0.001", "--no-funding"},
                "costs: taker 0.1% maker 0.02% slippage 0.05% fill next_open funding off");
  EXPECT_EQ(whole.at("front"), resumed.at("front"));
}

TEST(RunCosts, ConfigShowListsTheCostKeysAndBacktestReadsThem) {
  TempDir dir;
  const auto cfg = dir / "o.toml";
  write_file(cfg, "[backtest]\ntaker_fee = 0\nslippage = 0\n");
  auto r =
      run_organism({"--config", cfg.string(), "config", "show"}, {"ORGANISM_BACKTEST_FUNDING=off"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("backtest.taker_fee = \"0\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[file " + cfg.string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("backtest.maker_fee = \"0.0002\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("backtest.fill = \"next_open\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("backtest.funding = \"off\"    # "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("env ORGANISM_BACKTEST_FUNDING"), std::string::npos) << r.out;

  // organism backtest: the file's costs apply, and a flag beats the file.
  write_file(dir / "BTC-1h.csv",
             "time,close\n1704067200000,100\n1704070800000,110\n1704074400000,121\n");
  write_file(dir / "sig.csv", "time,target\n1704067200000,1\n1704070800000,1\n1704074400000,0\n");
  const std::vector<std::string> bt = {"--config",
                                       cfg.string(),
                                       "backtest",
                                       "--venue",
                                       "x",
                                       "--data",
                                       (dir / "BTC-1h.csv").string(),
                                       "--signals",
                                       (dir / "sig.csv").string(),
                                       "--json"};
  r = run_organism(bt);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_NEAR(j.at("final_equity").get<double>(), 11000,
              1e-9);  // no costs: filled at 110, held to 121
  EXPECT_EQ(j.at("fee_model"), "maker_taker(taker=0,maker=0.0002,market_fills_pay_taker)");
  auto with_fee = bt;
  with_fee.insert(with_fee.end(), {"--fees", "0.001"});
  r = run_organism(with_fee);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = json::parse(r.out);
  EXPECT_EQ(j.at("fee_model"), "maker_taker(taker=0.001,maker=0.0002,market_fills_pay_taker)");
  EXPECT_GT(j.at("fees_paid").get<double>(), 0);
}

}  // namespace
}  // namespace organism::test
