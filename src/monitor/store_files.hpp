// The files of an organism beside its store that the daemon writes and the monitor reads: the
// paper session's journal and the daemon's state file. Here (below the daemon) so the monitor finds
// them without depending on the daemon; the daemon uses these too.
#pragma once

#include <string>

namespace organism::monitor {

// "DIR/NAME.db" -> "DIR/NAME.paper-journal.db": `organism run`'s paper session (the production
// session has exec::Journal::path_for_store's "NAME.journal.db").
std::string paper_journal_path(const std::string& store_path);
// "STORE.daemon.json": the daemon's "daemon" object and its evolution worker's "evolution" object.
std::string daemon_state_path(const std::string& store_path);

// The files the API, the metrics and the alerts read (issue 23's design): the store, the
// production and paper trading journals, and STORE.daemon.json. Any may be missing (a store
// without a daemon, a daemon before its first order): what it would give is then left out.
struct MonitorFiles {
  std::string store_path{};
  std::string production_journal{};  // exec::Journal::path_for_store(store_path)
  std::string paper_journal{};       // paper_journal_path(store_path)
  std::string daemon_status_path{};  // daemon_state_path(store_path)

  // The files beside `store_path`.
  static MonitorFiles for_store(const std::string& store_path);
};

}  // namespace organism::monitor
