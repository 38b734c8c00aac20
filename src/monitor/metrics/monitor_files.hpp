// The files the metrics and the alerts read (the same ones the API reads, design of issue 23):
// the store, the production and paper trading journals, and STORE.daemon.json. Any of them may be
// missing (a store without a daemon, a daemon before its first order): what it would give is then
// left out. The field names are the API's ApiSources', so one struct can serve both.
#pragma once

#include <string>

namespace organism::monitor {

struct MonitorFiles {
  std::string store_path{};
  std::string production_journal{};  // exec::Journal::path_for_store(store_path)
  std::string paper_journal{};       // STORE.paper-journal.db
  std::string daemon_status_path{};  // STORE.daemon.json
};

}  // namespace organism::monitor
