// The run service: every workflow on an evolution run — create, resume, step a generation,
// checkpoint, cancel, finish, validate again — over the store, with the clock and the cancellation
// token passed in and progress reported through callbacks (nothing printed). The CLI (evolve,
// validate, report), and later the lifecycle daemon and the HTTP API, drive runs through it.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "data/store.hpp"
#include "evolve/engine.hpp"
#include "evolve/backtest_problem.hpp"
#include "indicators/cache.hpp"
#include "runs/front.hpp"
#include "runs/records.hpp"
#include "runs/run_lock.hpp"

namespace organism::runs {

// How a session evaluates: not part of the run (a resumed run may use other values).
struct EvaluationSettings {
  std::size_t cache_bytes = std::size_t{2048} << 20;
  int threads = 0;                  // 0: all cores
  std::string preferred_venue;      // data.venue: for a coin stored on several venues
};

// The processes that step one run: this one alone by default. An MPI job (cli/evolve_distributed)
// overrides these so that rank 0's decisions reach every rank and the engine spans the ranks.
class Processes {
 public:
  virtual ~Processes() = default;
  virtual bool leader() const { return true; }  // the process that reads and writes the store
  virtual int size() const { return 1; }
  // The leader's value, on every process.
  virtual nlohmann::json share(const nlohmann::json& value) const { return value; }
  // A worker process backtests for the leader until the run ends, then returns true.
  virtual bool serve(const evolve::BacktestProblem& evaluator);
  // The engine this process steps; lives as long as this object.
  virtual evolve::Engine& engine(const evolve::EvolveOptions& options, const evolve::BacktestProblem& evaluator);
  // After each checkpoint (leader): the generation a lost job can resume from.
  virtual void checkpointed(const std::string& run_id, int generation);
  // After the last generation, on every process.
  virtual void finish() {}

 private:
  std::unique_ptr<evolve::Engine> engine_;
};

// A generation as it is reported: the engine's statistics with the session's timing.
struct GenerationReport {
  const evolve::GenerationStats& stats;
  const evolve::EvolveOptions& options;
  double seconds_this_generation = 0;
  double seconds_per_generation = 0;  // mean over this session's generations, for the estimate
};

struct Callbacks {
  std::function<void(const GenerationReport&)> generation;  // the leader, after each checkpoint
  std::function<void(const std::string&)> validation;       // the validation pipeline's progress lines
};

// What finishing (or validating again) gives: the result stored with the run, and the validation
// layer's own result when the front was validated (for the summary of the gates).
struct FinishedRun {
  RunResult result;
  std::optional<ValidationOutcome> validation;
  std::size_t strategies_saved = 0;
};

// A run this process is about to execute: its record, its checkpoint (none for a new run, or for
// one stopped before its first), and the lock that keeps other processes off it while held.
struct ClaimedRun {
  RunRecord record;
  std::optional<nlohmann::json> checkpoint;
  RunLock lock;
  std::optional<evolve::Universe> universe;  // a new run's, built before it was stored
};

class RunService {
 public:
  RunService(data::Store& store, const core::Clock& clock) : store_(store), clock_(clock) {}

  data::Store& store() const { return store_; }
  const core::Clock& clock() const { return clock_; }

  std::optional<RunRecord> load(const std::string& id) const;
  std::vector<RunRecord> list() const;  // newest first
  // `id` or, when empty or "latest", the newest run that has not finished / has finished.
  // core::Error naming the store when there is none or it is in the wrong state.
  RunRecord find_resumable(const std::string& id) const;
  RunRecord find_finished(const std::string& id) const;
  // The run, or the run of the strategy with this id (then `strategy` is set).
  RunRecord find_run_or_strategy(const std::string& id, std::string& strategy) const;
  std::optional<StrategyRecord> strategy(const std::string& id) const;
  std::vector<StrategyRecord> strategies(const std::string& run_id) const;

  // A new run: a fresh id "run_YYYYMMDDhhmmss_sSEED" (suffixed _2, _3, ... if taken), created
  // now, status running, inserted and locked in one write transaction, so that processes started
  // together with one seed get distinct runs (the runs table's key is the final judge). Its
  // universe is built first (venues resolved, split checked), so a universe that is refused
  // leaves no run behind; it is returned for the session.
  ClaimedRun create(const RunOptions& options, const UniverseSpec& universe,
                    const std::string& preferred_venue = "") const;
  // find_resumable(id) with its checkpoint, locked in one transaction; core::Error naming the
  // process when another live one executes it.
  ClaimedRun claim_resumable(const std::string& id) const;
  // What a new run takes from earlier ones (run_seeds.cpp), as canonical genome JSON.
  // The genomes of `spec`: {"living"} = the validated, paper, production and decaying strategies
  // whose run evolved on `interval`, production first, then decaying, paper, validated, each by
  // id; otherwise strategy ids in the order given (core::UsageError naming an unknown one).
  std::vector<std::string> warm_start_genomes(const std::vector<std::string>& spec, const std::string& interval) const;
  // The retired strategies of runs on `interval`, by id: the graveyard.
  std::vector<std::string> graveyard_genomes(const std::string& interval) const;
  // Fills a new run's warm start (from `warm_start`, cut to half the population, the best
  // first) and, when its graveyard_weight is above 0, its graveyard, each said in a log line.
  // Recorded in the run's options, so a resume starts from the same genomes.
  void read_history(RunOptions& options, const std::vector<std::string>& warm_start, const std::string& interval) const;

  // The universe a run evolves on: its market built from the store, split with its embargo. The
  // venues chosen are written back into `spec`.
  evolve::Universe load_universe(UniverseSpec& spec, const std::string& preferred_venue) const;
  // The engine state of a run's latest checkpoint; core::Error when it has none.
  nlohmann::json load_checkpoint(const std::string& run_id) const;

  // The record (status, progress) and the engine's checkpoint, in one transaction.
  void checkpoint(const RunRecord& run, const evolve::Engine& engine) const;
  void save(const RunRecord& run) const;

  // The front's members saved as strategies born in state `testing`, and each validated member's
  // state and evidence. Both go through these two functions only, so the lifecycle's transitions
  // can take them over. Call inside the transaction that saves the run.
  void record_birth(const std::string& run_id, const std::vector<FrontMember>& members) const;
  void record_validation(const std::vector<FrontMember>& members) const;

  // `organism validate`: the finished run's front validated again from its stored universe,
  // options and final checkpoint with `options` (capped to the run by options_for_run); the
  // strategies' states and the run's result are updated in one transaction. The run is locked
  // meanwhile. When `cancel` is raised it stops at its next safe point with nothing written
  // (core::Interrupted saying how to validate again).
  FinishedRun revalidate(const std::string& id, const EvaluationSettings& settings,
                         const validate::ValidationOptions& options, const std::atomic<bool>& cancel,
                         const Callbacks& callbacks = {}) const;

 private:
  data::Store& store_;
  const core::Clock& clock_;
};

// One session of a run, created or resumed: its universe, evaluator and engine. Steps a generation
// at a time, each checkpointed; cancellation (the token, e.g. set by Ctrl-C) stops it at the next
// backtest with the run saved as interrupted. Not copyable: the evaluator holds the universe.
class RunSession {
 public:
  // A new run (`checkpoint` empty) or a resumed one (`run` as stored, with its checkpoint). Under
  // several processes the leader's record and checkpoint are shared first. `universe`: the run's
  // universe when the caller has it (ClaimedRun of create), else it is built from the store.
  RunSession(const RunService& service, RunRecord run, std::optional<nlohmann::json> checkpoint,
             const EvaluationSettings& settings, Processes& processes, const std::atomic<bool>& cancel,
             Callbacks callbacks = {}, std::optional<evolve::Universe> universe = std::nullopt);
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;

  // A worker process served the run's backtests to its end: it has nothing else to do.
  bool served() const { return served_; }
  const RunRecord& record() const { return run_; }
  const evolve::Universe& universe() const { return universe_; }
  const evolve::BacktestProblem& evaluator() const { return *evaluator_; }
  const evolve::Engine& engine() const { return *engine_; }

  // Generation 0 of a new run, or the checkpoint of a resumed one; checkpointed.
  void start();
  bool done() const { return engine_->done(); }
  // One generation, checkpointed. core::Interrupted (the run saved as interrupted, with the
  // command that continues it) when the token was set.
  void step();
  // Every process after the last generation; the leader then measures and (when `validation` is
  // given) validates the front, and stores the result, the strategies and their states in one
  // transaction. nullopt on the other processes. Cancelled during validation: core::Interrupted,
  // the run saved as interrupted after its last generation (a resume validates it again).
  std::optional<FinishedRun> finish(const std::optional<validate::ValidationOptions>& validation);

  double seconds() const;  // spent on the run over all its sessions
  // Whether this session has run longer than `budget_seconds` (0: never), as the leader's clock
  // says (the decision is shared, so every process stops after the same generation); said in a
  // log line when it has. Checked after a generation: the run then finishes with what it has.
  bool out_of_time(double budget_seconds);
  // The whole session: start(), step() until the last generation or until `budget_seconds` (0:
  // none) have passed, then finish(validation). What `organism evolve` and the Python module's
  // evolve() run.
  std::optional<FinishedRun> run_to_end(double budget_seconds, const std::optional<validate::ValidationOptions>& validation);

 private:
  [[noreturn]] void interrupted();

  const RunService& service_;
  RunRecord run_;
  std::optional<nlohmann::json> checkpoint_;
  Processes& processes_;
  const std::atomic<bool>& cancel_;
  Callbacks callbacks_;
  evolve::Universe universe_;
  indicators::IndicatorCache cache_;
  std::unique_ptr<evolve::BacktestProblem> evaluator_;
  evolve::Engine* engine_ = nullptr;
  bool served_ = false;
  core::TimeMs started_ = 0;
  double seconds_before_ = 0;
  int first_generation_ = 0;  // of this session
  double step_seconds_ = 0, save_seconds_ = 0, step_cpu_ = 0;
  int steps_ = 0;
};

}  // namespace organism::runs
