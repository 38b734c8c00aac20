// The validation pipeline through the real binary: `organism evolve` validates its front (on a
// pure-noise market nobody survives the default gates; on a market with a planted trend the
// trend followers pass the held-out DSR gate and survive), `organism validate RUN` re-validates a stored run and moves survivors to
// `validated`, and bad input is a clear error with exit code 1.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include <fmt/format.h>

#include "core/random.hpp"
#include "data/store.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

// Hourly candles as CSV whose highs and lows are the extremes of a 12-step path inside each bar
// (so intrabar stops see a consistent path). Noise: log-steps of 1%/bar, no drift. Trend: +-0.2%
// a bar of drift whose sign flips every 150-450 bars, 0.3%/bar noise: a planted trend edge.
std::string market_csv(bool trend, std::uint64_t seed, int bars) {
  core::Rng rng(seed);
  std::string out = "time,open,high,low,close,volume\n";
  double x = 100, sign = 1;
  int left = 0;
  constexpr int kSteps = 12;
  for (int i = 0; i < bars; ++i) {
    if (trend && left-- <= 0) {
      sign = -sign;
      left = 150 + static_cast<int>(rng.below(301));
    }
    const double mu = trend ? 0.002 * sign : 0, sd = trend ? 0.003 : 0.01;
    const double open = x;
    double high = x, low = x;
    for (int k = 0; k < kSteps; ++k) {
      x *= std::exp(mu / kSteps + sd / std::sqrt(double{kSteps}) * rng.normal());
      high = std::max(high, x);
      low = std::min(low, x);
    }
    out += fmt::format("{},{:.6f},{:.6f},{:.6f},{:.6f},1000\n", 1'704'067'200'000 + std::int64_t{i} * 3'600'000,
                       open, high, low, x);
  }
  return out;
}

// A store holding BTC and ETH of the given market, 4,000 bars each.
fs::path market_store(const TempDir& dir, bool trend) {
  const auto db = dir / "o.db";
  for (const auto& [coin, seed] : {std::pair{"BTC", 1}, std::pair{"ETH", 2}}) {
    const auto csv = dir / fmt::format("{}.csv", coin);
    write_file(csv, market_csv(trend, static_cast<std::uint64_t>(seed) + (trend ? 0 : 10), 4000));
    const auto r = run_organism({"data", "import", csv.string(), "--db", db.string(), "--venue", "test", "--coin",
                                 coin, "--interval", "1h", "-q"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  return db;
}

std::vector<std::string> evolve_args(const fs::path& db, const fs::path& json, int population, int generations) {
  return {"evolve", "--db", db.string(), "--coins", "BTC,ETH", "--population", std::to_string(population),
          "--generations", std::to_string(generations), "--seed", "3", "--embargo", "100", "--progress", "off",
          "--json-out", json.string()};
}

// Strategies of the store in `state`, and with validation evidence.
std::int64_t in_state(const fs::path& db, const std::string& state) {
  auto store = data::Store::open_existing(db.string());
  std::int64_t n = 0;
  for (const auto& s : store.list_strategies()) n += s.state == state;
  return n;
}
std::int64_t with_evidence(const fs::path& db) {
  auto store = data::Store::open_existing(db.string());
  std::int64_t n = 0;
  for (const auto& s : store.list_strategies()) n += !s.validation.empty();
  return n;
}

void expect_validation_keys(const nlohmann::json& run) {
  for (const char* key : {"pbo", "trials", "trial_sharpe_variance", "trial_clustering", "walk_forward", "gates",
                          "survivors"}) {
    EXPECT_TRUE(run.contains(key)) << key;
  }
  EXPECT_GT(run.at("trials").get<int>(), 0);
  const auto& tc = run.at("trial_clustering");
  EXPECT_EQ(tc.at("trials"), run.at("trials"));
  EXPECT_EQ(tc.at("source"), "trial_sample");
  EXPECT_GE(tc.at("clusters").get<int>(), 1);
  EXPECT_LE(tc.at("clusters").get<int>(), tc.at("clustered").get<int>());
  EXPECT_TRUE(tc.at("sharpe_variance").is_number());
  EXPECT_FALSE(run.at("gates").contains("dsr_variance"));
  EXPECT_EQ(run.at("walk_forward").at("folds").size(), 4u);
  for (const auto& m : run.at("front")) {
    const auto& v = m.at("validation");
    for (const char* key : {"dsr", "psr", "dsr_in_sample", "effective_trials", "effective_front_members",
                            "held_out_sharpe", "held_out_bars", "wf_efficiency", "cost_stress", "robustness", "gates",
                            "passed"}) {
      EXPECT_TRUE(v.contains(key)) << key;
    }
    EXPECT_EQ(v.at("effective_trials"), tc.at("clusters"));
    EXPECT_EQ(v.at("effective_front_members"), tc.at("effective_front_members"));
    EXPECT_EQ(v.at("gates").at("dsr").at("value"), v.at("dsr"));
    EXPECT_TRUE(v.at("cost_stress").at("sharpe").is_number());
    EXPECT_TRUE(v.at("cost_stress").at("total_return").is_number());
    EXPECT_TRUE(v.at("robustness").at("perturbation_ratio").is_number());
    EXPECT_TRUE(v.at("robustness").at("coin_dispersion").is_number());
    // The halts under the risk limits, reported (not a gate): one per coin and held-out stage.
    const auto& h = v.at("risk_halts");
    EXPECT_EQ(h.at("gate"), false);
    EXPECT_EQ(h.at("segments"), 4);
    ASSERT_EQ(h.at("per_segment").size(), 4u);
    int halted = 0;
    for (const auto& s : h.at("per_segment")) {
      halted += s.at("halted").get<bool>();
      EXPECT_EQ(s.at("halted").get<bool>(), s.at("bars_halted").get<int>() > 0);
      EXPECT_EQ(s.at("halted").get<bool>(), s.at("halt_bar").is_number());
      EXPECT_LE(s.at("bars_halted").get<int>() + s.at("bars_reducing").get<int>(), s.at("bars").get<int>());
    }
    EXPECT_EQ(h.at("halted"), halted);
    for (const char* gate : {"sharpe_in_sample", "sharpe_out_of_sample", "sharpe_walk_forward", "max_drawdown", "dsr",
                             "pbo", "cost_stress"}) {
      const auto& g = v.at("gates").at(gate);
      EXPECT_TRUE(g.at("passed").is_boolean()) << gate;
      EXPECT_TRUE(g.at("threshold").is_number()) << gate;
    }
  }
}

TEST(ValidateCommand, NoiseMarketLeavesNoSurvivorsAtTheDefaultGates) {
  TempDir dir;
  const auto db = market_store(dir, false);
  const auto r = run_organism(evolve_args(db, dir / "run.json", 60, 15));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("validation: 0 of"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("risk halts (reported, not a gate): "), std::string::npos) << r.out;
  const auto run = nlohmann::json::parse(read_file(dir / "run.json"));
  expect_validation_keys(run);
  EXPECT_EQ(run.at("survivors"), 0);
  EXPECT_GT(run.at("trials").get<int>(), 500);
  for (const auto& m : run.at("front")) EXPECT_FALSE(m.at("validation").at("passed").get<bool>()) << m.at("id");
  EXPECT_EQ(in_state(db, "validated"), 0);
  EXPECT_EQ(with_evidence(db), static_cast<std::int64_t>(run.at("front").size()));
}

TEST(ValidateCommand, PlantedTrendSurvivesAndValidateRunMovesItToValidated) {
  TempDir dir;
  const auto db = market_store(dir, true);
  const auto r = run_organism(evolve_args(db, dir / "run.json", 40, 8));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto run = nlohmann::json::parse(read_file(dir / "run.json"));
  expect_validation_keys(run);
  // The held-out DSR gate (the front's held-out returns, deflated by its effective number of
  // members under the null V = 1/(T-1)) passes the trend followers; no mean-reversion rule
  // survives.
  const std::set<std::string> trend = {"ema_cross", "sma_trend", "donchian_breakout", "ichimoku_cloud"};
  std::int64_t survivors = 0, trend_survivors = 0;
  for (const auto& m : run.at("front")) {
    const auto& v = m.at("validation");
    if (!v.at("passed").get<bool>()) continue;
    ++survivors;
    trend_survivors += trend.count(m.at("family").get<std::string>());
    EXPECT_GT(v.at("dsr").get<double>(), 0.95);
    EXPECT_NE(m.at("family"), "rsi_reversion");
    EXPECT_NE(m.at("family"), "vwap_reversion");
  }
  EXPECT_GT(trend_survivors, 0);
  EXPECT_EQ(run.at("survivors"), survivors);
  EXPECT_LT(run.at("pbo").get<double>(), 0.5);

  // The removed validate.dsr_variance is a usage error naming what replaced it.
  const auto id = run.at("run").get<std::string>();
  auto v = run_organism({"validate", id, "--db", db.string()}, {"ORGANISM_VALIDATE_DSR_VARIANCE=null"});
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_NE(v.err.find("validate.dsr_variance' was removed"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("validate.gate_dsr"), std::string::npos) << v.err;

  // Re-validated from the store: the same survivors, moved to `validated`.
  v = run_organism({"validate", id, "--db", db.string(), "--progress", "lines", "--json-out",
                    (dir / "validated.json").string()});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.err.find("walk-forward fold 4/4"), std::string::npos) << v.err;
  const auto again = nlohmann::json::parse(read_file(dir / "validated.json"));
  expect_validation_keys(again);
  EXPECT_EQ(again.at("run"), id);
  EXPECT_EQ(again.at("survivors"), survivors);
  EXPECT_EQ(again.at("trial_clustering"), run.at("trial_clustering"));
  EXPECT_EQ(in_state(db, "validated"), survivors);
  const auto stored = data::Store::open_existing(db.string()).load_run(id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(nlohmann::json::parse(stored->result).at("survivors"), survivors);
}

TEST(ValidateCommand, UnknownRunMissingStoreAndSwitchedOffValidation) {
  TempDir dir;
  auto r = run_organism({"validate", "--db", (dir / "none.db").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no store at"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "none.db"));

  const auto db = market_store(dir, false);
  r = run_organism({"validate", "--db", db.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no finished run"), std::string::npos) << r.err;
  r = run_organism({"validate", "run_nope", "--db", db.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no run 'run_nope'"), std::string::npos) << r.err;

  r = run_organism(evolve_args(db, dir / "off.json", 8, 1), {"ORGANISM_VALIDATE_ON_EVOLVE=false"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto run = nlohmann::json::parse(read_file(dir / "off.json"));
  EXPECT_FALSE(run.contains("pbo"));
  EXPECT_FALSE(run.at("front").at(0).contains("validation"));

  r = run_organism(evolve_args(db, dir / "bad.json", 8, 1), {"ORGANISM_VALIDATE_PBO_BLOCKS=7"});
  EXPECT_EQ(r.exit_code, 2);  // before evolving, not after
  EXPECT_NE(r.err.find("validate.pbo_blocks"), std::string::npos) << r.err;
  EXPECT_EQ(data::Store::open_existing(db.string()).list_runs().size(), 1u);
  r = run_organism({"validate", "--db", db.string(), "--json-out", (dir / "v.json").string()},
                   {"ORGANISM_VALIDATE_PBO_BLOCKS=7"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("validate.pbo_blocks"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "v.json"));
  r = run_organism({"validate", "--db", db.string(), "--json-out", (dir / "v.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(read_file(dir / "v.json")).at("front").at(0).contains("validation"));
}

}  // namespace
}  // namespace organism::test
