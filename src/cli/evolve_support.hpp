// Pieces of `organism evolve`: the universe loaded from the store (and how to find it again on
// --resume), and the final front's report (metrics per stage, the table, the JSON, the store).
#pragma once

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "data/store.hpp"
#include "evolve/engine.hpp"
#include "evolve/evaluator.hpp"

namespace organism::cli {

// What a run evolves on, stored with the run so --resume loads the same data.
struct UniverseSpec {
  std::string interval = "1h";
  std::vector<std::string> coins;
  std::vector<std::string> venues;  // resolved per coin (empty before load_universe)
  std::size_t embargo = 0;
};
nlohmann::json to_json(const UniverseSpec& spec);
UniverseSpec universe_spec_from_json(const nlohmann::json& j);

// Bars, funding per bar and sentiment per bar of every coin, split with the embargo. A coin on
// several venues takes spec.venues[i] when set, else data.venue, else the venue with the most
// bars (logged). Errors name the missing coin and list what the store has.
evolve::Universe load_universe(data::Store& store, const Context& ctx, UniverseSpec& spec);

inline constexpr std::array<evolve::Stage, 3> kStages = {evolve::Stage::InSample, evolve::Stage::OutOfSample,
                                                         evolve::Stage::WalkForward};

struct FrontMember {
  evolve::Individual individual;               // the representative of its exposures
  std::array<evolve::MetricValues, 3> stages;  // mean over coins, per kStages
  std::vector<std::string> aliases;            // ids of front members with the same exposures
};

// What evaluations run with, from evolve.cache_mb and evolve.threads (usage errors name the key).
struct EvaluationSettings {
  std::size_t cache_bytes = 0;
  int threads = 0;  // 0: all cores
};
EvaluationSettings evaluation_settings(const core::Config& cfg);

// The distinct members of the front (validate::distinct_front), each backtested on each stage
// of every coin.
std::vector<FrontMember> report_front(const evolve::Engine& engine, const evolve::Evaluator& evaluator);
// The members' individuals: what validation validates.
std::vector<evolve::Individual> individuals(const std::vector<FrontMember>& front);
// The table of the `top` members by in-sample Sharpe: id, family, Sharpe per stage, in-sample
// max drawdown, trades, and the rule in words.
// The best `top` distinct members of a run's JSON at the run's target volatility: Sharpe, total
// return and CAGR per stage, worst drawdown, trades per year, held-out DSR and the verdict;
// survivors first, then members that trade on held-out data, then by held-out Sharpe.
void print_front(const nlohmann::ordered_json& run, std::size_t top, double target_volatility);
// {"id", "family", "generation", "parents", "aliases", "genome" (normalized), "rule",
// "fitness", "metrics": {stage: {...}}}
nlohmann::ordered_json member_json(const FrontMember& member);
// A metric as JSON: the number, or null when it is not finite (JSON has no NaN or infinity).
nlohmann::ordered_json json_number(double v);
// Writes JSON indented by 2 and a newline to `path`, atomically (all or nothing).
void write_json_file(const std::string& path, const nlohmann::ordered_json& json);
// Saves each member (a representative; its aliases are in its "aliases", not stored apart) as a
// strategy in state `testing` with its normalized genome and its metrics by stage.
void save_front(data::Store& store, const std::string& run_id, const std::vector<FrontMember>& front);

}  // namespace organism::cli
