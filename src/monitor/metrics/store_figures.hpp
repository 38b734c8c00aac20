// What the metrics and the alerts read of the store, with a few SQL statements on a read-only
// connection (the store's own readers load and verify whole series, far too much per scrape):
// strategies per lifecycle state, a run's progress and the lifecycle events after a seq (each
// series' newest bar is data::StorePeek's).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace organism::monitor {

struct RunProgress {
  std::string status{};  // running | interrupted | finished
  std::int64_t evaluations = 0;
  double seconds = 0;
};

struct LifecycleEventRow {
  std::int64_t seq = 0;
  std::string strategy_id{};
  core::TimeMs time = 0;
  std::string from{}, to{}, reason{};
};

// core::Error when the store cannot be opened (missing file, not SQLite).
class StoreScan {
 public:
  explicit StoreScan(const std::string& path);
  ~StoreScan();
  StoreScan(const StoreScan&) = delete;
  StoreScan& operator=(const StoreScan&) = delete;

  std::map<std::string, std::int64_t> strategies_by_state();
  std::optional<RunProgress> run(const std::string& run_id);
  std::vector<LifecycleEventRow> events_after(std::int64_t after, std::size_t limit);
  std::int64_t last_event_seq();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::monitor
