#include "evolve/distributed/mpi_channel.hpp"

namespace organism::evolve::distributed {

MpiIslandChannel::MpiIslandChannel(const MpiSession& session, int islands)
    : session_(session),
      placement_{session.rank(), session.size()},
      islands_(static_cast<std::size_t>(islands)) {}

IslandMap MpiIslandChannel::migrate(const IslandMap& emigrants) {
  // By destination rank: the owner of the island after each source island.
  std::vector<IslandMap> by_rank(static_cast<std::size_t>(session_.size()));
  for (const auto& [from, people] : emigrants) {
    by_rank[(from + 1) % islands_ % static_cast<std::size_t>(session_.size())][from] = people;
  }
  std::vector<std::string> out;
  for (const auto& m : by_rank) {
    out.push_back(m.empty() ? std::string() : encode(m));
    traffic_.migration_bytes += static_cast<std::int64_t>(out.back().size());
  }
  ++traffic_.migrations;
  IslandMap in;
  for (const auto& bytes : session_.all_to_all(out)) {
    if (!bytes.empty()) in.merge(decode_island_map(bytes));
  }
  return in;
}

GenerationRecord MpiIslandChannel::gather(GenerationRecord local) {
  // The leader's own record stays where it is.
  const auto bytes = placement_.leader() ? std::string() : encode(local);
  ++traffic_.gathers;
  traffic_.gather_bytes += static_cast<std::int64_t>(bytes.size());
  const auto all = session_.gather(bytes);
  if (!placement_.leader()) return local;
  for (std::size_t r = 1; r < all.size(); ++r) merge_into(local, decode_record(all[r]));
  return local;
}

}  // namespace organism::evolve::distributed
