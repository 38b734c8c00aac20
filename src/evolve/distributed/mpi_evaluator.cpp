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

// A share: {"stop": bool, "stage": int, "genomes": [canonical JSON text, ...]}, MessagePack.
std::string share_message(std::span<const strategy::Genome> genomes, Stage stage, bool stop) {
  json list = json::array();
  for (const auto& g : genomes) list.push_back(strategy::canonical_json(g));
  const auto bytes =
      json::to_msgpack(json{{"stop", stop}, {"stage", static_cast<int>(stage)}, {"genomes", list}});
  return {bytes.begin(), bytes.end()};
}

std::string metrics_message(const std::vector<std::vector<backtest::Metrics>>& metrics) {
  std::string out;
  for (const auto& per_coin : metrics) {
    out.append(reinterpret_cast<const char*>(per_coin.data()),
               per_coin.size() * sizeof(backtest::Metrics));
  }
  return out;
}

std::vector<std::vector<backtest::Metrics>> metrics_from(const std::string& bytes,
                                                         std::size_t coins) {
  const std::size_t row = coins * sizeof(backtest::Metrics);
  if (row == 0 || bytes.size() % row != 0) {
    throw core::Error(
        fmt::format("a worker's metrics message of {} bytes is not whole rows of {} coins",
                    bytes.size(), coins));
  }
  std::vector<std::vector<backtest::Metrics>> out(bytes.size() / row,
                                                  std::vector<backtest::Metrics>(coins));
  for (std::size_t g = 0; g < out.size(); ++g)
    std::memcpy(out[g].data(), bytes.data() + g * row, row);
  return out;
}

}  // namespace

MpiWorkerEvaluator::MpiWorkerEvaluator(const MpiSession& session, const BacktestProblem& local)
    : session_(session), local_(local) {}

std::vector<std::vector<backtest::Metrics>> MpiWorkerEvaluator::evaluate(
    std::span<const strategy::Genome> genomes, Stage stage, const std::atomic<bool>* cancel) const {
  const auto ranks = static_cast<std::size_t>(session_.size());
  // Rank r backtests genomes [r n / ranks, (r + 1) n / ranks).
  const auto bound = [&](std::size_t r) { return r * genomes.size() / ranks; };
  std::vector<std::string> parts;
  for (std::size_t r = 0; r < ranks; ++r) {
    parts.push_back(
        r == 0 ? std::string()
               : share_message(genomes.subspan(bound(r), bound(r + 1) - bound(r)), stage, false));
    bytes_sent_ += static_cast<std::int64_t>(parts.back().size());
  }
  session_.scatter(parts);
  auto out = local_.evaluate(genomes.first(bound(1)), stage, cancel);
  const auto all = session_.gather(std::string());
  const std::size_t coins = local_.universe().coins.size();
  for (std::size_t r = 1; r < all.size(); ++r) {
    auto part = metrics_from(all[r], coins);
    if (part.size() != bound(r + 1) - bound(r)) {
      throw core::Error(fmt::format("rank {} returned {} results for {} genomes", r, part.size(),
                                    bound(r + 1) - bound(r)));
    }
    std::move(part.begin(), part.end(), std::back_inserter(out));
  }
  return out;
}

void MpiWorkerEvaluator::stop() const {
  std::vector<std::string> parts(static_cast<std::size_t>(session_.size()),
                                 share_message({}, Stage::InSample, true));
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
    const auto metrics = local_.evaluate(genomes, static_cast<Stage>(j.at("stage").get<int>()));
    const auto bytes = metrics_message(metrics);
    bytes_sent_ += static_cast<std::int64_t>(bytes.size());
    session_.gather(bytes);
  }
}

}  // namespace organism::evolve::distributed
