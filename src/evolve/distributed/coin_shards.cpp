#include "evolve/distributed/coin_shards.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/error.hpp"

namespace organism::evolve::distributed {

struct CoinShards::Coin {
  Universe universe;
  BacktestProblem problem;

  Coin(const BacktestProblem& full, std::size_t coin)
      : universe{full.universe().interval, {full.universe().coins.at(coin)},
                 full.universe().embargo},
        problem(universe, full.base_config(), full.cache(), full.threads(),
                full.target_volatility()) {}
};

namespace {

// The coins' evaluators would log their failures each on its own (once per coin and rank):
// silenced while they run, and logged once by log_failures. Nothing else logs during an
// evaluation (the backtests and indicators do not log; only the main thread talks).
class Quiet {
 public:
  Quiet() : logger_(spdlog::default_logger()), level_(logger_->level()) {
    logger_->set_level(spdlog::level::off);
  }
  ~Quiet() { logger_->set_level(level_); }
  Quiet(const Quiet&) = delete;
  Quiet& operator=(const Quiet&) = delete;

 private:
  std::shared_ptr<spdlog::logger> logger_;
  spdlog::level::level_enum level_;
};

}  // namespace

TaskRange task_range(std::size_t tasks, std::size_t ranks, std::size_t rank) {
  return {rank * tasks / ranks, (rank + 1) * tasks / ranks};
}

TaskRange genomes_of(TaskRange range, std::size_t genomes) {
  if (range.size() == 0) return {};
  const std::size_t coin = range.begin / genomes;
  if ((range.end - 1) / genomes != coin) return {0, genomes};
  return {range.begin - coin * genomes, range.end - coin * genomes};
}

CoinShards::CoinShards(const BacktestProblem& full)
    : full_(full), coins_(full.universe().coins.size()) {}

CoinShards::~CoinShards() = default;

const BacktestProblem& CoinShards::coin_problem(std::size_t coin) const {
  // A copy of the coin's series, made once for the run: a rank holds its coins twice (the
  // universe it loaded, and these), the price of evaluating through BacktestProblem unchanged.
  if (!coins_.at(coin)) coins_[coin] = std::make_unique<Coin>(full_, coin);
  return coins_[coin]->problem;
}

std::vector<backtest::Metrics> CoinShards::evaluate(std::span<const strategy::Genome> genomes,
                                                    std::size_t first, std::size_t batch,
                                                    TaskRange range, Stage stage,
                                                    const std::atomic<bool>* cancel) const {
  std::vector<backtest::Metrics> out;
  out.reserve(range.size());
  const Quiet quiet;
  for (std::size_t task = range.begin; task < range.end;) {
    const std::size_t coin = task / batch, begin = task % batch;
    const std::size_t end = std::min(batch, begin + (range.end - task));
    if (begin < first || end > first + genomes.size()) {
      throw core::Error(fmt::format("tasks [{}, {}) need genomes [{}, {}), not [{}, {})",
                                    range.begin, range.end, begin, end, first,
                                    first + genomes.size()));
    }
    for (auto& m : coin_problem(coin).evaluate(genomes.subspan(begin - first, end - begin), stage,
                                               cancel))
      out.push_back(m[0]);
    task += end - begin;
  }
  return out;
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
