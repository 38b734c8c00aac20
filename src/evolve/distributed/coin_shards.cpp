#include "evolve/distributed/coin_shards.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"

namespace organism::evolve::distributed {

TaskRange task_range(std::size_t tasks, std::size_t ranks, std::size_t rank) {
  return {rank * tasks / ranks, (rank + 1) * tasks / ranks};
}

TaskRange genomes_of(TaskRange range, std::size_t genomes) {
  if (range.size() == 0) return {};
  const std::size_t coin = range.begin / genomes;
  if ((range.end - 1) / genomes != coin) return {0, genomes};
  return {range.begin - coin * genomes, range.end - coin * genomes};
}

CoinShards::CoinShards(const BacktestProblem& full) : full_(full) {}

std::vector<backtest::Metrics> CoinShards::evaluate(std::span<const strategy::Genome> genomes,
                                                    std::size_t first, std::size_t batch,
                                                    TaskRange range, Stage stage,
                                                    const std::atomic<bool>* cancel) const {
  std::vector<std::string> errors;  // reported by log_failures on rank 0, not here
  return full_.evaluate_tasks(genomes, first, batch, range.begin, range.end, stage, cancel, errors);
}

std::vector<std::vector<backtest::Metrics>> CoinShards::assemble(
    const std::vector<std::vector<backtest::Metrics>>& by_rank, std::size_t genomes,
    std::size_t coins) {
  std::vector<std::vector<backtest::Metrics>> out(genomes, std::vector<backtest::Metrics>(coins));
  for (std::size_t r = 0; r < by_rank.size(); ++r) {
    const auto range = task_range(genomes * coins, by_rank.size(), r);
    if (by_rank[r].size() != range.size()) {
      throw core::Error(fmt::format("rank {} returned {} results for {} tasks", r,
                                    by_rank[r].size(), range.size()));
    }
    for (std::size_t task = range.begin; task < range.end; ++task)
      out[task % genomes][task / genomes] = by_rank[r][task - range.begin];
  }
  return out;
}

void CoinShards::log_failures(std::span<const strategy::Genome> genomes,
                              const std::vector<std::vector<backtest::Metrics>>& metrics,
                              Stage stage) const {
  std::vector<strategy::Genome> failed;
  for (std::size_t g = 0; g < genomes.size(); ++g) {
    if (std::any_of(metrics[g].begin(), metrics[g].end(),
                    [](const backtest::Metrics& m) { return m.evaluation_failed; }))
      failed.push_back(genomes[g]);
  }
  if (!failed.empty()) full_.evaluate(failed, stage);
}

}  // namespace organism::evolve::distributed
