#include "exec/journal_schema.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::exec {
namespace {

using data::sqlite::Statement;

std::int64_t pragma_int(data::sqlite::Db& db, const char* sql) {
  Statement st(db, sql);
  st.step_row();
  return st.column_int(0);
}

// Money, prices and sizes are exact 1e-8 integer units (INTEGER), never REAL. States, events,
// sides and styles are their names, so the file reads well in the sqlite3 shell.
constexpr const char* kSchema = R"(
CREATE TABLE orders (
  cloid TEXT PRIMARY KEY NOT NULL,
  strategy TEXT NOT NULL, coin TEXT NOT NULL, bar_time INTEGER NOT NULL, sequence INTEGER NOT NULL,
  side TEXT NOT NULL, size INTEGER NOT NULL, price INTEGER NOT NULL, style TEXT NOT NULL,
  taker_fallback_ms INTEGER NOT NULL, reduce_only INTEGER NOT NULL, leg TEXT NOT NULL,
  oid INTEGER, state TEXT NOT NULL, filled_size INTEGER NOT NULL, average_price INTEGER NOT NULL,
  fees INTEGER NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
  seq INTEGER NOT NULL UNIQUE
);
CREATE INDEX orders_open ON orders(seq) WHERE state IN ('new', 'sent', 'resting', 'partially_filled');
CREATE TABLE order_events (
  seq INTEGER PRIMARY KEY,
  cloid TEXT NOT NULL REFERENCES orders(cloid),
  event TEXT NOT NULL, state_after TEXT NOT NULL, time INTEGER NOT NULL, oid INTEGER,
  fill_size INTEGER NOT NULL, fill_price INTEGER NOT NULL, fee INTEGER NOT NULL, detail TEXT NOT NULL
);
CREATE INDEX order_events_by_cloid ON order_events(cloid, seq);
CREATE TABLE fills (
  tid INTEGER PRIMARY KEY,
  coin TEXT NOT NULL, px INTEGER NOT NULL, sz INTEGER NOT NULL, buy INTEGER NOT NULL,
  time INTEGER NOT NULL, start_position INTEGER NOT NULL, dir TEXT NOT NULL,
  closed_pnl INTEGER NOT NULL, hash TEXT NOT NULL, oid INTEGER NOT NULL, crossed INTEGER NOT NULL,
  fee INTEGER NOT NULL, cloid TEXT, fee_token TEXT NOT NULL, liquidation INTEGER NOT NULL
);
CREATE INDEX fills_by_coin_time ON fills(coin, time, tid);
CREATE TABLE positions (
  seq INTEGER PRIMARY KEY,
  strategy TEXT NOT NULL, coin TEXT NOT NULL, size INTEGER NOT NULL, entry_price INTEGER NOT NULL,
  realized_pnl INTEGER NOT NULL, fees INTEGER NOT NULL, funding INTEGER NOT NULL,
  time INTEGER NOT NULL, cause TEXT NOT NULL
);
CREATE INDEX positions_latest ON positions(strategy, coin, seq);
-- The strategies' books in journal order: a row per fill of one of our orders (its strategy
-- joined through the cloid when the fill is journaled; size signed, positive bought) and a row
-- per funding payment the trading loop booked (paid > 0). One table, so one seq orders both.
CREATE TABLE ledger (
  seq INTEGER PRIMARY KEY,
  tid INTEGER, strategy TEXT NOT NULL, coin TEXT NOT NULL, time INTEGER NOT NULL,
  size INTEGER NOT NULL, price INTEGER NOT NULL, fee INTEGER NOT NULL, funding INTEGER NOT NULL
);
CREATE TABLE journal_counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
INSERT INTO journal_counters VALUES ('duplicate_fills', 0);
)";

// Version 3: the risk manager's record (risk_journal.hpp). Figures and memory are JSON text: they
// are read back whole, never queried by part.
constexpr const char* kRiskSchema = R"(
CREATE TABLE risk_transitions (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL, reason TEXT NOT NULL,
  figures TEXT NOT NULL, description TEXT NOT NULL
);
CREATE TABLE risk_memory (id INTEGER PRIMARY KEY CHECK (id = 1), memory TEXT NOT NULL, time INTEGER NOT NULL);
CREATE TABLE risk_commands (
  id INTEGER PRIMARY KEY,
  time INTEGER NOT NULL, command TEXT NOT NULL CHECK (command IN ('resume', 'halt')), by TEXT NOT NULL,
  applied_at INTEGER
);
CREATE TABLE risk_checks (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL, strategy TEXT NOT NULL, coin TEXT NOT NULL, cloid TEXT NOT NULL,
  reason TEXT NOT NULL, rejected INTEGER NOT NULL, size_before INTEGER NOT NULL,
  size_after INTEGER NOT NULL, detail TEXT NOT NULL
);
)";

// Version 4: the allocation stage's record (allocation_stage.hpp), a row per (strategy, coin) at
// every rebalance, written before the intents it causes. Weight and exposure are fractions of
// capital, not money: REAL. IF NOT EXISTS: a migration from 2 or 3 runs it whatever came before.
constexpr const char* kAllocationSchema = R"(
CREATE TABLE IF NOT EXISTS allocations (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL, strategy TEXT NOT NULL, coin TEXT NOT NULL, weight REAL NOT NULL,
  exposure REAL NOT NULL
);
)";

}  // namespace

void prepare_journal_schema(data::sqlite::Db& db) {
  const std::int64_t app_id = pragma_int(db, "PRAGMA application_id");
  const std::int64_t version = pragma_int(db, "PRAGMA user_version");
  const std::int64_t tables = pragma_int(db, "SELECT count(*) FROM sqlite_master");
  const bool fresh = app_id == 0 && version == 0 && tables == 0;
  if (!fresh && app_id != kJournalApplicationId) {
    throw core::Error(fmt::format("{} is not an organism trading journal (a SQLite file with {} schema object{}); "
                                  "organism will not write its journal into it",
                                  db.path(), tables, tables == 1 ? "" : "s"));
  }
  if (version > kJournalSchemaVersion) {
    throw core::Error(fmt::format("journal {}: schema version {}, this organism writes {} (a newer organism made it)",
                                  db.path(), version, kJournalSchemaVersion));
  }
  if (!fresh && version < 2) {
    // The journal was unreleased before version 2: no migration, a clear refusal instead.
    throw core::Error(fmt::format("journal {}: schema version {} from a development build of organism; this organism "
                                  "writes version {} (move the file away to start a new journal)",
                                  db.path(), version, kJournalSchemaVersion));
  }
  // WAL with synchronous=FULL: every commit fsyncs the log before returning, so an event that
  // was acknowledged survives kill -9 and power loss; WAL lets `organism orders` read meanwhile.
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;");
  if (fresh) {
    data::sqlite::Transaction tx(db);
    db.exec(kSchema);
    db.exec(kRiskSchema);
    db.exec(kAllocationSchema);
    db.exec(fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {};", kJournalApplicationId,
                        kJournalSchemaVersion));
    tx.commit();
  } else if (version < kJournalSchemaVersion) {
    // In place, in one transaction: a kill during it leaves the old version, migrated at the next
    // open.
    data::sqlite::Transaction tx(db);
    if (version == 2) db.exec(kRiskSchema);
    db.exec(kAllocationSchema);
    db.exec(fmt::format("PRAGMA user_version = {};", kJournalSchemaVersion));
    tx.commit();
  }
}

std::optional<std::uint64_t> optional_oid(const Statement& st, int index) {
  if (st.column_is_null(index)) return std::nullopt;
  return static_cast<std::uint64_t>(st.column_int(index));
}

const char* const kOrderColumns =
    "strategy, coin, bar_time, sequence, side, size, price, style, taker_fallback_ms, reduce_only, leg, "
    "cloid, oid, state, filled_size, average_price, fees, created_ms, updated_ms";

Order order_from_row(const Statement& st) {
  Order order;
  OrderIntent& intent = order.intent;
  intent.strategy_id = st.column_text(0);
  intent.coin = st.column_text(1);
  intent.bar_time = st.column_int(2);
  intent.sequence = static_cast<std::uint32_t>(st.column_int(3));
  intent.side = side_from(st.column_text(4));
  intent.size = st.column_int(5);
  intent.price = st.column_int(6);
  intent.style = exec_style_from(st.column_text(7));
  intent.taker_fallback_ms = st.column_int(8);
  intent.reduce_only = st.column_int(9) != 0;
  order.leg = order_leg_from(st.column_text(10));
  order.cloid = st.column_text(11);
  order.oid = optional_oid(st, 12);
  order.state = order_state_from(st.column_text(13));
  order.filled_size = st.column_int(14);
  order.average_price = st.column_int(15);
  order.fees = st.column_int(16);
  order.created_ms = st.column_int(17);
  order.updated_ms = st.column_int(18);
  return order;
}


}  // namespace organism::exec
