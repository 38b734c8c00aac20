// The store's schema history. Each migration moves the schema from version i to i+1; PRAGMA
// user_version records where a file stands. Never edit a migration that has shipped: add one.
#include <array>
#include <string_view>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/store.hpp"

namespace organism::data {
namespace {

constexpr std::array<std::string_view, Store::kSchemaVersion> kMigrations{
    // 0 -> 1: candles, funding, sentiment.
    R"sql(
    CREATE TABLE series (
      id INTEGER PRIMARY KEY,
      venue TEXT NOT NULL,
      coin TEXT NOT NULL,
      interval TEXT NOT NULL,
      UNIQUE (venue, coin, interval)
    );
    CREATE TABLE candles (
      series_id INTEGER NOT NULL REFERENCES series(id),
      time INTEGER NOT NULL,
      open REAL NOT NULL,
      high REAL NOT NULL,
      low REAL NOT NULL,
      close REAL NOT NULL,
      volume REAL NOT NULL,
      trades INTEGER,
      PRIMARY KEY (series_id, time)
    ) WITHOUT ROWID;
    CREATE TABLE funding_series (
      id INTEGER PRIMARY KEY,
      venue TEXT NOT NULL,
      coin TEXT NOT NULL,
      interval_ms INTEGER NOT NULL,
      UNIQUE (venue, coin)
    );
    CREATE TABLE funding (
      series_id INTEGER NOT NULL REFERENCES funding_series(id),
      time INTEGER NOT NULL,
      rate REAL NOT NULL,
      PRIMARY KEY (series_id, time)
    ) WITHOUT ROWID;
    CREATE TABLE sentiment (
      source TEXT NOT NULL,
      time INTEGER NOT NULL,
      value INTEGER NOT NULL,
      classification TEXT NOT NULL,
      PRIMARY KEY (source, time)
    ) WITHOUT ROWID;
    )sql",
    // 1 -> 2: evolution runs, their latest checkpoint, and the strategies they found.
    R"sql(
    CREATE TABLE runs (
      id TEXT PRIMARY KEY,
      created INTEGER NOT NULL,
      options TEXT NOT NULL,
      universe TEXT NOT NULL,
      status TEXT NOT NULL,
      generation INTEGER NOT NULL,
      evaluations INTEGER NOT NULL,
      seconds REAL NOT NULL,
      result TEXT
    );
    CREATE TABLE checkpoints (
      run_id TEXT PRIMARY KEY REFERENCES runs(id),
      generation INTEGER NOT NULL,
      state TEXT NOT NULL
    );
    CREATE TABLE strategies (
      id TEXT PRIMARY KEY,
      run_id TEXT REFERENCES runs(id),
      family TEXT NOT NULL,
      generation INTEGER NOT NULL,
      genome TEXT NOT NULL,
      parents TEXT NOT NULL,
      metrics TEXT NOT NULL,
      state TEXT NOT NULL,
      created INTEGER NOT NULL,
      updated INTEGER NOT NULL
    );
    CREATE INDEX strategies_by_run ON strategies (run_id);
    )sql",
    // 2 -> 3: the evidence of a strategy's validation (gates, DSR, robustness), as JSON.
    R"sql(
    ALTER TABLE strategies ADD COLUMN validation TEXT;
    )sql",
    // 3 -> 4: every lifecycle move of a strategy, with its time, reason and evidence. Strategies
    // stored before this had no events: each gets a synthetic birth at its creation time and,
    // when it has since left `testing`, one synthetic move to its current state at its last
    // update (evidence: its stored validation), so every history ends at the stored state.
    R"sql(
    CREATE TABLE strategy_events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      strategy_id TEXT NOT NULL REFERENCES strategies(id),
      time INTEGER NOT NULL,
      from_state TEXT,
      to_state TEXT NOT NULL,
      reason TEXT NOT NULL,
      evidence TEXT NOT NULL
    );
    CREATE INDEX strategy_events_by_strategy ON strategy_events (strategy_id, seq);
    INSERT INTO strategy_events (strategy_id, time, from_state, to_state, reason, evidence)
      SELECT id, created, NULL, 'testing', 'migrated: born before events were recorded', '{}'
      FROM strategies ORDER BY id;
    INSERT INTO strategy_events (strategy_id, time, from_state, to_state, reason, evidence)
      SELECT id, updated, 'testing', state, 'migrated: state set before events were recorded',
             COALESCE(validation, '{}')
      FROM strategies WHERE state <> 'testing' ORDER BY id;
    )sql",
    // 4 -> 5: every series' row count and checksum (times and closes, rates or values), so a
    // damaged page read as fewer rows is caught on load. NULL until computed: migrate() fills
    // them in C++ (Store::record_missing_summaries) right after.
    R"sql(
    ALTER TABLE series ADD COLUMN row_count INTEGER;
    ALTER TABLE series ADD COLUMN checksum INTEGER;
    ALTER TABLE funding_series ADD COLUMN row_count INTEGER;
    ALTER TABLE funding_series ADD COLUMN checksum INTEGER;
    CREATE TABLE sentiment_series (
      source TEXT PRIMARY KEY,
      row_count INTEGER,
      checksum INTEGER
    );
    )sql",
    // 5 -> 6: every run that found a strategy (a strategy found again kept only its latest run),
    // and the process executing a run (one at a time). A stored strategy gets one link, to the run
    // it names, at its creation time.
    R"sql(
    CREATE TABLE strategy_runs (
      strategy_id TEXT NOT NULL REFERENCES strategies(id),
      run_id TEXT NOT NULL REFERENCES runs(id),
      generation INTEGER NOT NULL,
      found_at INTEGER NOT NULL,
      PRIMARY KEY (strategy_id, run_id)
    ) WITHOUT ROWID;
    CREATE INDEX strategy_runs_by_run ON strategy_runs (run_id);
    INSERT INTO strategy_runs (strategy_id, run_id, generation, found_at)
      SELECT id, run_id, generation, created FROM strategies
      WHERE run_id IN (SELECT id FROM runs) ORDER BY id;
    CREATE TABLE run_locks (
      run_id TEXT PRIMARY KEY REFERENCES runs(id),
      pid INTEGER NOT NULL,
      host TEXT NOT NULL,
      started INTEGER NOT NULL
    );
    )sql",
    // 6 -> 7: the market regime label of each bar of a candles series (indicators/regime.hpp's
    // code, 0..95), written by `organism portfolio regimes`.
    R"sql(
    CREATE TABLE regimes (
      series_id INTEGER NOT NULL REFERENCES series(id),
      time INTEGER NOT NULL,
      code INTEGER NOT NULL,
      PRIMARY KEY (series_id, time)
    ) WITHOUT ROWID;
    )sql",
    // 7 -> 8: each traded strategy's book per bar as a trading session saw it (the lifecycle
    // rules' live returns), and the post-mortem of each retired strategy (docs/lifecycle.md).
    R"sql(
    CREATE TABLE strategy_marks (
      strategy_id TEXT NOT NULL REFERENCES strategies(id),
      session TEXT NOT NULL,
      time INTEGER NOT NULL,
      equity REAL NOT NULL,
      ret REAL,
      gross_exposure REAL NOT NULL,
      PRIMARY KEY (strategy_id, session, time)
    ) WITHOUT ROWID;
    CREATE TABLE postmortems (
      strategy_id TEXT PRIMARY KEY REFERENCES strategies(id),
      time INTEGER NOT NULL,
      json TEXT NOT NULL
    );
    )sql",
};

}  // namespace

void Store::migrate() {
  const int version = schema_version();
  if (version > kSchemaVersion) {
    throw core::Error(fmt::format("store {}: schema version {} is newer than this organism knows ({}); upgrade organism",
                                  db_->path(), version, kSchemaVersion));
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    auto tx = transaction();
    db_->exec(kMigrations[static_cast<std::size_t>(v)]);
    db_->exec(fmt::format("PRAGMA user_version = {}", v + 1));
    tx.commit();
  }
  // Row counts and checksums need C++ (the hash), so the migration adding their columns leaves
  // them NULL and they are filled here; a store whose fill was interrupted gets it on the next
  // open for writing (until then its loads skip the check and `data verify` reports it).
  auto tx = transaction();
  record_missing_summaries();
  tx.commit();
}

}  // namespace organism::data
