// The journal file's schema, its identity check (application_id) and the shape of an order row,
// kept apart from the journal's reads and writes. Used by journal.cpp and journal_reader.cpp.
#pragma once

#include <cstdint>
#include <optional>

#include "data/sqlite.hpp"
#include "exec/order.hpp"

namespace organism::exec {

// "orjn": marks a SQLite file as an organism trading journal.
inline constexpr int kJournalApplicationId = 0x6f726a6e;
inline constexpr int kJournalSchemaVersion = 4;  // 2: the ledger table; 3: the risk tables; 4: allocations

// Sets WAL and synchronous=FULL, refuses a file that is another database (or a newer journal),
// creates the tables of a new one and migrates a version-2 or 3 journal to 4 in place (the risk
// tables, the allocations table; one transaction).
void prepare_journal_schema(data::sqlite::Db& db);

// The orders table's columns in the order order_from_row reads them.
extern const char* const kOrderColumns;
Order order_from_row(const data::sqlite::Statement& st);
std::optional<std::uint64_t> optional_oid(const data::sqlite::Statement& st, int index);

}  // namespace organism::exec
