// `organism data verify` and `data backup`: the store's own health, checked and copied.
#include <filesystem>

#include <fmt/format.h>

#include "cli/context.hpp"
#include "core/error.hpp"
#include "data/store.hpp"

namespace organism::cli {
namespace {

void run_verify(Context& ctx) {
  auto store = data::Store::open_existing(ctx.db());
  const auto report = store.verify();
  const bool integrity_ok = report.integrity.size() == 1 && report.integrity.front() == "ok";
  // What was checked differs: SQLite checks the file's pages itself; a server checks its own pages
  // (data checksums, when the cluster has them), so on it only organism's series checks run.
  if (store.on_server()) {
    fmt::print("store {} (PostgreSQL): pages are the server's to check; every series read whole against its "
               "recorded row count and checksum\n", store.path());
  } else {
    fmt::print("store {}: SQLite integrity_check: {}\n", store.path(), integrity_ok ? "ok" : "FAILED");
  }
  if (!integrity_ok) {
    for (const auto& line : report.integrity) fmt::print("  {}\n", line);
  }
  std::size_t damaged = 0;
  for (const auto& s : report.series) {
    if (s.problem.empty()) {
      fmt::print("ok       {:<9} {:<28} {:>9} rows\n", s.kind, s.label, s.rows_read);
    } else {
      ++damaged;
      fmt::print("DAMAGED  {:<9} {:<28} {}\n", s.kind, s.label, s.problem);
    }
  }
  if (!report.series_error.empty()) fmt::print("cannot list the series: {}\n", report.series_error);
  fmt::print("{} series checked: {} ok, {} damaged\n", report.series.size(), report.series.size() - damaged, damaged);
  if (!report.ok()) {
    throw core::Error(fmt::format("store {} is damaged (see above): restore it from a backup ('organism data backup') "
                                  "or re-import the damaged series into a new store", store.path()));
  }
}

struct BackupArgs {
  std::string out;
  bool overwrite = false;
};

void run_backup(const BackupArgs& a, Context& ctx) {
  auto store = data::Store::open_existing(ctx.db());
  store.backup_to(a.out, a.overwrite);
  fmt::print("backed up {} to {} ({} bytes)\n", store.path(), a.out, std::filesystem::file_size(a.out));
}

}  // namespace

void add_data_store(CLI::App& data, Registry& registry) {
  CLI::App* verify = data.add_subcommand("verify", "check the store: SQLite's integrity check and every series' row count and checksum");
  verify->footer(R"(
On a SQLite store, runs PRAGMA integrity_check; on a PostgreSQL store the server checks its own
pages (data checksums, if the cluster was initialised with them). Then, on both, reads every
candle, funding and sentiment series whole and compares its row count and checksum (of times and
closes, rates or values) with those recorded when it was imported. Prints one line per series;
exit code 1 when anything is damaged.)");
  registry.on(verify, [](Context& ctx) { run_verify(ctx); });

  auto args = std::make_shared<BackupArgs>();
  CLI::App* backup = data.add_subcommand("backup", "copy the store to a file, safely while other processes write");
  backup->footer(R"(
The copy is a SQLite file and a consistent snapshot of the store, taken while imports, runs or
trading may go on writing: SQLite's online backup for a SQLite store; for a PostgreSQL store,
'organism data migrate' into the new file (every table, counts and checksums verified; run locks
are not copied). It is written beside --out and renamed when complete and checked, so an
interrupted backup never leaves a partial file under that name.)");
  backup->add_option("--out", args->out, "backup file to write (must not exist unless --overwrite)")->required();
  backup->add_flag("--overwrite", args->overwrite, "replace --out if it exists (a regular file)");
  registry.on(backup, [args](Context& ctx) { run_backup(*args, ctx); });
}

}  // namespace organism::cli
