// Islands split over several engines (as over MPI ranks), joined by an in-process channel: the
// leader's state equals one engine's with every island, whatever the split, and a checkpoint
// taken from the leader resumes the split run bit for bit.
#include <gtest/gtest.h>

#include <barrier>
#include <thread>

#include "engine_support.hpp"
#include "evolve/engine.hpp"

namespace organism::evolve {
namespace {

// Every engine of the run posts its bytes, then reads everyone's (an all-to-all rendezvous).
class Hub {
 public:
  explicit Hub(int ranks) : barrier_(ranks), slots_(static_cast<std::size_t>(ranks)) {}
  std::vector<std::string> exchange(int rank, std::string bytes) {
    slots_[static_cast<std::size_t>(rank)] = std::move(bytes);
    barrier_.arrive_and_wait();
    auto all = slots_;
    barrier_.arrive_and_wait();
    return all;
  }

 private:
  std::barrier<> barrier_;
  std::vector<std::string> slots_;
};

// The channel as the MPI one behaves, every message through the wire encoding.
class HubChannel : public IslandChannel {
 public:
  HubChannel(Hub& hub, IslandPlacement placement, int islands)
      : hub_(hub), placement_(placement), islands_(islands) {}
  IslandMap migrate(const IslandMap& emigrants) override {
    IslandMap in;
    for (const auto& bytes : hub_.exchange(placement_.rank, encode(emigrants))) {
      for (auto& [from, people] : decode_island_map(bytes)) {
        if (placement_.owns((from + 1) % static_cast<std::size_t>(islands_)))
          in[from] = std::move(people);
      }
    }
    return in;
  }
  GenerationRecord gather(GenerationRecord local) override {
    const auto all = hub_.exchange(placement_.rank, encode(local));
    if (!placement_.leader()) return local;
    GenerationRecord merged;
    for (const auto& bytes : all) merge_into(merged, decode_record(bytes));
    return merged;
  }

 private:
  Hub& hub_;
  IslandPlacement placement_;
  int islands_;
};

EvolveOptions split_options(int islands) {
  EvolveOptions o;
  o.seed = 5;
  o.population = 8 * islands;
  o.generations = 4;
  o.islands = islands;
  o.migration_interval = 2;
  o.constraints.min_trades = 3;
  return o;
}

std::string one_engine(const Universe& u, const EvolveOptions& o) {
  indicators::IndicatorCache cache(64u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 1);
  Engine engine(o, evaluator);
  engine.initialize();
  while (!engine.done()) engine.step();
  return engine.checkpoint().dump();
}

// Runs `ranks` engines on threads from `start` (a checkpoint, or fresh when null) until
// generation `until`; returns the leader's checkpoint.
nlohmann::json split_run(const Universe& u, const EvolveOptions& o, int ranks,
                         const nlohmann::json& start, int until) {
  Hub hub(ranks);
  nlohmann::json leader;
  std::vector<std::thread> threads;
  for (int r = 0; r < ranks; ++r) {
    threads.emplace_back([&, r] {
      indicators::IndicatorCache cache(64u << 20);
      const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 1);
      const IslandPlacement placement{r, ranks};
      HubChannel channel(hub, placement, o.islands);
      Engine engine(o, evaluator, placement, channel);
      start.is_null() ? engine.initialize() : engine.restore(start);
      while (engine.generation() < until) engine.step();
      if (r == 0) leader = engine.checkpoint();
    });
  }
  for (auto& t : threads) t.join();
  return leader;
}

TEST(EngineDistributed, IslandsSplitOverEnginesGiveTheOneEngineState) {
  const auto u = test::small_universe(2000);
  for (const auto& [islands, ranks] : {std::pair{2, 2}, std::pair{3, 2}}) {
    const auto o = split_options(islands);
    EXPECT_EQ(one_engine(u, o), split_run(u, o, ranks, nullptr, o.generations).dump())
        << islands << " islands on " << ranks << " engines";
  }
}

TEST(EngineDistributed, SplitRunResumesFromTheLeadersCheckpoint) {
  const auto u = test::small_universe(2000);
  const auto o = split_options(2);
  const auto halfway = split_run(u, o, 2, nullptr, 2);
  EXPECT_EQ(one_engine(u, o), split_run(u, o, 2, halfway, o.generations).dump());
}

TEST(EngineDistributed, MoreRanksThanIslandsIsAUsageError) {
  const auto u = test::small_universe(2000);
  indicators::IndicatorCache cache(16u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 1);
  Hub hub(1);
  HubChannel channel(hub, {0, 3}, 2);
  EXPECT_THROW(Engine(split_options(2), evaluator, IslandPlacement{0, 3}, channel),
               core::UsageError);
}

TEST(EngineDistributed, WireFormatRoundTripsToTheBit) {
  const auto u = test::small_universe(2000);
  indicators::IndicatorCache cache(16u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 1);
  Engine engine(split_options(2), evaluator);
  engine.initialize();
  GenerationRecord r;
  r.offspring[1] = engine.islands()[1];
  r.islands[0] = engine.islands()[0];
  r.fresh_sharpe[0xfedcba9876543210ull] = 0.1 + 0.2;
  const auto back = decode_record(encode(r));
  EXPECT_EQ(encode(back), encode(r));
  EXPECT_EQ(back.fresh_sharpe.at(0xfedcba9876543210ull), 0.1 + 0.2);
  EXPECT_EQ(back.offspring.at(1).front().fitness.objectives,
            r.offspring.at(1).front().fitness.objectives);
  EXPECT_THROW(decode_record("not msgpack"), core::Error);
}

}  // namespace
}  // namespace organism::evolve
