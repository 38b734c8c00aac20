// `Store::backup_to` (organism data backup): SQLite's online backup (a file store) or a migration
// (a server store) into a temporary file beside the target, checked, then renamed over it, so a
// crash or a full disk leaves no half-written backup under the target's name.
#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/sqlite.hpp"
#include "data/store.hpp"
#include "data/store_migrate.hpp"

namespace organism::data {

namespace fs = std::filesystem;

namespace {

// The store into the new file `tmp`: SQLite's online backup from a file store, or the whole
// verified copy of `organism data migrate` from a server store.
void copy_into(Store& source, const std::string& tmp, const std::string& out) {
  if (auto* file = dynamic_cast<sqlite::Db*>(&source.connection())) {
    sqlite::Db copy(tmp, sqlite::Db::Mode::ReadWrite);
    file->backup_into(copy);
  } else {
    migrate_store(source, "sqlite:" + tmp);
  }
  sqlite::Db copy(tmp, sqlite::Db::Mode::ReadWrite);
  // The copy is a single self-contained file: no WAL beside it once it is moved.
  copy.exec("PRAGMA journal_mode = DELETE");
  sqlite::Statement check(copy, "PRAGMA quick_check");
  check.step_row();
  if (check.column_text(0) != "ok") {
    throw core::Error(fmt::format("backup {}: the copy fails SQLite's quick_check: {}", out, check.column_text(0)));
  }
}

}  // namespace

void Store::backup_to(const std::string& out, bool overwrite) {
  std::error_code ec;
  const auto status = fs::status(out, ec);
  if (fs::exists(status)) {
    if (!fs::is_regular_file(status)) {
      throw core::Error(fmt::format("{}: not a regular file; a backup is written only to a new or regular file", out));
    }
    if (!overwrite) throw core::UsageError(fmt::format("{} exists; pass --overwrite to replace it", out));
  }
  if (fs::equivalent(out, path(), ec)) throw core::UsageError(fmt::format("{} is the store itself", out));
  const std::string tmp = fmt::format("{}.tmp-{}", out, ::getpid());
  // The temporary file and any journal SQLite left beside it: removed before (a crashed backup
  // with our pid would confuse SQLite) and, unless renamed, after.
  auto remove_temp = [&tmp] {
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(tmp + suffix, ignored);
  };
  remove_temp();
  try {
    copy_into(*this, tmp, out);
  } catch (...) {
    remove_temp();
    throw;
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    remove_temp();
    throw core::Error(fmt::format("{}: cannot write the backup: {}", out, ec.message()));
  }
}

}  // namespace organism::data
