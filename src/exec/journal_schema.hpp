// The journal file's schema and its identity check (application_id), kept apart from the
// journal's reads and writes. Used by journal.cpp only.
#pragma once

#include "data/sqlite.hpp"

namespace organism::exec {

// "orjn": marks a SQLite file as an organism trading journal.
inline constexpr int kJournalApplicationId = 0x6f726a6e;
inline constexpr int kJournalSchemaVersion = 2;  // 2: the ledger table

// Sets WAL and synchronous=FULL, refuses a file that is another database (or a newer journal),
// and creates the tables of a new one.
void prepare_journal_schema(data::sqlite::Db& db);

}  // namespace organism::exec
