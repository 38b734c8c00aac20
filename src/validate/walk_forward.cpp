#include "validate/walk_forward.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "validate/robustness.hpp"

namespace organism::validate {
namespace {

// The fold's universe: the run's bars with the training window as in-sample and the fold as
// out-of-sample (nothing after the fold is ever read: exposures stop at a segment's end).
evolve::Universe fold_universe(const evolve::Universe& universe, std::size_t fold, int folds) {
  evolve::Universe out = universe;
  for (auto& coin : out.coins) {
    const auto seg = fold_segments(coin.splits.walk_forward, folds)[fold];
    coin.splits.in_sample = training_window(seg, coin.splits.in_sample.size(), universe.embargo);
    coin.splits.out_of_sample = seg;
    coin.splits.walk_forward = {seg.end, seg.end};
  }
  return out;
}

// The front member with the best in-sample Sharpe (mean over coins); the first on a tie (the
// front is ordered by id).
const evolve::Individual& best_in_sample(const std::vector<evolve::Individual>& front,
                                         const evolve::BacktestProblem& evaluator) {
  std::vector<strategy::Genome> genomes;
  for (const auto& ind : front) genomes.push_back(ind.genome);
  const auto metrics = evaluator.evaluate(genomes, evolve::Stage::InSample);
  std::size_t best = 0;
  double best_sharpe = -INFINITY;
  for (std::size_t i = 0; i < front.size(); ++i) {
    const double s = evolve::value_of(evolve::mean_metrics(metrics[i]), "sharpe");
    if (s > best_sharpe) {
      best_sharpe = s;
      best = i;
    }
  }
  return front[best];
}

double mean_annualized(const std::vector<backtest::Metrics>& per_coin, const evolve::Universe& u, evolve::Stage stage) {
  double sum = 0;
  for (std::size_t c = 0; c < per_coin.size(); ++c) {
    const double bars = static_cast<double>(evolve::segment_of(u.coins[c], stage).size());
    sum += annualized_log_return(per_coin[c].total_return, bars, u.interval.bars_per_year());
  }
  return per_coin.empty() ? 0 : sum / static_cast<double>(per_coin.size());
}

std::int64_t time_at(const evolve::CoinMarket& coin, std::size_t bar) {
  const auto t = coin.bars.time();
  return t.empty() ? 0 : t[std::min(bar, t.size() - 1)];
}

}  // namespace

std::vector<evolve::Segment> fold_segments(const evolve::Segment& segment, int folds) {
  if (folds < 1) throw core::UsageError("validate.wf_folds must be at least 1");
  std::vector<evolve::Segment> out;
  const std::size_t n = segment.size(), k = static_cast<std::size_t>(folds);
  for (std::size_t i = 0; i < k; ++i) out.push_back({segment.begin + i * n / k, segment.begin + (i + 1) * n / k});
  return out;
}

evolve::Segment training_window(const evolve::Segment& fold, std::size_t length, std::size_t embargo) {
  const std::size_t end = fold.begin > embargo ? fold.begin - embargo : 0;
  return {end > length ? end - length : 0, end};
}

std::vector<double> bar_returns(std::span<const double> equity, double initial) {
  std::vector<double> out(equity.size());
  double prev = initial;
  for (std::size_t t = 0; t < equity.size(); ++t) {
    out[t] = prev > 0 ? equity[t] / prev - 1 : 0;
    prev = equity[t];
  }
  return out;
}

WalkForwardResult walk_forward_reoptimize(const evolve::BacktestProblem& evaluator, const evolve::EvolveOptions& base,
                                          const WalkForwardOptions& options,
                                          const std::function<void(const std::string&)>& progress,
                                          const std::atomic<bool>* cancel) {
  evolve::EvolveOptions o = base;
  o.population = options.population;
  o.generations = options.generations;
  o.islands = 1;
  // Each fold is a fresh search on its own past: genomes the run found on the whole in-sample
  // span (or that lived after it) would carry the fold's future into it.
  o.warm_start.clear();
  evolve::check_options(o);
  const auto& universe = evaluator.universe();
  const double initial = evaluator.base_config().initial_cash;
  WalkForwardResult out;
  out.stitched_equity.push_back(1.0);
  for (std::size_t f = 0; f < static_cast<std::size_t>(options.folds); ++f) {
    const auto fu = fold_universe(universe, f, options.folds);
    const evolve::BacktestProblem fe(fu, evaluator.base_config(), evaluator.cache(), evaluator.threads(),
                               evaluator.target_volatility());
    o.seed = base.seed ^ (0x9E3779B97F4A7C15ULL * (f + 1));
    evolve::Engine engine(o, fe);
    engine.set_cancel(cancel);
    engine.initialize();
    while (!engine.done()) engine.step();
    out.evaluations += engine.evaluations();
    const auto front = engine.front();
    const auto& chosen = best_in_sample(front, fe);

    FoldResult r;
    r.chosen_id = chosen.id;
    r.chosen = chosen.genome;
    const auto& c0 = fu.coins.front();
    r.begin_time = time_at(c0, c0.splits.out_of_sample.begin);
    r.end_time = time_at(c0, c0.splits.out_of_sample.end - 1);
    r.train_begin_time = time_at(c0, c0.splits.in_sample.begin);
    r.train_end_time = time_at(c0, c0.splits.in_sample.end - 1);
    const std::vector<strategy::Genome> one{chosen.genome};
    const auto train = fe.evaluate(one, evolve::Stage::InSample)[0];
    const auto fold = fe.evaluate(one, evolve::Stage::OutOfSample)[0];
    r.train_metrics = evolve::mean_metrics(train);
    r.fold_metrics = evolve::mean_metrics(fold);
    r.train_annualized = mean_annualized(train, fu, evolve::Stage::InSample);
    r.fold_annualized = mean_annualized(fold, fu, evolve::Stage::OutOfSample);

    std::vector<std::vector<double>> per_coin;
    std::size_t bars = SIZE_MAX;
    for (std::size_t c = 0; c < fu.coins.size(); ++c) {
      // At the run's target volatility, as the in-sample figures it is compared with.
      per_coin.push_back(bar_returns(fe.scaled_equity(fe.backtest(chosen.genome, c, evolve::Stage::OutOfSample)), initial));
      bars = std::min(bars, per_coin.back().size());
    }
    r.bars = per_coin.empty() ? 0 : bars;
    for (std::size_t t = 0; t < r.bars; ++t) {
      double sum = 0;
      for (const auto& rc : per_coin) sum += rc[t];
      const double ret = sum / static_cast<double>(per_coin.size());
      out.stitched_returns.push_back(ret);
      out.stitched_equity.push_back(out.stitched_equity.back() * (1 + ret));
    }
    out.in_sample_annualized += r.train_annualized / options.folds;
    if (progress) {
      progress(fmt::format("walk-forward fold {}/{}: {} chosen (train Sharpe {:.2f}), fold Sharpe {:.2f}", f + 1,
                           options.folds, r.chosen_id, evolve::value_of(r.train_metrics, "sharpe"),
                           evolve::value_of(r.fold_metrics, "sharpe")));
    }
    out.folds.push_back(std::move(r));
  }
  out.stitched_annualized = annualized_log_return(out.stitched_equity.back() - 1,
                                                  static_cast<double>(out.stitched_returns.size()),
                                                  universe.interval.bars_per_year());
  out.efficiency = ratio_or_zero(out.stitched_annualized, out.in_sample_annualized);
  return out;
}

}  // namespace organism::validate
