// Master/worker evaluation sharded by coin (evolve/distributed/coin_shards), in one process: the
// task ranges cover every (coin, genome) task once and are balanced within one task, and the
// ranks' metrics put together are the one-process metrics to the bit, with a failure logged once.
// Here (cli_tests) because the distributed library is linked into the CLI only when MPI is found.
#ifdef ORGANISM_HAVE_MPI

#include "evolve/distributed/coin_shards.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <sstream>

#include "core/random.hpp"
#include "evolve/engine_support.hpp"

namespace organism::evolve::distributed {
namespace {

TEST(CoinShards, TaskRangesCoverEveryTaskOnceBalancedWithinOneTask) {
  for (std::size_t tasks : {0u, 1u, 7u, 100u, 101u, 5u * 400u, 5u * 399u}) {
    for (std::size_t ranks = 1; ranks <= 9; ++ranks) {
      std::size_t next = 0, smallest = tasks, largest = 0;
      for (std::size_t r = 0; r < ranks; ++r) {
        const auto range = task_range(tasks, ranks, r);
        EXPECT_EQ(range.begin, next) << tasks << " tasks, rank " << r << " of " << ranks;
        next = range.end;
        smallest = std::min(smallest, range.size());
        largest = std::max(largest, range.size());
      }
      EXPECT_EQ(next, tasks) << tasks << " tasks on " << ranks << " ranks";
      EXPECT_LE(largest - smallest, 1u) << tasks << " tasks on " << ranks << " ranks";
    }
  }
}

TEST(CoinShards, AGenomeRangeIsTheRangesGenomesInsideOneCoinElseAll) {
  EXPECT_EQ(genomes_of({12, 17}, 10).begin, 2u);
  EXPECT_EQ(genomes_of({12, 17}, 10).end, 7u);
  EXPECT_EQ(genomes_of({10, 20}, 10).begin, 0u);
  EXPECT_EQ(genomes_of({10, 20}, 10).end, 10u);
  EXPECT_EQ(genomes_of({18, 21}, 10).size(), 10u);
  EXPECT_EQ(genomes_of({5, 5}, 10).size(), 0u);
}

// Every family, several genomes each; on three coins so that ranges split coins.
std::vector<strategy::Genome> some_genomes(std::size_t n) {
  const auto families = strategy::genome_families();
  std::vector<strategy::Genome> out;
  for (std::size_t i = 0; i < n; ++i) {
    core::Rng rng(25, {i});
    out.push_back(strategy::random_genome(families[i % families.size()], rng));
  }
  return out;
}

// Every metric's bits, in for_each_metric's order, and the failure mark.
std::vector<std::uint64_t> bits(const backtest::Metrics& m) {
  std::vector<std::uint64_t> out;
  backtest::for_each_metric(m, [&](std::string_view, double x) {
    std::uint64_t b = 0;
    std::memcpy(&b, &x, sizeof b);
    out.push_back(b);
  });
  out.push_back(m.evaluation_failed ? 1 : 0);
  return out;
}

void expect_same_bits(const std::vector<std::vector<backtest::Metrics>>& a,
                      const std::vector<std::vector<backtest::Metrics>>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t g = 0; g < a.size(); ++g) {
    ASSERT_EQ(a[g].size(), b[g].size());
    for (std::size_t c = 0; c < a[g].size(); ++c)
      EXPECT_EQ(bits(a[g][c]), bits(b[g][c])) << "genome " << g << " coin " << c;
  }
}

// The ranks' shares evaluated one after another, as R ranks would, then put together.
std::vector<std::vector<backtest::Metrics>> sharded(const BacktestProblem& problem,
                                                    std::span<const strategy::Genome> genomes,
                                                    std::size_t ranks) {
  const std::size_t coins = problem.universe().coins.size();
  std::vector<std::vector<backtest::Metrics>> by_rank;
  for (std::size_t r = 0; r < ranks; ++r) {
    // Each rank its own cache and evaluators, as on its own process.
    indicators::IndicatorCache cache(64u << 20);
    const BacktestProblem local(problem.universe(), problem.base_config(), cache, 1);
    const CoinShards shards(local);
    const auto range = task_range(genomes.size() * coins, ranks, r);
    const auto read = genomes_of(range, genomes.size());
    by_rank.push_back(shards.evaluate(genomes.subspan(read.begin, read.size()), read.begin,
                                      genomes.size(), range, Stage::InSample));
  }
  return CoinShards::assemble(by_rank, genomes.size(), coins);
}

TEST(CoinShards, TheRanksMetricsAreTheOneProcessMetricsToTheBit) {
  auto u = test::small_universe(3000);
  u.coins.push_back(u.coins[0]);  // a third coin
  u.coins.back().label = "synthetic:THIRD:1h";
  indicators::IndicatorCache cache(64u << 20);
  const BacktestProblem problem(u, {}, cache, 2);
  const auto genomes = some_genomes(23);
  const auto one = problem.evaluate(genomes, Stage::InSample);
  for (const std::size_t ranks : {1u, 2u, 3u, 4u, 7u}) {
    SCOPED_TRACE(ranks);
    expect_same_bits(sharded(problem, genomes, ranks), one);
  }
}

// A genome failing on coin 0 is logged once, as in one process, whatever the ranks.
TEST(CoinShards, AFailureIsLoggedOnceByTheWholeUniverseEvaluator) {
  auto u = test::small_universe();
  for (std::size_t t = 600; t < 1600; ++t)
    u.coins[0].funding_per_bar[t] = std::numeric_limits<double>::quiet_NaN();
  const std::vector<strategy::Genome> genomes = {strategy::default_genome("ema_cross"),
                                                 strategy::default_genome("ema_cross")};
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "coin_shards_test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  indicators::IndicatorCache cache(64u << 20);
  const BacktestProblem problem(u, {}, cache, 1);
  const CoinShards shards(problem);
  std::vector<std::vector<backtest::Metrics>> by_rank;
  for (std::size_t r = 0; r < 2; ++r) {
    const auto range = task_range(4, 2, r);
    by_rank.push_back(shards.evaluate(genomes, 0, 2, range, Stage::InSample));
  }
  const auto metrics = CoinShards::assemble(by_rank, 2, 2);
  shards.log_failures(genomes, metrics, Stage::InSample);
  spdlog::set_default_logger(previous);
  EXPECT_TRUE(metrics[0][0].evaluation_failed);
  EXPECT_FALSE(metrics[0][1].evaluation_failed);
  const auto text = log.str();
  const auto first = text.find("failed, so it is ranked infeasible");
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_EQ(text.find("failed, so it is ranked infeasible", first + 1), std::string::npos) << text;
  EXPECT_NE(text.find(u.coins[0].label + ": metrics: "), std::string::npos) << text;
}

}  // namespace
}  // namespace organism::evolve::distributed

#endif
