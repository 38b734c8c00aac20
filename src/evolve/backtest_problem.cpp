#include "evolve/backtest_problem.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <new>

#include "backtest/scaled_metrics.hpp"
#include "backtest/simulator.hpp"
#include "evolve/genome_config.hpp"
#include "core/error.hpp"
#include "core/json_input.hpp"
#include "indicators/indicator_set.hpp"
#include "strategy/coin_view.hpp"

namespace organism::evolve {
namespace {

// Exposures of the genome on the coin's bars [0, end): everything a decision up to bar end-1 may
// read, and nothing after. Written into `out` (resized to end), a buffer the caller keeps.
void exposures_up_to(const strategy::Genome& genome, const CoinMarket& coin, std::size_t end, core::Interval interval,
                     indicators::IndicatorCache& cache, std::vector<double>& out) {
  auto view = strategy::view_of(coin, interval, end);
  view.cache = &cache;
  view.series_id = indicators::series_id(coin.label, view.bars);
  out.resize(view.bars.size());
  strategy::exposures(genome, view, out);
}

// What one evaluating thread reuses from one backtest to the next, so that a batch allocates
// per thread, not per (genome, coin).
struct Scratch {
  std::vector<double> exposure;
  backtest::BacktestResult result;
};

}  // namespace

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::InSample: return "in_sample";
    case Stage::OutOfSample: return "out_of_sample";
    case Stage::WalkForward: return "walk_forward";
  }
  return "?";
}

const Segment& segment_of(const CoinMarket& coin, Stage stage) {
  switch (stage) {
    case Stage::InSample: return coin.splits.in_sample;
    case Stage::OutOfSample: return coin.splits.out_of_sample;
    case Stage::WalkForward: break;
  }
  return coin.splits.walk_forward;
}

BacktestProblem::BacktestProblem(const Universe& universe, backtest::BacktestConfig base, indicators::IndicatorCache& cache,
                     int threads, double target_volatility)
    : universe_(universe),
      base_(std::move(base)),
      cache_(cache),
      threads_(threads),
      target_volatility_(target_volatility) {
  backtest::check_config(base_);
  if (!(target_volatility >= 0 && std::isfinite(target_volatility))) {
    throw core::UsageError("evolve.target_volatility must be 0 (off) or a positive number");
  }
}

backtest::MetricsOptions BacktestProblem::metrics_options() const {
  backtest::MetricsOptions o;
  o.bars_per_year = universe_.interval.bars_per_year();
  o.initial_equity = base_.initial_cash;
  o.target_volatility = target_volatility_;
  return o;
}

void BacktestProblem::run_segment(const strategy::Genome& genome, std::size_t coin_index, Stage stage,
                            backtest::BacktestResult& out) const {
  std::vector<double> exposure;
  run_segment(genome, coin_index, stage, exposure, out);
}

void BacktestProblem::run_segment(const strategy::Genome& genome, std::size_t coin_index, Stage stage,
                                  std::vector<double>& exposure, backtest::BacktestResult& out) const {
  const CoinMarket& coin = universe_.coins.at(coin_index);
  const Segment& seg = segment_of(coin, stage);
  exposures_up_to(genome, coin, seg.end, universe_.interval, cache_, exposure);
  backtest::BacktestInput input;
  input.bars = coin.bars.view(seg.begin, seg.end);
  input.target = std::span(exposure).subspan(seg.begin, seg.size());
  if (!coin.funding_per_bar.empty()) input.funding = std::span(coin.funding_per_bar).subspan(seg.begin, seg.size());
  auto config = backtest_config(genome, base_);
  if (target_volatility_ > 0) {
    // Scale-free metrics: trade a small fraction of the position, so that compounding inside a
    // trade (a held position's exposure drifts with the price and the equity: a size effect)
    // is negligible, then rescale the curve to the target volatility.
    config.leverage *= kLinearLeverage;
    config.min_trade *= kLinearLeverage;
  }
  backtest::run_backtest(input, config, out);
}

std::vector<double> BacktestProblem::scaled_equity(const backtest::BacktestResult& result) const {
  const auto o = metrics_options();
  if (o.target_volatility <= 0) return result.equity;
  backtest::ScaledCurve scaled;
  return backtest::scale_to_volatility(result.equity, result.exposure, o.initial_equity, o.bars_per_year,
                                       o.target_volatility, scaled) > 0
             ? std::move(scaled.equity)
             : result.equity;
}

std::vector<double> BacktestProblem::exposures(const strategy::Genome& genome, std::size_t coin_index,
                                               Stage stage) const {
  const CoinMarket& coin = universe_.coins.at(coin_index);
  std::vector<double> out;
  exposures_up_to(genome, coin, segment_of(coin, stage).end, universe_.interval, cache_, out);
  return out;
}

backtest::BacktestResult BacktestProblem::backtest(const strategy::Genome& genome, std::size_t coin_index,
                                             Stage stage) const {
  backtest::BacktestResult out;
  run_segment(genome, coin_index, stage, out);
  return out;
}

std::vector<std::vector<backtest::Metrics>> BacktestProblem::evaluate(std::span<const strategy::Genome> genomes,
                                                                      Stage stage,
                                                                      const std::atomic<bool>* cancel) const {
  std::vector<std::string> failures;
  return evaluate(genomes, stage, cancel, failures);
}

std::vector<std::vector<backtest::Metrics>> BacktestProblem::evaluate(std::span<const strategy::Genome> genomes,
                                                                      Stage stage, const std::atomic<bool>* cancel,
                                                                      std::vector<std::string>& failures) const {
  const std::size_t n = genomes.size(), coins = universe_.coins.size();
  std::vector<std::string> errors;
  const auto metrics = evaluate_tasks(genomes, 0, n, 0, n * coins, stage, cancel, errors);
  std::vector<std::vector<backtest::Metrics>> out(n, std::vector<backtest::Metrics>(coins));
  failures.assign(n, std::string());
  for (std::size_t g = 0; g < n; ++g) {
    for (std::size_t c = 0; c < coins; ++c) {
      const std::size_t task = c * n + g;
      out[g][c] = metrics[task];
      if (failures[g].empty() && metrics[task].evaluation_failed) {
        failures[g] = universe_.coins[c].label + ": " + errors[task];
      }
    }
  }
  log_failures(genomes, stage, failures);
  return out;
}

std::vector<backtest::Metrics> BacktestProblem::evaluate_tasks(std::span<const strategy::Genome> genomes,
                                                               std::size_t first, std::size_t batch, std::size_t begin,
                                                               std::size_t end, Stage stage,
                                                               const std::atomic<bool>* cancel,
                                                               std::vector<std::string>& errors) const {
  const std::size_t coins = universe_.coins.size();
  if (begin > end || end > batch * coins) {
    throw core::Error(fmt::format("tasks [{}, {}) are not tasks of a batch of {} genomes on {} coins", begin, end,
                                  batch, coins));
  }
  for (std::size_t task = begin; task < end; ++task) {
    const std::size_t g = task % batch;
    if (g < first || g >= first + genomes.size()) {
      throw core::Error(fmt::format("tasks [{}, {}) read genome {}, not among the genomes [{}, {}) given", begin, end,
                                    g, first, first + genomes.size()));
    }
  }
  // One slot per task, written by the thread that runs it, read after the loop in order.
  std::vector<backtest::Metrics> out(end - begin);
  errors.assign(end - begin, std::string());
  const auto options = metrics_options();
  tbb::enumerable_thread_specific<Scratch> scratch;
  tbb::task_arena arena(threads_ > 0 ? threads_ : tbb::task_arena::automatic);
  arena.execute([&] {
    // One task per (genome, coin): backtests are long enough that grain 1 costs nothing. Tasks
    // run coin by coin, so the indicator columns of one coin are reused by every genome while
    // they are in the cache, instead of every coin's columns competing for it at once; each
    // result lands in its own slot, so the order changes no number.
    tbb::parallel_for(tbb::blocked_range<std::size_t>(begin, end, 1), [&](const tbb::blocked_range<std::size_t>& r) {
      auto& [exposure, result] = scratch.local();
      for (std::size_t task = r.begin(); task != r.end(); ++task) {
        if (cancel && cancel->load(std::memory_order_relaxed)) return;
        const std::size_t c = task / batch, g = task % batch - first, k = task - begin;
        if (segment_of(universe_.coins[c], stage).size() == 0) continue;
        // One genome's failure is that genome's, never the batch's: an exception leaving a task
        // would cancel every other evaluation of the run.
        try {
          run_segment(genomes[g], c, stage, exposure, result);
          out[k] = backtest::compute_metrics(result.equity, result.exposure, result.trades, options);
        } catch (const std::bad_alloc&) {
          throw;
        } catch (const std::exception& e) {
          out[k] = backtest::Metrics{};
          out[k].evaluation_failed = true;
          errors[k] = e.what();
        }
      }
    });
  });
  return out;
}

void BacktestProblem::log_failures(std::span<const strategy::Genome> genomes, Stage stage,
                                   std::span<const std::string> failures) const {
  // Messages differing only in numbers (a trade's index, a bar) are one kind of failure.
  const auto kind = [](const std::string& message) {
    std::string out;
    for (const char c : message) {
      const bool digit = c >= '0' && c <= '9';
      if (!digit) out += c;
      else if (out.empty() || out.back() != '#') out += '#';
    }
    return out;
  };
  const std::lock_guard lock(logged_mutex_);
  for (std::size_t g = 0; g < genomes.size(); ++g) {
    if (failures[g].empty() || !logged_.insert(kind(failures[g])).second) continue;
    spdlog::warn("evaluating {} (family {}) on {} failed, so it is ranked infeasible: {} (later genomes failing "
                 "this way are not logged)",
                 strategy::genome_id(genomes[g]), genomes[g].family, stage_name(stage),
                 core::quoted_text(failures[g], 300));
  }
}

}  // namespace organism::evolve
