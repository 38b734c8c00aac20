// What a new run reads of earlier ones: the warm-start genomes and the graveyard
// (run_service.hpp; the engine's side is evolve/engine.cpp and evolve/graveyard.hpp).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "lifecycle/state.hpp"
#include "runs/run_service.hpp"

namespace organism::runs {
namespace {

// Living states, the best first: a warm start cut to half the population keeps these.
int living_rank(std::string_view state) {
  using lifecycle::State;
  const auto s = lifecycle::parse_state(state);
  if (!s) return -1;
  switch (*s) {
    case State::Production: return 0;
    case State::Decaying: return 1;
    case State::Paper: return 2;
    case State::Validated: return 3;
    default: return -1;
  }
}

// The store's strategies whose (first) run evolved on `interval`; runs that are not
// evolutions (portfolio sizing) have none.
std::vector<data::StrategyRecord> strategies_of_interval(data::Store& store, const std::string& interval) {
  std::map<std::string, bool> run_matches;
  std::vector<data::StrategyRecord> out;
  for (auto& row : store.list_strategies()) {
    auto it = run_matches.find(row.run_id);
    if (it == run_matches.end()) {
      bool match = false;
      if (const auto run = store.load_run(row.run_id); run && !is_portfolio_sizing_run(*run)) {
        match = from_row(*run).universe.market.interval == interval;
      }
      it = run_matches.emplace(row.run_id, match).first;
    }
    if (it->second) out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

std::vector<std::string> RunService::warm_start_genomes(const std::vector<std::string>& spec,
                                                        const std::string& interval) const {
  std::vector<std::string> out;
  if (spec.size() == 1 && spec.front() == "living") {
    auto rows = strategies_of_interval(store_, interval);
    std::erase_if(rows, [](const data::StrategyRecord& r) { return living_rank(r.state) < 0; });
    std::stable_sort(rows.begin(), rows.end(), [](const data::StrategyRecord& a, const data::StrategyRecord& b) {
      const int ra = living_rank(a.state), rb = living_rank(b.state);
      return ra != rb ? ra < rb : a.id < b.id;
    });
    for (const auto& r : rows) out.push_back(r.genome);
    return out;
  }
  for (const auto& id : spec) {
    const auto row = store_.load_strategy(id);
    if (!row) {
      throw core::UsageError(fmt::format("--warm-start: no strategy '{}' in store {} (see 'organism strategy list')",
                                         id, store_.path()));
    }
    out.push_back(row->genome);
  }
  return out;
}

std::vector<std::string> RunService::graveyard_genomes(const std::string& interval) const {
  std::vector<std::string> out;
  for (const auto& r : strategies_of_interval(store_, interval)) {
    if (r.state == lifecycle::to_string(lifecycle::State::Retired)) out.push_back(r.genome);
  }
  return out;
}

void RunService::read_history(RunOptions& options, const std::vector<std::string>& warm_start,
                              const std::string& interval) const {
  auto& o = options.evolve;
  if (!warm_start.empty()) {
    o.warm_start = warm_start_genomes(warm_start, interval);
    const auto room = static_cast<std::size_t>(o.population / 2);
    if (o.warm_start.size() > room) {
      spdlog::info("warm start: {} stored genomes, the first {} kept (at most half the population of {})",
                   o.warm_start.size(), room, o.population);
      o.warm_start.resize(room);
    } else {
      spdlog::info("warm start: {} stored genome(s) open the initial population", o.warm_start.size());
    }
  }
  if (o.graveyard_weight > 0) {
    o.graveyard = graveyard_genomes(interval);
    spdlog::info("graveyard: {} retired genome(s) of interval {}, penalty weight {}", o.graveyard.size(), interval,
                 o.graveyard_weight);
  }
}

}  // namespace organism::runs
