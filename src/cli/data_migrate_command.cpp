// `organism data migrate --from LOC --to LOC`: a whole store copied between SQLite and PostgreSQL
// (data/store_migrate.hpp does the work and the checks; this file parses and prints).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "data/sql.hpp"
#include "data/store_migrate.hpp"
#include "monitor/report_text.hpp"

namespace organism::cli {
namespace {

struct MigrateArgs {
  std::string from, to;
  bool json = false;
};

std::string hex(std::uint64_t checksum) { return fmt::format("{:#018x}", checksum); }

void run_migrate(const MigrateArgs& a, Context& ctx) {
  const bool lines = ctx.progress != core::ProgressMode::Off;
  // Progress on stderr, one line per table and phase (a batch-by-batch count would scroll).
  const auto progress = [lines](std::string_view phase, std::string_view table, std::int64_t rows) {
    if (!lines || phase == "copying") return;
    fmt::print(stderr, "{:<9} {:<17} {:>11} rows\n", phase, table, monitor::group_thousands(rows));
  };
  if (lines) {
    fmt::print(stderr, "migrating {} -> {}\n", data::sql::display_location(a.from), data::sql::display_location(a.to));
  }
  const auto report = data::migrate_store(a.from, a.to, progress);
  if (a.json) {
    nlohmann::json tables = nlohmann::json::array();
    for (const auto& t : report.tables) {
      tables.push_back({{"table", t.table}, {"rows", t.rows}, {"checksum", hex(t.checksum)}});
    }
    const nlohmann::json out{{"from", report.from}, {"to", report.to}, {"tables", tables}, {"rows", report.rows},
                             {"run_locks_skipped", report.run_locks_skipped}, {"seconds", report.seconds}};
    fmt::print("{}\n", out.dump(2));
    return;
  }
  for (const auto& t : report.tables) {
    fmt::print("copied  {:<17} {:>11} rows  checksum {}\n", t.table, monitor::group_thousands(t.rows), hex(t.checksum));
  }
  if (report.run_locks_skipped > 0) {
    fmt::print("not copied: {} run lock(s), which name processes of the source\n", report.run_locks_skipped);
  }
  const double per_second = report.seconds > 0 ? static_cast<double>(report.rows) / report.seconds : 0;
  fmt::print("migrated {} -> {}: {} tables, {} rows in {:.2f} s ({} rows/s), counts and checksums verified\n",
             report.from, report.to, report.tables.size(), monitor::group_thousands(report.rows), report.seconds,
             monitor::group_thousands(static_cast<long long>(per_second)));
}

}  // namespace

void add_data_migrate(CLI::App& data, Registry& registry) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* cmd = data.add_subcommand("migrate", "copy a whole store between SQLite and PostgreSQL, verified");
  cmd->footer(R"(
Locations are what --db takes: a SQLite file path (or sqlite:FILE), or a PostgreSQL URL
postgresql://USER@HOST:PORT/DB (password from PGPASSWORD or ~/.pgpass, never printed).
Any direction works: SQLite -> PostgreSQL, back, or between two of the same kind.

The source is only read, as one snapshot (other processes may go on writing to it). The
destination is created if needed and must hold no rows: migrate never merges into a store that
has data (exit 2). Every table is copied with its ids (candles, funding, sentiment, regimes,
runs and checkpoints, strategies with their events, runs and marks, post-mortems) in one
transaction. Before it commits, each table's row count and a 64-bit checksum over every column
of every row (in key order) are computed on both sides and must be equal, and the copy passes
'organism data verify'; otherwise nothing is committed (exit 1) and a SQLite file it created
is removed. Run locks are not copied: they name processes of the source's host, and a run is
owned again by the process that resumes it.

Example:
  organism data migrate --from sqlite:organism.db --to postgresql://organism@db.example:5432/organism)");
  cmd->add_option("--from", args->from, "the store to copy: FILE, sqlite:FILE or postgresql://...")->required();
  cmd->add_option("--to", args->to, "the new or empty store to fill: FILE, sqlite:FILE or postgresql://...")->required();
  cmd->add_flag("--json", args->json, "print the report as one JSON object (tables, rows, checksums, seconds)");
  registry.on(cmd, [args](Context& ctx) { run_migrate(*args, ctx); });
}

}  // namespace organism::cli
