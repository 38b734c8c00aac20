// One session of a run: start, step, checkpoint, cancel, finish (run_service.hpp).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <ctime>

#include "core/error.hpp"
#include "runs/run_service.hpp"

namespace organism::runs {

bool Processes::serve(const evolve::BacktestProblem&) { return false; }

evolve::Engine& Processes::engine(const evolve::EvolveOptions& options, const evolve::BacktestProblem& evaluator) {
  if (!engine_) engine_ = std::make_unique<evolve::Engine>(options, evaluator);
  return *engine_;
}

void Processes::checkpointed(const std::string&, int) {}

namespace {

// The leader's record and checkpoint on every process (the others did not read the store).
void share(Processes& processes, RunRecord& run, std::optional<nlohmann::json>& checkpoint) {
  if (processes.size() <= 1) return;
  const auto shared = processes.share(nlohmann::json{{"run", nlohmann::json::parse(to_json(run).dump())},
                                                     {"checkpoint", checkpoint.value_or(nlohmann::json())}});
  run = run_record_from_json(nlohmann::ordered_json::parse(shared.at("run").dump()));
  checkpoint.reset();
  if (!shared.at("checkpoint").is_null()) checkpoint = shared.at("checkpoint");
}

}  // namespace

RunSession::RunSession(const RunService& service, RunRecord run, std::optional<nlohmann::json> checkpoint,
                       const EvaluationSettings& settings, Processes& processes, const std::atomic<bool>& cancel,
                       Callbacks callbacks, std::optional<evolve::Universe> universe)
    : service_(service),
      run_(std::move(run)),
      checkpoint_(std::move(checkpoint)),
      processes_(processes),
      cancel_(cancel),
      callbacks_(std::move(callbacks)),
      cache_(settings.cache_bytes) {
  share(processes_, run_, checkpoint_);
  universe_ = universe ? std::move(*universe) : service_.load_universe(run_.universe, settings.preferred_venue);
  const auto& options = run_.options;
  evaluator_ = std::make_unique<evolve::BacktestProblem>(universe_, options.costs, cache_, settings.threads,
                                                   options.evolve.target_volatility);
  served_ = processes_.serve(*evaluator_);
  if (served_) return;
  engine_ = &processes_.engine(options.evolve, *evaluator_);
  engine_->set_cancel(&cancel_);
  started_ = service_.clock().now();
  seconds_before_ = run_.progress.seconds;
}

double RunSession::seconds() const {
  return seconds_before_ + static_cast<double>(service_.clock().now() - started_) / 1000.0;
}

bool RunSession::out_of_time(double budget_seconds) {
  if (!(budget_seconds > 0)) return false;
  const double spent = seconds() - seconds_before_;
  const bool over = processes_.share(nlohmann::json(spent > budget_seconds)).get<bool>();
  if (over && processes_.leader()) {
    spdlog::info("run {}: time budget of {}s spent ({:.1f}s in this process) after generation {} of {}: "
                 "evolution stops here and the run finishes with the generations reached",
                 run_.id, budget_seconds, spent, engine_->generation(), run_.options.evolve.generations);
  }
  return over;
}

std::optional<FinishedRun> RunSession::run_to_end(double budget_seconds,
                                                  const std::optional<validate::ValidationOptions>& validation) {
  start();
  while (!done() && !out_of_time(budget_seconds)) step();
  return finish(validation);
}

void RunSession::interrupted() {
  run_.status = RunStatus::Interrupted;
  run_.progress.seconds = seconds();
  if (processes_.leader()) service_.save(run_);
  throw core::Interrupted(fmt::format("interrupted: run {} is saved after generation {}; continue it with "
                                      "'organism evolve --resume {}'",
                                      run_.id, engine_->generation(), run_.id));
}

void RunSession::start() {
  try {
    if (checkpoint_) {
      engine_->restore(*checkpoint_);
      first_generation_ = engine_->generation();
      return;
    }
    const auto& o = run_.options.evolve;
    spdlog::info("run {}: population {} on {} island(s), {} generations, seed {}; costs: {}", run_.id, o.population,
                 o.islands, o.generations, o.seed, backtest::describe_costs(run_.options.costs));
    engine_->initialize();
  } catch (const core::Interrupted&) {
    interrupted();
  }
  run_.status = RunStatus::Running;
  run_.progress = {engine_->generation(), engine_->evaluations(), seconds()};
  if (processes_.leader()) service_.checkpoint(run_, *engine_);
  processes_.checkpointed(run_.id, engine_->generation());
  if (processes_.leader() && callbacks_.generation) {
    callbacks_.generation({engine_->last_stats(), engine_->options(), seconds(), seconds()});
  }
}

void RunSession::step() {
  const double t0 = seconds();
  const auto cpu0 = std::clock();
  try {
    engine_->step();
  } catch (const core::Interrupted&) {
    interrupted();
  }
  const double t1 = seconds();
  run_.status = RunStatus::Running;
  run_.progress = {engine_->generation(), engine_->evaluations(), seconds()};
  if (processes_.leader()) service_.checkpoint(run_, *engine_);
  processes_.checkpointed(run_.id, engine_->generation());
  step_seconds_ += seconds() - t0;
  save_seconds_ += seconds() - t1;
  step_cpu_ += static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  ++steps_;
  if (processes_.leader() && callbacks_.generation) {
    const double per_generation =
        (seconds() - seconds_before_) / std::max(1, engine_->generation() - first_generation_);
    callbacks_.generation({engine_->last_stats(), engine_->options(), seconds() - t0, per_generation});
  }
  if (cancel_.load()) interrupted();
}

std::optional<FinishedRun> RunSession::finish(const std::optional<validate::ValidationOptions>& validation) {
  if (steps_ > 0) {
    spdlog::info("{} generations stepped in {:.3f}s: {:.3f}s per generation ({:.3f}s of it the checkpoint); "
                 "{:.3f}s CPU per generation in this process",
                 steps_, step_seconds_, step_seconds_ / steps_, save_seconds_ / steps_, step_cpu_ / steps_);
  }
  // What --cache-mb bounds, for scripts/bench-scale and the memory formula of docs/evolution.md.
  const auto cache = cache_.stats();
  spdlog::info("indicator cache: high-water {} of {} bytes; {} entries, {} hits, {} misses, {} evictions",
               cache.high_water, cache.capacity, cache.entries, cache.hits, cache.misses, cache.evictions);
  processes_.finish();
  if (!processes_.leader()) return std::nullopt;

  const auto& options = run_.options.evolve;
  FinishedRun out;
  auto& r = out.result;
  auto measured = measure_front(*engine_, *evaluator_);
  r.run = run_.id;
  r.seed = options.seed;
  r.evaluations = engine_->evaluations();
  r.seconds = seconds();
  r.generations = engine_->generation();
  r.population = options.population;
  r.islands = options.islands;
  for (const auto& o : options.objectives) r.objectives.push_back(o.metric);
  r.universe = run_.universe;
  r.costs = run_.options.costs;
  r.front = measured.members;
  if (validation) {  // docs/validation.md
    try {
      out.validation = validate_front(*engine_, measured.individuals, *evaluator_,
                                      options_for_run(*validation, options), callbacks_.validation, &cancel_);
    } catch (const core::Interrupted&) {
      interrupted();  // the last checkpoint holds the final generation: a resume validates again
    }
    apply_validation(r, *out.validation, universe_);
  }
  auto tx = service_.store().transaction();
  service_.record_birth(run_.id, r.front);
  service_.record_validation(r.front);
  run_.status = RunStatus::Finished;
  run_.progress = {engine_->generation(), engine_->evaluations(), seconds()};
  run_.result = r;
  service_.save(run_);
  tx.commit();
  out.strategies_saved = r.front.size();
  return out;
}

}  // namespace organism::runs
