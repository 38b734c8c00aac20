// `organism data migrate`: the source read as one snapshot, every table copied with its ids into
// an empty destination inside one write transaction, then verified there before the commit.
//
// Verification runs before the commit, on the destination's own connection: it reads back the
// rows exactly as written (the writer lock is held, no one else can change them), and a mismatch
// then rolls everything back, so an unverified copy is never committed. What it does not see is
// the commit itself, which is the database's own all-or-nothing step.
#include "data/store_migrate.hpp"

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/store.hpp"
#include "data/store_migrate_tables.hpp"

namespace organism::data {

namespace fs = std::filesystem;

namespace {

// Rows per read and per COPY: large enough that round trips do not count, small enough that a
// batch of candles stays a few MB.
constexpr std::size_t kBatch = 50'000;

std::string file_of(const std::string& location) {
  return location.starts_with("sqlite:") ? location.substr(7) : location;
}

bool same_location(Store& source, const std::string& to) {
  if (source.on_server() != sql::is_server_location(to)) return false;
  if (source.on_server()) return source.path() == sql::display_location(to);
  std::error_code ec;
  return fs::equivalent(source.path(), file_of(to), ec);
}

// core::UsageError naming the first table of the destination that holds rows.
void refuse_rows(sql::Connection& db, const std::string& to) {
  std::vector<std::string_view> names;
  for (const auto& t : migrate::copied_tables()) names.push_back(t.name);
  names.push_back("run_locks");
  for (const auto name : names) {
    sql::Statement st(db, fmt::format("SELECT 1 FROM {} LIMIT 1", name));
    if (st.step()) {
      throw core::UsageError(fmt::format(
          "store {} is not empty (table {} holds rows): organism data migrate copies only into a new or empty "
          "store and never merges; name a new file or database",
          to, name));
    }
  }
}

TableSum copy_table(sql::Connection& in, sql::Connection& out, const migrate::Table& t, const MigrateProgress& progress) {
  migrate::BatchReader reader(in, t, kBatch);
  const auto writer = migrate::table_writer(out, t);
  std::vector<migrate::Value> values;
  Fnv1a64 hash;
  TableSum sum{std::string(t.name)};
  while (const auto rows = reader.next(values)) {
    hash_rows(hash, values, rows, t.columns.size());
    writer->write(values, rows);
    sum.rows += static_cast<std::int64_t>(rows);
    if (progress) progress("copying", t.name, sum.rows);
  }
  sum.checksum = hash.value();
  if (progress) progress("copied", t.name, sum.rows);
  return sum;
}

TableSum sum_table(sql::Connection& db, const migrate::Table& t) {
  migrate::BatchReader reader(db, t, kBatch);
  std::vector<migrate::Value> values;
  Fnv1a64 hash;
  TableSum sum{std::string(t.name)};
  while (const auto rows = reader.next(values)) {
    hash_rows(hash, values, rows, t.columns.size());
    sum.rows += static_cast<std::int64_t>(rows);
  }
  sum.checksum = hash.value();
  return sum;
}

// PostgreSQL numbers new rows from its identity's sequence, which COPY with explicit ids does not
// move: without this the next imported series would collide with a copied id. (SQLite numbers
// from the largest stored id, and its AUTOINCREMENT counter follows explicit inserts itself.)
// setval is not transactional: this runs last, when the copy has been verified.
void move_identities(sql::Connection& db) {
  for (const auto& t : migrate::copied_tables()) {
    if (t.identity.empty()) continue;
    sql::Statement st(db, fmt::format("SELECT setval(pg_get_serial_sequence('{0}', '{1}'), coalesce(max({1}), 0) + 1, "
                                      "false) FROM {0}",
                                      t.name, t.identity));
    st.step_row();
  }
}

std::string verify_problems(const VerifyReport& check) {
  std::string out;
  if (check.integrity.size() != 1 || check.integrity.front() != "ok") {
    for (const auto& line : check.integrity) out += fmt::format("; integrity: {}", line);
  }
  if (!check.series_error.empty()) out += fmt::format("; {}", check.series_error);
  for (const auto& s : check.series) {
    if (!s.problem.empty()) out += fmt::format("; {} {}: {}", s.kind, s.label, s.problem);
  }
  return out.empty() ? out : out.substr(2);
}

std::int64_t count_rows(sql::Connection& db, std::string_view table) {
  sql::Statement st(db, fmt::format("SELECT count(*) FROM {}", table));
  st.step_row();
  return st.column_int(0);
}

MigrateReport copy_store(Store& source, const std::string& to, const MigrateProgress& progress) {
  const auto start = std::chrono::steady_clock::now();
  MigrateReport report;
  report.from = source.path();
  auto destination = Store::open(to);
  report.to = destination.path();
  sql::Connection& in = source.connection();
  sql::Connection& out = destination.connection();
  // One snapshot of the source while other processes may go on writing to it.
  sql::ReadSnapshot snapshot(in);
  sql::Transaction tx(out);
  // Under the destination's writer lock: no other writer can add rows between this and the commit.
  refuse_rows(out, report.to);
  std::vector<TableSum> copied;
  for (const auto& t : migrate::copied_tables()) copied.push_back(copy_table(in, out, t, progress));
  report.run_locks_skipped = count_rows(in, "run_locks");

  std::vector<TableSum> written;
  for (const auto& t : migrate::copied_tables()) {
    written.push_back(sum_table(out, t));
    if (progress) progress("verified", t.name, written.back().rows);
  }
  try {
    require_same_tables(copied, written, report.from, report.to);
  } catch (const core::Error& e) {
    throw core::Error(fmt::format("{}; nothing was committed", e.what()));
  }
  // The series summaries (row counts and checksums recorded at import) against the copied rows:
  // the same check `organism data verify` makes, so the new store starts out verified.
  const auto check = destination.verify();
  if (!check.ok()) {
    throw core::Error(fmt::format("store {}: the copy has the source's rows but fails 'data verify' ({}); the source "
                                  "holds the same damage: run 'organism data verify --db {}'",
                                  report.to, verify_problems(check), report.from));
  }
  if (out.dialect() == sql::Dialect::Postgres) move_identities(out);
  tx.commit();
  report.tables = std::move(written);
  for (const auto& t : report.tables) report.rows += t.rows;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace

std::vector<TableSum> table_sums(sql::Connection& db) {
  sql::ReadSnapshot snapshot(db);
  std::vector<TableSum> sums;
  for (const auto& t : migrate::copied_tables()) sums.push_back(sum_table(db, t));
  return sums;
}

void require_same_tables(const std::vector<TableSum>& source, const std::vector<TableSum>& destination,
                         std::string_view from, std::string_view to) {
  if (source.size() != destination.size()) {
    throw core::Error(fmt::format("migrate {} -> {}: {} tables read, {} written", from, to, source.size(),
                                  destination.size()));
  }
  for (std::size_t i = 0; i < source.size(); ++i) {
    const auto& a = source[i];
    const auto& b = destination[i];
    if (a.table != b.table || a.rows != b.rows || a.checksum != b.checksum) {
      throw core::Error(fmt::format("migrate {} -> {}: table {} differs: source {} rows checksum {:#018x}, "
                                    "destination {} rows checksum {:#018x}",
                                    from, to, a.table, a.rows, a.checksum, b.rows, b.checksum));
    }
  }
}

MigrateReport migrate_store(Store& source, const std::string& to, const MigrateProgress& progress) {
  if (same_location(source, to)) {
    throw core::UsageError(fmt::format("migrate: {} is the source store itself", sql::display_location(to)));
  }
  // A SQLite file this migration creates is removed if it fails: no half-made store is left.
  const bool new_file = !sql::is_server_location(to) && !fs::exists(file_of(to));
  try {
    return copy_store(source, to, progress);
  } catch (...) {
    if (new_file) {
      std::error_code ignored;
      for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(file_of(to) + suffix, ignored);
    }
    throw;
  }
}

MigrateReport migrate_store(const std::string& from, const std::string& to, const MigrateProgress& progress) {
  auto source = Store::open_existing(from);
  return migrate_store(source, to, progress);
}

}  // namespace organism::data
