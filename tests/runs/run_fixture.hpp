// A small evolution run made by the real run service on a synthetic market in a temporary store:
// the source of realistic records for the runs tests (and the monitor tests' report inputs).
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "data/store.hpp"
#include "data/synth.hpp"
#include "runs/run_service.hpp"

namespace organism::test {

inline constexpr core::TimeMs kFixtureNow = 1'764'000'000'000;  // 2025-11-24

// Two synthetic coins (BTC, ETH) of `bars` hourly bars with funding, stored at `path`.
inline void store_synthetic_market(const std::string& path, std::size_t bars = 3000) {
  data::SynthOptions o;
  o.coins = {"BTC", "ETH"};
  o.bars = bars;
  o.seed = 11;
  const auto market = data::generate_market(o);
  auto store = data::Store::open(path);
  auto tx = store.transaction();
  for (const auto& c : market.candles) store.upsert_candles(c.key, c.bars.view());
  for (const auto& f : market.funding) store.upsert_funding(f);
  tx.commit();
}

// A tiny run: population 8, `generations` generations, two families, short validation.
inline runs::RunOptions tiny_options(int generations = 2) {
  runs::RunOptions o;
  o.evolve.seed = 5;
  o.evolve.population = 8;
  o.evolve.generations = generations;
  o.evolve.families = {"ema_cross", "rsi_reversion"};
  o.evolve.constraints.min_trades = 1;
  return o;
}

inline runs::UniverseSpec tiny_universe() { return {{"1h", {"BTC", "ETH"}, {}}, 100}; }

inline validate::ValidationOptions tiny_validation() {
  validate::ValidationOptions v;
  v.walk_forward.folds = 2;
  v.walk_forward.population = 4;
  v.walk_forward.generations = 1;
  v.pbo_blocks = 4;
  return v;
}

inline runs::EvaluationSettings tiny_settings() { return {std::size_t{64} << 20, 1, ""}; }

// Runs a new tiny run to its end in the store at `path` (validated when `validate`).
// The market is stored first unless the store exists.
inline runs::FinishedRun finished_tiny_run(const std::string& path, bool validate = true) {
  if (!std::filesystem::exists(path)) store_synthetic_market(path);
  auto store = data::Store::open(path);
  const core::FixedClock clock(kFixtureNow);
  const runs::RunService service(store, clock);
  std::atomic<bool> cancel{false};
  runs::Processes one;
  runs::RunSession session(service, service.create(tiny_options(), tiny_universe()).record, std::nullopt, tiny_settings(),
                           one, cancel);
  session.start();
  while (!session.done()) session.step();
  return *session.finish(validate ? std::optional(tiny_validation()) : std::nullopt);
}

}  // namespace organism::test
