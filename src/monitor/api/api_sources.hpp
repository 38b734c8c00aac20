// Where the monitor's API reads from: the store, the two trading journals, the daemon's state file
// and a wall clock. `organism serve` and `organism run --listen` build one for their store; the
// tests point it at a temporary directory and fix the clock.
#pragma once

#include <functional>
#include <string>

#include "core/time.hpp"

namespace organism::monitor::api {

struct ApiSources {
  std::string store_path{};          // --db
  std::string production_journal{};  // exec::Journal::path_for_store(store) unless given
  std::string paper_journal{};       // monitor::paper_journal_path(store): `organism run`'s paper session
  std::string daemon_status_path{};  // monitor::daemon_state_path(store) = STORE.daemon.json
  std::function<core::TimeMs()> wall_now{};  // a clock (tests fix it)
  // The defaults above, with the system's wall clock.
  static ApiSources for_store(const std::string& store_path);
};

}  // namespace organism::monitor::api
