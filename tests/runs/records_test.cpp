// The run records' one JSON form: every record made by a real run round trips record -> JSON ->
// record -> JSON byte for byte, and through a real SQLite store file.
#include <gtest/gtest.h>

#include <cmath>

#include "runs/records.hpp"
#include "run_fixture.hpp"
#include "support/test_support.hpp"

namespace organism::runs {
namespace {

using test::TempDir;

// One run for the whole file: evolution and validation take a few seconds.
const FinishedRun& finished() {
  static const TempDir dir;
  static const FinishedRun run = test::finished_tiny_run((dir / "store.sqlite").string());
  return run;
}

TEST(RunRecords, TheFixtureRunIsValidatedWithEveryPart) {
  const auto& r = finished().result;
  ASSERT_FALSE(r.front.empty());
  ASSERT_TRUE(r.validation.has_value());
  EXPECT_EQ(r.validation->walk_forward.folds.size(), 2u);
  for (const auto& m : r.front) {
    ASSERT_TRUE(m.validation.has_value()) << m.id;
    EXPECT_EQ(m.validation->gates.size(), std::size(validate::kGateNames));
    EXPECT_EQ(m.validation->per_coin[1].size(), 2u);  // BTC and ETH, out of sample
    EXPECT_EQ(m.validation->aliases, m.aliases);
    // Its held-out bars per regime: volatility rows, then trend rows, whose bars add up to the
    // same held-out pairs (both parts are known past the warm-up).
    ASSERT_FALSE(m.validation->regimes.empty()) << m.id;
    std::int64_t vol = 0, trend = 0;
    for (const auto& row : m.validation->regimes) {
      if (row.regime.ends_with("_vol")) vol += row.bars;
      if (row.regime == "down" || row.regime == "range" || row.regime == "up") trend += row.bars;
    }
    EXPECT_GT(vol, 0);
    EXPECT_EQ(vol, trend);
  }
}

TEST(RunRecords, RunResultRoundTripsByteForByte) {
  const auto first = to_json(finished().result).dump();
  const auto again = to_json(run_result_from_json(nlohmann::ordered_json::parse(first))).dump();
  EXPECT_EQ(again, first);
  // The keys --json-out has always had, in their order.
  const auto j = nlohmann::ordered_json::parse(first);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  const std::vector<std::string> expected = {"run",      "seed",       "evaluations", "seconds",     "generations",
                                             "population", "islands",  "objectives",  "universe",    "costs",
                                             "front",    "pbo",        "pbo_detail",  "trials",      "trial_sharpe_variance",
                                             "trial_clustering", "walk_forward", "gates", "survivors"};
  EXPECT_EQ(keys, expected);
}

TEST(RunRecords, FrontMemberAndValidationRoundTripByteForByte) {
  for (const auto& m : finished().result.front) {
    const auto first = to_json(m).dump();
    EXPECT_EQ(to_json(front_member_from_json(nlohmann::ordered_json::parse(first))).dump(), first);
    const auto v = to_json(*m.validation).dump();
    EXPECT_EQ(to_json(member_validation_from_json(nlohmann::ordered_json::parse(v))).dump(), v);
  }
}

// A member validated before the risk halts were measured has no "risk_halts": it still loads,
// without them, and writes back as it was stored.
TEST(RunRecords, AValidationStoredWithoutRiskHaltsStillLoads) {
  const auto& m = finished().result.front.front();
  ASSERT_TRUE(m.validation->risk_halts.has_value());
  // The fixture's universe: BTC and ETH, each with an out-of-sample and a walk-forward segment.
  EXPECT_EQ(m.validation->risk_halts->segments, 4);
  EXPECT_EQ(m.validation->risk_halts->per_segment.size(), 4u);
  auto old = nlohmann::ordered_json::parse(to_json(*m.validation).dump());
  ASSERT_TRUE(old.contains("risk_halts"));
  EXPECT_EQ(old["risk_halts"]["gate"], false);
  old.erase("risk_halts");
  ASSERT_TRUE(old.contains("regimes"));  // and before regimes were measured: no "regimes" either
  old.erase("regimes");
  const auto back = member_validation_from_json(old);
  EXPECT_FALSE(back.risk_halts.has_value());
  EXPECT_TRUE(back.regimes.empty());
  EXPECT_EQ(back.dsr, m.validation->dsr);
  EXPECT_EQ(back.gates.size(), m.validation->gates.size());
  EXPECT_EQ(to_json(back).dump(), old.dump());
}

TEST(RunRecords, NonFiniteNumbersAreNullAndReadBackAsNaN) {
  FrontMember m = finished().result.front.front();
  m.metrics[0] = {{"sharpe", NAN}, {"trades", 3.0}};
  m.fitness.objectives = {INFINITY, -1.5};
  const auto j = nlohmann::ordered_json::parse(to_json(m).dump());  // as stored
  EXPECT_TRUE(j["metrics"]["in_sample"]["sharpe"].is_null());
  EXPECT_TRUE(j["fitness"]["objectives"][0].is_null());
  const auto back = front_member_from_json(j);
  EXPECT_TRUE(std::isnan(back.metrics[0][0].second));
  EXPECT_TRUE(std::isnan(back.fitness.objectives[0]));
  EXPECT_EQ(back.fitness.objectives[1], -1.5);
  EXPECT_EQ(back.metrics[0][1].second, 3.0);
  EXPECT_EQ(to_json(back).dump(), j.dump());
}

TEST(RunRecords, RunAndStrategiesRoundTripThroughTheStoreByteForByte) {
  TempDir dir;
  const auto path = (dir / "store.sqlite").string();
  const auto done = test::finished_tiny_run(path);
  auto store = data::Store::open(path);
  const core::FixedClock clock(test::kFixtureNow);
  const RunService service(store, clock);
  const auto run = service.load(done.result.run);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status, RunStatus::Finished);
  ASSERT_TRUE(run->result.has_value());
  EXPECT_EQ(to_json(*run->result).dump(), to_json(done.result).dump());

  // Saved again and loaded again: the same text, and the same rows.
  const auto first = to_json(*run).dump();
  EXPECT_EQ(to_json(run_record_from_json(nlohmann::ordered_json::parse(first))).dump(), first);
  const auto row = store.load_run(run->id);
  service.save(*run);
  EXPECT_EQ(to_json(*service.load(run->id)).dump(), first);
  EXPECT_EQ(store.load_run(run->id)->result, row->result);
  EXPECT_EQ(store.load_run(run->id)->options, row->options);

  const auto strategies = service.strategies(run->id);
  ASSERT_EQ(strategies.size(), done.result.front.size());
  for (const auto& s : strategies) {
    const auto text = to_json(s).dump();
    EXPECT_EQ(to_json(strategy_record_from_json(nlohmann::ordered_json::parse(text))).dump(), text);
    ASSERT_TRUE(s.validation.has_value());
    EXPECT_EQ(s.state, s.validation->passed ? "validated" : "testing");
    EXPECT_EQ(s.created, test::kFixtureNow);
    store.save_strategy(to_row(s));
    const auto after = service.strategy(s.id);
    ASSERT_TRUE(after.has_value());
    EXPECT_EQ(to_json(*after).dump(), text);
  }
}

// A stored record is JSON read back from a file anyone can edit: a hostile nesting is refused
// with a short message naming the record, before any tree is built (no crash, no 100 KB error).
TEST(RunRecords, ADeeplyNestedStoredRecordIsRefusedNamingIt) {
  auto row = to_row(StrategyRecord{});
  row.id = "s1";
  row.parents = std::string(100'000, '[') + std::string(100'000, ']');
  row.metrics = "{}";
  try {
    from_row(row);
    FAIL() << "a 100,000-deep parents list was read";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()), "strategy s1: parents: JSON nested deeper than 256 levels (at byte 256)");
  }
  data::RunRecord run_row = to_row(RunRecord{});
  run_row.id = "r1";
  run_row.result = std::string(5'000, '{');
  try {
    from_row(run_row);
    FAIL() << "a 5,000-deep result was read";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()), "run r1: result: JSON nested deeper than 256 levels (at byte 256)");
  }
}

TEST(RunRecords, StatusNamesAreTheStoredOnes) {
  EXPECT_EQ(status_name(RunStatus::Running), "running");
  EXPECT_EQ(status_name(RunStatus::Interrupted), "interrupted");
  EXPECT_EQ(status_name(RunStatus::Finished), "finished");
  EXPECT_EQ(parse_status("interrupted"), RunStatus::Interrupted);
  EXPECT_THROW(parse_status("paused"), core::Error);
}

TEST(RunRecords, OldRunOptionsWithoutCostsReadWithTheDefaultCosts) {
  auto j = to_json(test::tiny_options());
  j.erase("costs");
  const auto o = run_options_from_json(j);
  EXPECT_EQ(backtest::costs_to_json(o.costs).dump(), backtest::costs_to_json(backtest::BacktestConfig{}).dump());
  EXPECT_EQ(o.evolve.population, 8);
}

}  // namespace
}  // namespace organism::runs
