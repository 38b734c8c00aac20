#include "monitor/api/api_sources.hpp"

#include "core/clock.hpp"
#include "monitor/store_files.hpp"

namespace organism::monitor::api {

ApiSources ApiSources::for_store(const std::string& store_path) {
  ApiSources s;
  static_cast<MonitorFiles&>(s) = MonitorFiles::for_store(store_path);
  s.wall_now = [] { return core::WallClock().now(); };
  return s;
}

}  // namespace organism::monitor::api
