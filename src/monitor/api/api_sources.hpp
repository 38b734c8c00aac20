// Where the monitor's API reads from: the store, the two trading journals, the daemon's state file
// and a wall clock. `organism serve` and `organism run --listen` build one for their store; the
// tests point it at a temporary directory and fix the clock.
#pragma once

#include <functional>
#include <string>

#include "core/time.hpp"
#include "monitor/store_files.hpp"

namespace organism::monitor::api {

struct ApiSources : MonitorFiles {
  std::function<core::TimeMs()> wall_now{};  // a clock (tests fix it)
  // The files beside the store (MonitorFiles::for_store), with the system's wall clock.
  static ApiSources for_store(const std::string& store_path);
};

}  // namespace organism::monitor::api
