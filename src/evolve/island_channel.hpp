// How an engine that owns only some of the islands meets the others: migrants travel through an
// IslandChannel, and each generation's record (offspring, populations, fresh Sharpe ratios) is
// gathered on the leader, which keeps the archive, the trial statistics and the checkpoint.
// Used by the engine; implemented in process (tests) and over MPI (evolve/distributed/).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "evolve/individual.hpp"

namespace organism::evolve {

// Which islands a process owns: island k belongs to rank k % ranks. Rank 0 is the leader.
struct IslandPlacement {
  int rank = 0;
  int ranks = 1;
  bool owns(std::size_t island) const {
    return static_cast<int>(island % static_cast<std::size_t>(ranks)) == rank;
  }
  bool leader() const { return rank == 0; }
};

using IslandMap = std::map<std::size_t, std::vector<Individual>>;  // by island index

// What one process's islands produced in one generation (generation 0: the initial populations).
struct GenerationRecord {
  IslandMap offspring;  // by island, in breeding order (evaluated)
  IslandMap islands;    // by island, after selection and migration
  // In-sample Sharpe of each genome this process backtested in the generation, by genome_key.
  std::map<std::uint64_t, double> fresh_sharpe;
};

class IslandChannel {
 public:
  virtual ~IslandChannel() = default;
  // Emigrants by source island in; out, the immigrants (by source island) for the islands this
  // process owns, island k's going to island (k + 1) % islands.
  virtual IslandMap migrate(const IslandMap& emigrants) = 0;
  // The leader gets every process's record merged (islands are disjoint); others their own back.
  virtual GenerationRecord gather(GenerationRecord local) = 0;
};

// Compact wire form (MessagePack of the canonical genome JSON and the fitness bits), shared by
// every channel; decode(encode(x)) == x to the last bit.
std::string encode(const IslandMap& people);
IslandMap decode_island_map(const std::string& bytes);
std::string encode(const GenerationRecord& record);
GenerationRecord decode_record(const std::string& bytes);
// Merges b into a (islands of a and b are disjoint; a Sharpe known to both is the same).
void merge_into(GenerationRecord& a, GenerationRecord&& b);

}  // namespace organism::evolve
