// `organism data migrate`: a whole store copied into another, between SQLite and PostgreSQL in
// either direction (or SQLite to SQLite, PostgreSQL to PostgreSQL), ids included, verified table
// by table with a row count and a checksum computed the same way on both ends. Also the path of
// `organism data backup` on a server store (a SQLite file written through it).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "data/sql.hpp"

namespace organism::data {

class Store;

// One table as read: its rows and a 64-bit FNV-1a over every column of every row in primary-key
// order (each value tagged NULL, integer, double by its bits, or text by its length and bytes).
struct TableSum {
  std::string table;
  std::int64_t rows = 0;
  std::uint64_t checksum = 0;
};

struct MigrateReport {
  std::string from, to;         // as messages show them (no password)
  std::vector<TableSum> tables;  // in copy order, as verified on the destination
  std::int64_t rows = 0;         // all tables
  // run_locks rows of the source, not copied: a lock names a process on the source's host and
  // means nothing in another store (a run is owned again by whoever resumes it).
  std::int64_t run_locks_skipped = 0;
  double seconds = 0;
};

// Called as the copy goes: `phase` is "copying" (rows so far, after each batch), "copied" (the
// table's rows, once) or "verified" (the destination's rows, once per table).
using MigrateProgress = std::function<void(std::string_view phase, std::string_view table, std::int64_t rows)>;

// Copies every table of the store at `from` (a path, sqlite:FILE or a postgresql:// URL; opened
// read-only, read as one snapshot) into the store at `to` (created with its schema if needed).
// core::UsageError when the destination holds rows in any organism table (it never merges) or is
// the source itself. All writes are one transaction, committed only after every table's count and
// checksum on the destination equal the source's and Store::verify passes on it; otherwise
// core::Error and the destination is left as it was (a SQLite file it created is removed).
MigrateReport migrate_store(const std::string& from, const std::string& to, const MigrateProgress& progress = {});
// The same from a store already open (Store::backup_to of a server store).
MigrateReport migrate_store(Store& source, const std::string& to, const MigrateProgress& progress = {});

// Every copied table's count and checksum as `db` sees it (either backend), in copy order.
std::vector<TableSum> table_sums(sql::Connection& db);
// core::Error naming the first table whose count or checksum differs, with both sides' figures.
void require_same_tables(const std::vector<TableSum>& source, const std::vector<TableSum>& destination,
                         std::string_view from, std::string_view to);

}  // namespace organism::data
