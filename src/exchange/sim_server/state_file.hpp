// The simulator's state on disk (--state-dir DIR → DIR/state.json): the API's whole state with
// what it was built from (coins, interval, seed, data range), written atomically so a kill -9 at
// any moment leaves the previous or the new file. Used by the exchange-sim server.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace organism::exchange::sim_server {

// What the saved state is only valid with: a restart with other coins or data is refused.
struct StateOrigin {
  std::vector<std::string> coins;
  std::string interval;
  std::uint64_t seed = 1;
  std::int64_t first_bar = 0, last_bar = 0;  // the replayed data's range
  bool operator==(const StateOrigin&) const = default;
};

class StateFile {
 public:
  // Creates DIR if missing (core::Error when it cannot).
  StateFile(std::string dir, StateOrigin origin);

  const std::string& path() const { return path_; }
  // The saved API state, nullopt when there is no file. core::Error naming the file when it is
  // not valid JSON, not a state file, or from another origin (saying which field differs).
  std::optional<nlohmann::ordered_json> load() const;
  // Writes the API state with the origin (temporary file + rename).
  void save(const nlohmann::ordered_json& api_state) const;

 private:
  std::string path_;
  StateOrigin origin_;
};

}  // namespace organism::exchange::sim_server
