// The run service's store side: finding, creating, checkpointing and revalidating runs, and the
// strategies they save (run_service.hpp; one session's workflow: run_session.cpp).
#include "runs/run_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/json_input.hpp"
#include "lifecycle/lifecycle.hpp"

namespace organism::runs {

std::optional<RunRecord> RunService::load(const std::string& id) const {
  if (auto row = store_.load_run(id)) return from_row(*row);
  return std::nullopt;
}

std::vector<RunRecord> RunService::list() const {
  std::vector<RunRecord> out;
  for (const auto& row : store_.list_runs()) {
    if (!is_portfolio_sizing_run(row)) out.push_back(from_row(row));
  }
  return out;
}

RunRecord RunService::find_resumable(const std::string& id) const {
  if (id.empty() || id == "latest") {
    for (const auto& row : store_.list_runs()) {
      if (is_portfolio_sizing_run(row)) continue;
      if (parse_status(row.status) != RunStatus::Finished) return from_row(row);
    }
    throw core::Error(fmt::format("no unfinished run in store {} to resume", store_.path()));
  }
  auto run = load(id);
  if (!run) throw core::Error(fmt::format("no run '{}' in store {}", id, store_.path()));
  if (run->status == RunStatus::Finished) throw core::Error(fmt::format("run '{}' has finished; nothing to resume", id));
  return *run;
}

RunRecord RunService::find_finished(const std::string& id) const {
  if (id.empty() || id == "latest") {
    for (const auto& row : store_.list_runs()) {
      if (is_portfolio_sizing_run(row)) continue;
      if (parse_status(row.status) == RunStatus::Finished) return from_row(row);
    }
    throw core::Error(fmt::format("no finished run in store {} to validate", store_.path()));
  }
  auto run = load(id);
  if (!run) throw core::Error(fmt::format("no run '{}' in store {}", id, store_.path()));
  if (run->status != RunStatus::Finished) {
    throw core::Error(fmt::format("run '{}' has not finished (status {}); finish it with 'organism evolve --resume {}'",
                                  id, status_name(run->status), id));
  }
  return *run;
}

RunRecord RunService::find_run_or_strategy(const std::string& id, std::string& strategy) const {
  strategy.clear();
  if (auto run = load(id)) return *run;
  if (const auto s = this->strategy(id)) {
    auto run = load(s->run_id);
    if (!run) {
      throw core::Error(fmt::format("strategy '{}' names run '{}', which is not in store {}", id, s->run_id,
                                    store_.path()));
    }
    strategy = id;
    return *run;
  }
  throw core::Error(fmt::format("no run or strategy '{}' in store {} (see 'organism evolve' output for ids)", id,
                                store_.path()));
}

std::optional<StrategyRecord> RunService::strategy(const std::string& id) const {
  for (const auto& row : store_.list_strategies()) {
    if (row.id == id) return from_row(row);
  }
  return std::nullopt;
}

std::vector<StrategyRecord> RunService::strategies(const std::string& run_id) const {
  std::vector<StrategyRecord> out;
  for (const auto& row : store_.list_strategies(run_id)) out.push_back(from_row(row));
  return out;
}

ClaimedRun RunService::create(const RunOptions& options, const UniverseSpec& universe,
                              const std::string& preferred_venue) const {
  ClaimedRun out;
  auto& run = out.record;
  run.universe = universe;
  out.universe = load_universe(run.universe, preferred_venue);
  run.created = clock_.now();
  std::string base = "run_";
  for (char c : core::format_utc(run.created).substr(0, 19)) {
    if (std::isdigit(static_cast<unsigned char>(c))) base += c;  // 20261122041500
  }
  base += fmt::format("_s{}", options.evolve.seed);
  run.options = options;
  run.status = RunStatus::Running;
  // BEGIN IMMEDIATE: one process at a time picks an id; insert_run refuses a taken one anyway.
  auto tx = store_.transaction();
  run.id = base;
  for (int i = 2; !store_.insert_run(to_row(run)); ++i) run.id = fmt::format("{}_{}", base, i);
  out.lock = RunLock::acquire(store_, run.id, run.created);
  tx.commit();
  return out;
}

ClaimedRun RunService::claim_resumable(const std::string& id) const {
  ClaimedRun out;
  auto tx = store_.transaction();
  out.record = find_resumable(id);
  out.lock = RunLock::acquire(store_, out.record.id, clock_.now());
  // A run stopped before its first checkpoint starts again from generation 0.
  if (const auto state = store_.load_checkpoint(out.record.id)) out.checkpoint = core::parse_json(*state, fmt::format("run {}: checkpoint", out.record.id));
  tx.commit();
  return out;
}

evolve::Universe RunService::load_universe(UniverseSpec& spec, const std::string& preferred_venue) const {
  auto universe = evolve::split_market(data::build_market(store_, spec.market, preferred_venue), spec.embargo);
  for (const auto& c : universe.coins) {
    spdlog::info("{}: {} bars; in-sample {}..{}, out-of-sample {}..{}, walk-forward {}..{} (embargo {})", c.label,
                 c.bars.size(), c.splits.in_sample.begin, c.splits.in_sample.end, c.splits.out_of_sample.begin,
                 c.splits.out_of_sample.end, c.splits.walk_forward.begin, c.splits.walk_forward.end, universe.embargo);
  }
  return universe;
}

nlohmann::json RunService::load_checkpoint(const std::string& run_id) const {
  const auto state = store_.load_checkpoint(run_id);
  if (!state) throw core::Error(fmt::format("run '{}' has no checkpoint", run_id));
  return core::parse_json(*state, fmt::format("run {}: checkpoint", run_id));
}

void RunService::checkpoint(const RunRecord& run, const evolve::Engine& engine) const {
  auto tx = store_.transaction();
  store_.save_run(to_row(run));
  store_.save_checkpoint(run.id, engine.generation(), engine.checkpoint().dump());
  tx.commit();
}

void RunService::save(const RunRecord& run) const { store_.save_run(to_row(run)); }

void RunService::record_birth(const std::string& run_id, const std::vector<FrontMember>& members) const {
  const auto now = clock_.now();
  for (const auto& m : members) {
    StrategyRecord s;
    s.id = m.id;
    s.run_id = run_id;
    s.family = m.family;
    s.generation = m.generation;
    s.genome = m.genome;
    s.parents = m.parents;
    s.metrics = m.metrics;
    s.created = s.updated = now;
    lifecycle::birth(store_, to_row(s), now, "found by run " + run_id);
  }
}

void RunService::record_validation(const std::vector<FrontMember>& members) const {
  const auto now = clock_.now();
  for (const auto& m : members) {
    if (!m.validation) continue;
    lifecycle::record_validation(store_, m.id, m.validation->passed, to_json(*m.validation).dump(), now);
  }
}

FinishedRun RunService::revalidate(const std::string& id, const EvaluationSettings& settings,
                                   const validate::ValidationOptions& options, const std::atomic<bool>& cancel,
                                   const Callbacks& callbacks) const {
  RunRecord run;
  RunLock lock;
  {
    auto tx = store_.transaction();
    run = find_finished(id);
    lock = RunLock::acquire(store_, run.id, clock_.now());
    tx.commit();
  }
  auto state = load_checkpoint(run.id);
  Processes processes;
  RunSession session(*this, run, std::move(state), settings, processes, cancel, callbacks);
  session.start();
  const auto& engine = session.engine();
  const auto& costs = run.options.costs;
  spdlog::info("validating run {} ({} generations, {} distinct genomes tried); costs: {}", run.id, engine.generation(),
               engine.trials().count, backtest::describe_costs(costs));

  // The run's front as its distinct members, each keeping what the run recorded of it. A run
  // evolved before ids ignored inactive genes (or before aliases) may lack some representatives:
  // they are recorded and stored now; the aliases it stored stay as they were.
  FinishedRun out;
  out.result = run.result.value_or(RunResult{});
  out.result.run = run.id;
  auto measured = measure_front(engine, session.evaluator());
  std::map<std::string, FrontMember> recorded;
  for (auto& m : out.result.front) recorded.emplace(m.id, std::move(m));
  std::set<std::string> stored;
  for (const auto& row : store_.list_strategies(run.id)) stored.insert(row.id);
  std::vector<FrontMember> missing;
  out.result.front.clear();
  for (auto& m : measured.members) {
    const auto it = recorded.find(m.id);
    auto member = it != recorded.end() ? it->second : m;
    member.aliases = m.aliases;
    if (!stored.contains(m.id)) missing.push_back(m);
    out.result.front.push_back(std::move(member));
  }
  try {
    out.validation = validate_front(engine, measured.individuals, session.evaluator(),
                                    options_for_run(options, run.options.evolve), callbacks.validation, &cancel);
  } catch (const core::Interrupted&) {
    throw core::Interrupted(fmt::format("interrupted: the validation of run {} stopped before it saved anything; "
                                        "the run and its strategies are as they were; validate it again with "
                                        "'organism validate {}'",
                                        run.id, run.id));
  }
  apply_validation(out.result, *out.validation, session.universe());
  auto tx = store_.transaction();
  record_birth(run.id, missing);
  record_validation(out.result.front);
  run.result = out.result;
  save(run);
  tx.commit();
  out.strategies_saved = missing.size();
  return out;
}

}  // namespace organism::runs
