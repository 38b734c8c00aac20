#include "portfolio/sizing_run.hpp"

#include <fmt/format.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_input.hpp"
#include "strategy/genome.hpp"

namespace organism::portfolio {
namespace {

using nlohmann::json;

json allocator_json(const AllocatorOptions& a) {
  return {{"max_strategy_weight", a.caps.per_strategy},
          {"max_asset_exposure", a.caps.per_asset},
          {"max_gross", a.caps.gross},
          {"max_correlation", a.caps.correlation},
          {"lookback_bars", a.lookback_bars},
          {"rebalance_bars", a.rebalance_bars},
          {"min_history_bars", a.min_history_bars},
          {"min_regime_bars", a.min_regime_bars},
          {"consistency_windows", a.consistency_windows},
          {"age_full_days", a.age_full_days},
          {"bars_per_year", a.bars_per_year}};
}

AllocatorOptions allocator_from(const json& j) {
  AllocatorOptions a;
  a.caps.per_strategy = j.at("max_strategy_weight").get<double>();
  a.caps.per_asset = j.at("max_asset_exposure").get<double>();
  a.caps.gross = j.at("max_gross").get<double>();
  a.caps.correlation = j.at("max_correlation").get<double>();
  a.lookback_bars = j.at("lookback_bars").get<std::size_t>();
  a.rebalance_bars = j.at("rebalance_bars").get<std::size_t>();
  a.min_history_bars = j.at("min_history_bars").get<std::size_t>();
  a.min_regime_bars = j.at("min_regime_bars").get<std::size_t>();
  a.consistency_windows = j.at("consistency_windows").get<int>();
  a.age_full_days = j.at("age_full_days").get<double>();
  a.bars_per_year = j.at("bars_per_year").get<double>();
  return a;
}

bool is_sizing(const json& options) {
  return options.is_object() && options.value("kind", std::string{}) == kSizingRunKind;
}

}  // namespace

json sizing_run_options_json(const SizingRunSpec& s) {
  return {{"kind", kSizingRunKind},
          {"strategies", s.strategies},
          {"population", s.population},
          {"generations", s.generations},
          {"seed", s.seed},
          {"allocator", allocator_json(s.allocator)},
          {"costs", backtest::costs_to_json(s.costs)},
          {"capital", s.capital}};
}

SizingRunSpec sizing_run_spec_from_json(const json& j, const std::string& run_id) {
  if (!is_sizing(j))
    throw core::Error(fmt::format("run '{}' is not a portfolio sizing run", run_id));
  try {
    SizingRunSpec s;
    s.strategies = j.at("strategies").get<std::vector<std::string>>();
    s.population = j.at("population").get<std::size_t>();
    s.generations = j.at("generations").get<std::size_t>();
    s.seed = j.at("seed").get<std::uint64_t>();
    s.allocator = allocator_from(j.at("allocator"));
    s.costs = backtest::costs_from_json(j.at("costs"));
    s.capital = j.at("capital").get<double>();
    return s;
  } catch (const json::exception& e) {
    throw core::Error(
        fmt::format("run '{}': its sizing options are unreadable: {}", run_id, e.what()));
  }
}

data::RunRecord create_sizing_run(data::Store& store, const SizingRunSpec& spec, core::TimeMs now) {
  data::RunRecord row;
  row.created = now;
  row.options = sizing_run_options_json(spec).dump();
  row.universe = "{}";
  row.status = "running";
  std::string stamp;
  for (char c : core::format_utc(now).substr(0, 19)) {
    if (std::isdigit(static_cast<unsigned char>(c))) stamp += c;  // 20261205054800
  }
  const std::string day = stamp.substr(0, 8), time = stamp.size() > 8 ? stamp.substr(8) : "";
  const std::string base =
      fmt::format("sizing-{}-{}-{}", day, time,
                  fmt::format("{:016x}", strategy::fnv1a64(row.options)).substr(0, 8));
  auto tx = store.transaction();
  row.id = base;
  for (int i = 2; !store.insert_run(row); ++i) row.id = fmt::format("{}_{}", base, i);
  tx.commit();
  return row;
}

StoredSizingRun load_sizing_run(data::Store& store, const std::string& id,
                                std::size_t generations) {
  auto row = store.load_run(id);
  if (!row) throw core::Error(fmt::format("no run '{}' in store {}", id, store.path()));
  const auto options = core::parse_json(row->options, fmt::format("run {}: options", id));
  if (!is_sizing(options)) {
    throw core::Error(
        fmt::format("run '{}' is an evolution run, not a portfolio sizing run; continue it with "
                    "'organism evolve --resume {}'",
                    id, id));
  }
  if (row->status == "finished" && generations <= static_cast<std::size_t>(row->generation)) {
    throw core::Error(fmt::format(
        "run '{}' has finished at generation {}; give --generations N above {} to continue it", id,
        row->generation, row->generation));
  }
  StoredSizingRun out{*row, sizing_run_spec_from_json(options, id), std::nullopt};
  if (const auto state = store.load_checkpoint(id)) {
    try {
      out.state = evolve::real_nsga2_state_from_json(
          core::parse_json(*state, fmt::format("run {}: checkpoint", id)));
    } catch (const std::invalid_argument& e) {
      throw core::Error(fmt::format("run '{}': its checkpoint is unreadable: {}", id, e.what()));
    }
  }
  return out;
}

void checkpoint_sizing_run(data::Store& store, data::RunRecord& record,
                           const evolve::RealNsga2State& state, double seconds) {
  record.generation = static_cast<int>(state.generation);
  record.evaluations = static_cast<std::int64_t>(state.evaluations);
  record.seconds = seconds;
  record.status = "running";
  auto tx = store.transaction();
  store.save_checkpoint(record.id, record.generation, evolve::real_nsga2_state_json(state).dump());
  store.save_run(record);
  tx.commit();
}

void mark_sizing_run(data::Store& store, data::RunRecord& record, const std::string& status,
                     const std::string& result) {
  record.status = status;
  record.result = result;
  store.save_run(record);
}

void set_sizing_run_generations(data::Store& store, data::RunRecord& record, SizingRunSpec& spec,
                                std::size_t generations) {
  spec.generations = generations;
  record.options = sizing_run_options_json(spec).dump();
  store.save_run(record);
}

}  // namespace organism::portfolio
