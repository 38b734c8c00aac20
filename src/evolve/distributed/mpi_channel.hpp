// The island channel over MPI: emigrants go to the rank owning the next island on the ring (one
// all-to-all of MessagePack bytes per migration, empty for ranks off the ring), and each
// generation's record is gathered on rank 0 (the checkpoint needs every island). Counts its
// traffic for the run's log and docs/distributed.md's scaling model.
#pragma once

#include <cstdint>

#include "evolve/distributed/mpi_session.hpp"
#include "evolve/island_channel.hpp"

namespace organism::evolve::distributed {

struct Traffic {
  std::int64_t migrations = 0;
  std::int64_t migration_bytes = 0;  // sent by this rank
  std::int64_t gathers = 0;
  std::int64_t gather_bytes = 0;  // sent by this rank
};

class MpiIslandChannel : public IslandChannel {
 public:
  MpiIslandChannel(const MpiSession& session, int islands);
  IslandMap migrate(const IslandMap& emigrants) override;
  GenerationRecord gather(GenerationRecord local) override;
  const Traffic& traffic() const { return traffic_; }

 private:
  const MpiSession& session_;
  IslandPlacement placement_;
  std::size_t islands_;
  Traffic traffic_;
};

}  // namespace organism::evolve::distributed
