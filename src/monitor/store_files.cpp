#include "monitor/store_files.hpp"

#include <filesystem>

#include "data/sql.hpp"
#include "exec/journal.hpp"

namespace organism::monitor {

std::string paper_journal_path(const std::string& store_path) {
  // Beside the store like exec::Journal::path_for_store's "organism.journal.db".
  std::filesystem::path p(data::sql::local_files_base(store_path));
  const std::string extension = p.has_extension() ? p.extension().string() : std::string(".db");
  p.replace_filename(p.stem().string() + ".paper-journal" + extension);
  return p.string();
}

std::string daemon_state_path(const std::string& store_path) {
  return data::sql::local_files_base(store_path) + ".daemon.json";
}

MonitorFiles MonitorFiles::for_store(const std::string& store_path) {
  return MonitorFiles{store_path, exec::Journal::path_for_store(store_path), paper_journal_path(store_path),
                      daemon_state_path(store_path)};
}

}  // namespace organism::monitor
