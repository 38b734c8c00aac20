#include "validate/validation.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "core/error.hpp"
#include "validate/correlation_blocks.hpp"
#include "validate/robustness.hpp"

namespace organism::validate {
namespace {

constexpr std::array<evolve::Stage, 3> kStages = {evolve::Stage::InSample, evolve::Stage::OutOfSample,
                                                  evolve::Stage::WalkForward};

// The shortest coin's segment of `stage`: the bars every genome's mean-over-coins series covers.
std::size_t stage_bars(const evolve::Universe& u, evolve::Stage stage) {
  if (u.coins.empty()) return 0;
  std::size_t bars = SIZE_MAX;
  for (const auto& c : u.coins) bars = std::min(bars, evolve::segment_of(c, stage).size());
  return bars;
}

// One genome's per-bar returns on `stage`, the mean over coins (summed in universe order) of
// its first `bars` bars. One genome at a time, so a batch holds its results and no more.
// `each_coin` (optional) also sees every coin's whole segment of returns, before the truncation.
using CoinReturns = std::function<void(std::size_t coin, evolve::Stage stage, std::span<const double> returns)>;

std::vector<double> mean_stage_returns(const evolve::BacktestProblem& evaluator, const strategy::Genome& genome,
                                       evolve::Stage stage, std::size_t bars, const CoinReturns& each_coin = {}) {
  const auto& u = evaluator.universe();
  const double initial = evaluator.base_config().initial_cash;
  std::vector<double> sum(bars, 0.0);
  for (std::size_t c = 0; c < u.coins.size(); ++c) {
    const auto coin = bar_returns(evaluator.backtest(genome, c, stage).equity, initial);
    if (each_coin) each_coin(c, stage, coin);
    for (std::size_t t = 0; t < bars; ++t) sum[t] += coin[t];
  }
  for (double& x : sum) x /= static_cast<double>(u.coins.size());
  return sum;
}

// Out-of-sample then walk-forward, each as mean_stage_returns.
std::vector<double> held_out_of(const evolve::BacktestProblem& evaluator, const strategy::Genome& genome,
                                const CoinReturns& each_coin = {}) {
  const auto& u = evaluator.universe();
  auto out = mean_stage_returns(evaluator, genome, evolve::Stage::OutOfSample,
                                stage_bars(u, evolve::Stage::OutOfSample), each_coin);
  const auto later = mean_stage_returns(evaluator, genome, evolve::Stage::WalkForward,
                                        stage_bars(u, evolve::Stage::WalkForward), each_coin);
  out.insert(out.end(), later.begin(), later.end());
  return out;
}

// f(g) for every genome index, in parallel on the evaluator's threads.
template <class F>
void for_each_genome(const evolve::BacktestProblem& evaluator, std::size_t genomes, const F& f) {
  tbb::task_arena arena(evaluator.threads() > 0 ? evaluator.threads() : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, genomes, 1), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t g = r.begin(); g != r.end(); ++g) f(g);
    });
  });
}

// What validation keeps of a front member's returns: its in-sample and held-out Sharpe samples
// and the held-out block sums the front's clustering correlates, not the series themselves,
// whose memory would grow with the front (bars x members).
struct MemberReturns {
  SharpeSample in_sample;
  SharpeSample held_out;
  std::vector<double> held_out_blocks;
  std::vector<indicators::RegimeStats> regimes;
};

// Every coin's regime per bar, over its whole series (each label uses bars up to its own only).
std::vector<std::vector<indicators::Regime>> coin_regimes(const evolve::Universe& u) {
  std::vector<std::vector<indicators::Regime>> out;
  for (const auto& coin : u.coins) out.push_back(indicators::classify_regimes(coin.bars.view(), coin.sentiment));
  return out;
}

// Held-out returns of several coins and segments pooled for performance_by_regime, which pairs
// returns[i] with regimes[i - 1] and skips i = 0: each segment contributes its bars 1.. with the
// regime of the bar before, so no pair straddles two segments or two coins.
class RegimePool {
 public:
  void add(std::span<const double> returns, std::span<const indicators::Regime> regimes) {
    for (std::size_t i = 1; i < returns.size() && i < regimes.size(); ++i) {
      returns_.push_back(returns[i]);
      decided_.push_back(regimes[i - 1]);
    }
  }
  std::vector<indicators::RegimeStats> stats(double bars_per_year) {
    decided_.push_back({});  // the last return's successor, never read
    return indicators::performance_by_regime(returns_, decided_, bars_per_year);
  }

 private:
  std::vector<double> returns_{0.0};  // index 0: skipped by performance_by_regime
  std::vector<indicators::Regime> decided_;
};

std::vector<MemberReturns> member_returns(const evolve::BacktestProblem& evaluator,
                                          std::span<const strategy::Genome> genomes, const ClusteringOptions& options) {
  const auto& u = evaluator.universe();
  const std::size_t in_sample_bars = stage_bars(u, evolve::Stage::InSample);
  const std::size_t held_out_bars =
      stage_bars(u, evolve::Stage::OutOfSample) + stage_bars(u, evolve::Stage::WalkForward);
  const std::size_t block_bars = correlation_block_bars(held_out_bars, options.max_blocks);
  const auto regimes = coin_regimes(u);
  std::vector<MemberReturns> out(genomes.size());
  for_each_genome(evaluator, genomes.size(), [&](std::size_t g) {
    out[g].in_sample =
        sharpe_sample(mean_stage_returns(evaluator, genomes[g], evolve::Stage::InSample, in_sample_bars));
    RegimePool pool;
    const auto held = held_out_of(evaluator, genomes[g], [&](std::size_t c, evolve::Stage stage, std::span<const double> r) {
      const auto segment = evolve::segment_of(u.coins[c], stage);
      pool.add(r, std::span<const indicators::Regime>(regimes[c]).subspan(segment.begin, segment.size()));
    });
    out[g].held_out = sharpe_sample(held);
    out[g].held_out_blocks = correlation_block_sums(held, block_bars);
    out[g].regimes = pool.stats(u.interval.bars_per_year());
  });
  return out;
}

// Every genome on every stage: result[g][stage].
std::vector<std::array<StageResult, 3>> stage_results(const evolve::BacktestProblem& evaluator,
                                                      std::span<const strategy::Genome> genomes) {
  std::vector<std::array<StageResult, 3>> out(genomes.size());
  for (std::size_t s = 0; s < kStages.size(); ++s) {
    auto metrics = evaluator.evaluate(genomes, kStages[s]);
    for (std::size_t g = 0; g < genomes.size(); ++g) {
      out[g][s].mean = evolve::mean_metrics(metrics[g]);
      out[g][s].per_coin = std::move(metrics[g]);
    }
  }
  return out;
}

double stage_value(const StageResult& stage, const char* metric) { return evolve::value_of(stage.mean, metric); }

double mean_annualized(const StageResult& stage, const evolve::Universe& u, evolve::Stage which) {
  double sum = 0;
  for (std::size_t c = 0; c < stage.per_coin.size(); ++c) {
    sum += annualized_log_return(stage.per_coin[c].total_return,
                                 static_cast<double>(evolve::segment_of(u.coins[c], which).size()),
                                 u.interval.bars_per_year());
  }
  return stage.per_coin.empty() ? 0 : sum / static_cast<double>(stage.per_coin.size());
}

CostStress cost_stress_of(std::array<StageResult, 3> stages, double multiplier) {
  CostStress c;
  c.multiplier = multiplier;
  c.sharpe = c.total_return = INFINITY;
  for (const auto& s : stages) {
    c.sharpe = std::min(c.sharpe, stage_value(s, "sharpe"));
    c.total_return = std::min(c.total_return, stage_value(s, "total_return"));
  }
  c.stages = std::move(stages);
  return c;
}

// Neighbours of every member in one batch (one parallel evaluation); their in-sample mean Sharpe.
std::vector<Robustness> robustness_of(const evolve::BacktestProblem& evaluator, std::span<const evolve::Individual> front,
                                      const std::vector<std::array<StageResult, 3>>& own, double step) {
  std::vector<strategy::Genome> batch;
  std::vector<std::size_t> owner;
  for (std::size_t i = 0; i < front.size(); ++i) {
    for (auto& g : perturbed_neighbours(front[i].genome, step)) {
      batch.push_back(std::move(g));
      owner.push_back(i);
    }
  }
  const auto metrics = evaluator.evaluate(batch, evolve::Stage::InSample);
  std::vector<std::vector<double>> sharpes(front.size());
  for (std::size_t j = 0; j < batch.size(); ++j) {
    sharpes[owner[j]].push_back(evolve::value_of(evolve::mean_metrics(metrics[j]), "sharpe"));
  }
  std::vector<Robustness> out(front.size());
  for (std::size_t i = 0; i < front.size(); ++i) {
    auto& r = out[i];
    r.neighbours = sharpes[i].size();
    r.own_sharpe = stage_value(own[i][0], "sharpe");
    r.neighbour_sharpe_median = median(sharpes[i]);
    r.perturbation_ratio = r.neighbours ? ratio_or_zero(r.neighbour_sharpe_median, r.own_sharpe) : 0;
    for (const auto& m : own[i][1].per_coin) r.coin_sharpes.push_back(m.sharpe);
    r.coin_dispersion = dispersion(r.coin_sharpes);
  }
  return out;
}

// PBO over the run's trials (what the search chose among): the in-sample returns of the trial
// sample, or of the final populations for a run without one. Not over the final populations
// alone when a sample exists: a converged population is many near-equal variants of one rule,
// whose in-sample ranking is a coin flip out of sample however real their shared edge is.
void run_pbo(const std::vector<std::vector<double>>& returns, int blocks, RunValidation& out) {
  out.pbo_strategies = returns.size();
  out.pbo_bars = returns.empty() ? 0 : returns.front().size();
  if (returns.size() < 2) {
    out.pbo_note = "fewer than 2 distinct strategies among the trials";
    return;
  }
  std::vector<std::span<const double>> spans(returns.begin(), returns.end());
  try {
    out.pbo = probability_of_backtest_overfitting(spans, PboOptions{blocks});
  } catch (const core::UsageError& e) {
    out.pbo_note = e.what();  // too few bars for the blocks
  }
}

// First occurrence of each id, in order.
std::vector<strategy::Genome> distinct_genomes(std::span<const evolve::Individual> people) {
  std::vector<strategy::Genome> out;
  std::set<std::string> seen;
  for (const auto& ind : people) {
    if (seen.insert(ind.id).second) out.push_back(ind.genome);
  }
  return out;
}

Deflation deflation(const SharpeSample& sample, const TrialSet& trials) {
  return {sample, trials, deflated_sharpe(sample, trials)};
}

std::vector<std::span<const double>> spans_of(const std::vector<std::vector<double>>& series) {
  return {series.begin(), series.end()};
}

// K and V of the in-sample DSR: the trial sample (or, without one, the final populations)
// backtested in-sample and clustered by the correlation of their returns.
TrialClustering cluster_trials(const std::vector<std::vector<double>>& returns, const TrialSummary& trials,
                               const ClusteringOptions& options) {
  TrialClustering c;
  c.trials = trials.count;
  c.from_sample = trials.sample.has_value();
  if (!c.from_sample) {
    c.note = fmt::format("the checkpoint kept no trial sample (a run from before it existed): the {} distinct genomes "
                         "of the final populations stand for the trials (clusters and PBO)",
                         returns.size());
  }
  c.clustered = returns.size();
  const auto effective = effective_trials(spans_of(returns), options);
  c.clusters = effective.clustering.clusters;
  c.sharpe_variance_per_bar = effective.sharpe_variance_per_bar;
  c.silhouette = effective.clustering.silhouette;
  c.structure = effective.clustering.structure;
  c.block_bars = effective.clustering.block_bars;
  return c;
}

}  // namespace

void check_options(const ValidationOptions& o) {
  if (!(o.cost_multiplier >= 1)) throw core::UsageError("validate.cost_multiplier must be at least 1");
  if (!(o.perturbation_step > 0 && o.perturbation_step < 1)) {
    throw core::UsageError("validate.perturbation_step must be in (0, 1)");
  }
  if (o.pbo_blocks < 2 || o.pbo_blocks % 2 || o.pbo_blocks > kMaxPboBlocks) {
    throw core::UsageError(fmt::format("validate.pbo_blocks must be even, 2..{}", kMaxPboBlocks));
  }
  if (o.walk_forward.folds < 1) throw core::UsageError("validate.wf_folds must be at least 1");
}

std::vector<std::vector<double>> stage_returns(const evolve::BacktestProblem& evaluator,
                                               std::span<const strategy::Genome> genomes, evolve::Stage stage) {
  const std::size_t bars = stage_bars(evaluator.universe(), stage);
  std::vector<std::vector<double>> out(genomes.size());
  for_each_genome(evaluator, genomes.size(),
                  [&](std::size_t g) { out[g] = mean_stage_returns(evaluator, genomes[g], stage, bars); });
  return out;
}

std::vector<std::vector<double>> held_out_returns(const evolve::BacktestProblem& evaluator,
                                                  std::span<const strategy::Genome> genomes) {
  std::vector<std::vector<double>> out(genomes.size());
  for_each_genome(evaluator, genomes.size(), [&](std::size_t g) { out[g] = held_out_of(evaluator, genomes[g]); });
  return out;
}

RunValidation validate_front(const evolve::BacktestProblem& evaluator, std::span<const evolve::Individual> front,
                             std::span<const evolve::Individual> population, const evolve::EvolveOptions& run_options,
                             const TrialSummary& trials, const ValidationOptions& options, const Progress& progress,
                             const std::atomic<bool>* cancel) {
  check_options(options);
  const auto& u = evaluator.universe();
  RunValidation out;
  out.trials = trials;

  std::vector<strategy::Genome> genomes;
  for (const auto& ind : front) genomes.push_back(ind.genome);
  const auto own = stage_results(evaluator, genomes);
  const evolve::BacktestProblem stressed(u, stressed_costs(evaluator.base_config(), options.cost_multiplier),
                                   evaluator.cache(), evaluator.threads(), evaluator.target_volatility());
  auto stress = stage_results(stressed, genomes);
  if (progress) progress(fmt::format("validation: {} front members on 3 stages, costs x{}; perturbing parameters",
                                     front.size(), options.cost_multiplier));
  const auto robust = robustness_of(evaluator, front, own, options.perturbation_step);
  std::vector<RiskHalts> halts(front.size());
  for_each_genome(evaluator, front.size(),
                  [&](std::size_t g) { halts[g] = risk_halts_of(evaluator, genomes[g], options.risk); });
  const auto trial_genomes = trials.sample ? *trials.sample : distinct_genomes(population);
  if (progress) {
    progress(fmt::format("validation: PBO and clusters of {} of {} trials by their in-sample returns",
                         trial_genomes.size(), trials.count));
  }
  {  // the trials' returns (at most kTrialSampleSize series) are freed before the front's are made
    const auto trial_returns = stage_returns(evaluator, trial_genomes, evolve::Stage::InSample);
    run_pbo(trial_returns, options.pbo_blocks, out);
    out.trial_clustering = cluster_trials(trial_returns, trials, options.clustering);
  }
  const TrialSet trial_set{std::max<std::int64_t>(1, static_cast<std::int64_t>(out.trial_clustering.clusters)),
                           out.trial_clustering.sharpe_variance_per_bar};
  auto returns = member_returns(evaluator, genomes, options.clustering);
  std::vector<std::span<const double>> held_out_blocks;
  for (const auto& r : returns) held_out_blocks.emplace_back(r.held_out_blocks);
  const auto front_clusters = cluster_by_correlation(held_out_blocks, options.clustering);
  out.effective_front_members = front_clusters.clusters;
  const auto front_members = std::max<std::int64_t>(1, static_cast<std::int64_t>(out.effective_front_members));
  out.walk_forward = walk_forward_reoptimize(evaluator, run_options, options.walk_forward, progress, cancel);

  for (std::size_t i = 0; i < front.size(); ++i) {
    MemberValidation m;
    m.id = front[i].id;
    m.stages = own[i];
    m.in_sample = deflation(returns[i].in_sample, trial_set);
    const auto& held = returns[i].held_out;
    m.held_out = deflation(held, null_trial_set(front_members, held.bars));
    m.held_out_cluster = i < front_clusters.labels.size() ? front_clusters.labels[i] : 0;
    m.in_sample_annualized = mean_annualized(m.stages[0], u, evolve::Stage::InSample);
    m.walk_forward_annualized = mean_annualized(m.stages[2], u, evolve::Stage::WalkForward);
    m.wf_efficiency = ratio_or_zero(m.walk_forward_annualized, m.in_sample_annualized);
    m.cost_stress = cost_stress_of(std::move(stress[i]), options.cost_multiplier);
    m.robustness = robust[i];
    m.risk_halts = std::move(halts[i]);
    m.regimes = std::move(returns[i].regimes);
    GateInputs in;
    in.sharpe_in_sample = stage_value(m.stages[0], "sharpe");
    in.sharpe_out_of_sample = stage_value(m.stages[1], "sharpe");
    in.sharpe_walk_forward = stage_value(m.stages[2], "sharpe");
    in.max_drawdown = 0;
    for (const auto& s : m.stages) in.max_drawdown = std::max(in.max_drawdown, stage_value(s, "max_drawdown"));
    in.dsr = m.held_out.deflated.dsr;
    if (out.pbo) in.pbo = out.pbo->pbo;
    in.cost_stress_return = m.cost_stress.total_return;
    m.gates = evaluate_gates(in, options.gates);
    m.passed = all_passed(m.gates);
    out.survivors += m.passed ? 1 : 0;
    out.members.push_back(std::move(m));
  }
  return out;
}

}  // namespace organism::validate
