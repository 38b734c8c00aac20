// The evolution engine: NSGA-II over genomes on K islands (ring migration of the best every M
// generations), fitness from the evaluator, an archive of every non-dominated genome seen, and a
// checkpoint of the whole state after each generation. Randomness is drawn from streams keyed by
// (seed, purpose, generation, island, index), so one seed gives one front whatever the thread
// count, and a resumed run continues bit for bit. An engine may own only some islands (one MPI
// rank's share): migrants and per-generation records then go through an IslandChannel and the
// leader's state equals the one-process engine's. No I/O: the CLI stores checkpoints.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "evolve/backtest_problem.hpp"
#include "evolve/graveyard.hpp"
#include "evolve/individual.hpp"
#include "evolve/island_channel.hpp"
#include "evolve/nsga2.hpp"
#include "evolve/objectives.hpp"
#include "evolve/variation.hpp"
#include "strategy/genome.hpp"

namespace organism::evolve {

struct EvolveOptions {
  std::uint64_t seed = 1;
  int population = 200;  // in all, split evenly over the islands
  int generations = 50;  // after the initial population (generation 0)
  int islands = 1;
  int migration_interval = 5;  // generations between migrations
  int migrants = 2;            // best individuals each island sends to the next on the ring
  // Families searched: empty = default_search_families(); {"all"} = every genome family.
  std::vector<std::string> families;
  std::vector<Objective> objectives = parse_objectives("sharpe,consistency,max_drawdown,turnover");
  Aggregate aggregate = Aggregate::Mean;
  Constraints constraints;
  VariationOptions variation;
  // Every backtest's curve is rescaled to this annualized volatility before its metrics are
  // taken (docs/evolution.md, "Scale-free objectives"): evolution ranks rules, not sizes.
  double target_volatility = kDefaultTargetVolatility;
  // The random genomes of the initial population carry the drawdown-stop genes (dd_stop on in
  // half of them, drawn from a stream of their own), so evolution tunes the breaker; off by
  // default (the genes are then only tuned where a seeded genome carries them).
  bool breaker_genes = false;
  // Warm start (evolve.warm_start): canonical JSON of stored genomes that open the initial
  // population, at most half of it, dealt over the islands in turn; the rest is drawn as usual.
  // Recorded with the run, so a resume rebuilds the same generation 0.
  std::vector<std::string> warm_start;
  // The graveyard (evolve/graveyard.hpp): retired genomes (canonical JSON), read when the run was
  // created, and the weight of the penalty on genomes close to them (0: off).
  std::vector<std::string> graveyard;
  double graveyard_weight = 0;
};

// The ten seed families and rule trees. The machine-learning families (11, 12) are opt-in
// (--families all, or by name): each of their evaluations trains a model every refit_every bars,
// 100-1000x the cost of a rule's, and liblinear fits run one at a time process-wide.
std::vector<std::string> default_search_families();

// Throws core::UsageError naming the bad option (population not divisible into even islands of
// at least 4, unknown family, ...).
void check_options(const EvolveOptions& options);
nlohmann::json to_json(const EvolveOptions& options);
EvolveOptions options_from_json(const nlohmann::json& j);

// 64-bit identity of a genome's rule whatever its generation and its inactive genes (the hash of
// canonical_json(strategy::normalized(genome)) at generation 0): duplicates are evaluated once.
std::uint64_t genome_key(const strategy::Genome& genome);

// The spread of in-sample Sharpe ratios over every distinct genome the run evaluated (Welford's
// running mean and sum of squares, in island then breeding order: the one-process evaluation
// order, kept when the islands run on several MPI ranks): the trial count and variance the
// deflated Sharpe ratio needs. Sharpe here is annualized and averaged over the coins.
struct TrialStats {
  std::int64_t count = 0;
  double mean = 0;
  double m2 = 0;
  void add(double sharpe);
  double variance() const { return count > 1 ? m2 / static_cast<double>(count - 1) : 0.0; }
};

// A bounded sample of the run's distinct trial genomes for the deflated Sharpe's clustering: the
// `capacity` genomes with the smallest genome_key. A function of the set of genomes evaluated,
// so it is the same whatever the evaluation order, thread or rank count, and a uniform sample
// of the trials (the key is a hash). Genomes are kept with generation 0, as genome_key sees them.
inline constexpr std::size_t kTrialSampleSize = 1024;
class TrialSample {
 public:
  explicit TrialSample(std::size_t capacity = kTrialSampleSize) : capacity_(capacity) {}
  void add(std::uint64_t key, const strategy::Genome& genome);
  std::vector<strategy::Genome> genomes() const;  // by key
  std::size_t size() const { return by_key_.size(); }
  std::size_t capacity() const { return capacity_; }
  nlohmann::json to_json() const;
  static TrialSample from_json(const nlohmann::json& j);  // keys recomputed from the genomes

 private:
  std::size_t capacity_;
  std::map<std::uint64_t, strategy::Genome> by_key_;
};

struct GenerationStats {
  int generation = 0;
  std::vector<double> best;  // per objective, in the metric's own sign (max of a maximized one)
  std::size_t front_size = 0;  // archive size
  std::int64_t evaluated = 0;  // new backtested genomes this generation
  std::int64_t reused = 0;     // offspring whose genome had been evaluated before
  std::size_t feasible = 0;    // feasible individuals in the populations
  // Distinct genomes of the run so far whose evaluation failed (ranked infeasible with
  // kFailedEvaluationViolation; the reason is in the log): counted from the memo, so a resumed
  // run counts the same.
  std::int64_t failed = 0;
};

class Engine {
 public:
  Engine(EvolveOptions options, const BatchEvaluator& evaluator);
  // Owns the islands `placement` gives it (throws core::UsageError when there are fewer islands
  // than ranks); the others are reached through `channel`, which must outlive the engine. Only
  // the leader's archive, trial statistics, evaluations and checkpoint are the run's.
  Engine(EvolveOptions options, const BatchEvaluator& evaluator, IslandPlacement placement, IslandChannel& channel);

  // Generation 0 per island: its share of the warm-start genomes, then every chosen family's
  // defaults, then random genomes; evaluated.
  void initialize();
  // One generation on every island, then migration when due. Throws core::Interrupted (state
  // unchanged: the last checkpoint stays valid) when `cancel` is raised during evaluation.
  void step();
  bool done() const { return generation_ >= options_.generations; }
  int generation() const { return generation_; }
  std::int64_t evaluations() const { return evaluations_; }
  // Genomes this process backtested since it started (across ranks a genome met by two ranks is
  // backtested by both; evaluations() counts it once).
  std::int64_t backtested() const { return backtested_; }
  const TrialStats& trials() const { return trials_; }
  // The leader's sample of distinct trial genomes; nullptr when the run was restored from a
  // checkpoint that did not keep one (made before it existed), since the rest would be partial.
  const TrialSample* trial_sample() const { return trial_sample_complete_ ? &trial_sample_ : nullptr; }
  const GenerationStats& last_stats() const { return stats_; }
  void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

  // The archive's members (feasible, non-dominated), or the populations' first front when no
  // genome met the constraints; ordered by id.
  std::vector<Individual> front() const;
  // Every island on the leader; elsewhere the owned ones (others as last restored, or empty).
  const std::vector<std::vector<Individual>>& islands() const { return islands_; }
  const EvolveOptions& options() const { return options_; }
  const IslandPlacement& placement() const { return placement_; }

  nlohmann::json checkpoint() const;
  // Continues from a checkpoint made with the same options.
  void restore(const nlohmann::json& checkpoint);

 private:
  // Fills fitness through the memo (left unchanged); returns the in-sample Sharpe of the genomes
  // backtested now, by key.
  std::map<std::uint64_t, double> evaluate(std::vector<Individual>& batch);
  void evaluate_owned(IslandMap& offspring, GenerationRecord& record);
  // Memo, trial statistics and evaluation count (globally new genomes, in island then breeding
  // order), the archive and the statistics: from the record merged over every process.
  void absorb(GenerationRecord record);
  void update_archive(const std::vector<Individual>& candidates);
  void migrate();
  void compute_stats(std::int64_t evaluated, std::int64_t reused);

  EvolveOptions options_;
  const BatchEvaluator& evaluator_;
  IslandPlacement placement_;
  IslandChannel* channel_ = nullptr;
  std::vector<std::string> families_;
  std::vector<strategy::Genome> warm_start_;
  Graveyard graveyard_;
  std::vector<std::vector<Individual>> islands_;
  std::vector<Individual> archive_;
  std::map<std::uint64_t, Fitness> memo_;
  int generation_ = -1;
  std::int64_t evaluations_ = 0;
  std::int64_t backtested_ = 0;
  TrialStats trials_;
  TrialSample trial_sample_;
  bool trial_sample_complete_ = true;
  GenerationStats stats_;
  const std::atomic<bool>* cancel_ = nullptr;
};

}  // namespace organism::evolve
