#include "monitor/api/api_sources.hpp"

#include "core/clock.hpp"
#include "exec/journal.hpp"
#include "monitor/store_files.hpp"

namespace organism::monitor::api {

ApiSources ApiSources::for_store(const std::string& store_path) {
  ApiSources s;
  s.store_path = store_path;
  s.production_journal = exec::Journal::path_for_store(store_path);
  s.paper_journal = paper_journal_path(store_path);
  s.daemon_status_path = daemon_state_path(store_path);
  s.wall_now = [] { return core::WallClock().now(); };
  return s;
}

}  // namespace organism::monitor::api
