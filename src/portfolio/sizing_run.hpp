// A sizing evolution's record in the store: the run row (options with "kind": "portfolio_sizing",
// so the evolution's listings skip it), its checkpoint after every generation and its result.
// Used by `organism portfolio evolve` to start, checkpoint, resume and finish a run.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backtest/models.hpp"
#include "core/time.hpp"
#include "data/store.hpp"
#include "evolve/real_nsga2.hpp"
#include "portfolio/allocator.hpp"

namespace organism::portfolio {

inline constexpr const char* kSizingRunKind = "portfolio_sizing";

// Everything a resumed run must reuse to continue bit for bit.
struct SizingRunSpec {
  std::vector<std::string> strategies;  // stored strategy ids, in order
  std::size_t population = 24, generations = 10;
  std::uint64_t seed = 1;
  AllocatorOptions allocator{};  // caps and windows; its sizing is what evolves
  backtest::BacktestConfig costs{};
  double capital = 10'000;
};

nlohmann::json sizing_run_options_json(const SizingRunSpec& spec);
// core::Error naming the run when the options are not a sizing run's or are malformed.
SizingRunSpec sizing_run_spec_from_json(const nlohmann::json& j, const std::string& run_id);

// Inserts a new running run; its id is sizing-YYYYMMDD-HHMMSS-<hash8 of its options> (a suffix
// _2, _3... when taken). Returns the row.
data::RunRecord create_sizing_run(data::Store& store, const SizingRunSpec& spec, core::TimeMs now);

struct StoredSizingRun {
  data::RunRecord record;
  SizingRunSpec spec;
  std::optional<evolve::RealNsga2State> state;  // none: stopped before its first checkpoint
};
// The sizing run `id` to continue: unfinished, or finished with `generations` (a new
// --generations; 0: none given) above the generation it ended at. core::Error when there is none,
// when it is an evolution's run (with the command that continues it) or when it has finished and
// no more generations are asked for.
StoredSizingRun load_sizing_run(data::Store& store, const std::string& id,
                                std::size_t generations = 0);

// The state after a generation, with the run's progress, in one transaction.
void checkpoint_sizing_run(data::Store& store, data::RunRecord& record,
                           const evolve::RealNsga2State& state, double seconds);
// status "interrupted" (resumable) or "finished" with its result JSON.
void mark_sizing_run(data::Store& store, data::RunRecord& record, const std::string& status,
                     const std::string& result = "");
// A new --generations for a resumed run, saved in its options.
void set_sizing_run_generations(data::Store& store, data::RunRecord& record, SizingRunSpec& spec,
                                std::size_t generations);

}  // namespace organism::portfolio
