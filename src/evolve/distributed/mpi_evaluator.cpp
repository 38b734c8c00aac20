#include "evolve/distributed/mpi_evaluator.hpp"

#include <fmt/format.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "core/error.hpp"

namespace organism::evolve::distributed {
namespace {

using nlohmann::json;

// Metrics travel as their bytes: every rank runs the same binary on the same architecture.
static_assert(std::is_trivially_copyable_v<backtest::Metrics>);

// A rank's share, MessagePack: {"stop": bool, "stage": int, "batch": G, "tasks": [begin, end],
// "first": index of the first genome sent, "genomes": [canonical JSON text, ...]}.
std::string share_message(std::span<const strategy::Genome> genomes, std::size_t first,
                          std::size_t batch, TaskRange tasks, Stage stage, bool stop) {
  json list = json::array();
  for (const auto& g : genomes) list.push_back(strategy::canonical_json(g));
  const auto bytes = json::to_msgpack(json{{"stop", stop},
                                           {"stage", static_cast<int>(stage)},
                                           {"batch", batch},
                                           {"tasks", {tasks.begin, tasks.end}},
                                           {"first", first},
                                           {"genomes", list}});
  return {bytes.begin(), bytes.end()};
}

std::vector<backtest::Metrics> metrics_from(const std::string& bytes) {
  if (bytes.size() % sizeof(backtest::Metrics) != 0) {
    throw core::Error(fmt::format("a worker's metrics message of {} bytes is not whole metrics",
                                  bytes.size()));
  }
  std::vector<backtest::Metrics> out(bytes.size() / sizeof(backtest::Metrics));
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

}  // namespace

MpiWorkerEvaluator::MpiWorkerEvaluator(const MpiSession& session, const BacktestProblem& local)
    : session_(session), local_(local), shards_(local) {}

std::vector<std::vector<backtest::Metrics>> MpiWorkerEvaluator::evaluate(
    std::span<const strategy::Genome> genomes, Stage stage, const std::atomic<bool>* cancel) const {
  const auto ranks = static_cast<std::size_t>(session_.size());
  const std::size_t coins = local_.universe().coins.size(), tasks = genomes.size() * coins;
  std::vector<std::string> parts(ranks);
  for (std::size_t r = 1; r < ranks; ++r) {
    const auto range = task_range(tasks, ranks, r);
    const auto read = genomes_of(range, genomes.size());
    parts[r] = share_message(genomes.subspan(read.begin, read.size()), read.begin, genomes.size(),
                             range, stage, false);
    traffic_.genomes_sent += static_cast<std::int64_t>(read.size());
    traffic_.genome_bytes += static_cast<std::int64_t>(parts[r].size());
  }
  ++traffic_.batches;
  traffic_.batch_genomes += static_cast<std::int64_t>(genomes.size());
  session_.scatter(parts);
  std::vector<std::vector<backtest::Metrics>> by_rank;
  const auto mine = task_range(tasks, ranks, 0);
  const auto read = genomes_of(mine, genomes.size());
  by_rank.push_back(shards_.evaluate(genomes.subspan(read.begin, read.size()), read.begin,
                                     genomes.size(), mine, stage, cancel));
  const auto all = session_.gather(std::string());
  for (std::size_t r = 1; r < all.size(); ++r) by_rank.push_back(metrics_from(all[r]));
  auto out = CoinShards::assemble(by_rank, genomes.size(), coins);
  shards_.log_failures(genomes, out, stage);
  return out;
}

void MpiWorkerEvaluator::stop() const {
  std::vector<std::string> parts(static_cast<std::size_t>(session_.size()),
                                 share_message({}, 0, 0, {}, Stage::InSample, true));
  parts[0].clear();
  session_.scatter(parts);
}

void MpiWorkerEvaluator::serve() const {
  for (;;) {
    const auto j = json::from_msgpack(session_.scatter({}));
    if (j.at("stop").get<bool>()) return;
    std::vector<strategy::Genome> genomes;
    for (const auto& text : j.at("genomes"))
      genomes.push_back(strategy::from_json(text.get<std::string>()));
    const TaskRange range{j.at("tasks").at(0).get<std::size_t>(),
                          j.at("tasks").at(1).get<std::size_t>()};
    const auto metrics =
        shards_.evaluate(genomes, j.at("first").get<std::size_t>(),
                         j.at("batch").get<std::size_t>(), range,
                         static_cast<Stage>(j.at("stage").get<int>()));
    const std::string bytes(reinterpret_cast<const char*>(metrics.data()),
                            metrics.size() * sizeof(backtest::Metrics));
    traffic_.tasks_returned += static_cast<std::int64_t>(metrics.size());
    traffic_.metrics_bytes += static_cast<std::int64_t>(bytes.size());
    session_.gather(bytes);
  }
}

}  // namespace organism::evolve::distributed
