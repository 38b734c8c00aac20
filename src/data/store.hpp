// The market-data store: a SQLite file in WAL mode (the default) or a PostgreSQL database (a
// postgresql:// URL), one versioned schema and the same behaviour on both (sql.hpp). Candles keyed by
// (venue, coin, interval, time), funding by (venue, coin, time), sentiment by (source, time).
// Used by the data commands now, and by evolution and trading to load series.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "data/series.hpp"
#include "data/sql.hpp"

namespace organism::data {

// What an upsert did: new rows, rows whose values changed, rows already identical.
struct UpsertCounts {
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
};

struct SeriesInfo {
  SeriesKey key;
  std::int64_t bars = 0;
  TimeMs first = 0, last = 0;
  std::int64_t gaps = 0;     // places where consecutive bars are more than one interval apart
  std::int64_t missing = 0;  // absent bars in those gaps
};

struct FundingInfo {
  std::string venue, coin;
  TimeMs interval_ms = 0;
  std::int64_t rows = 0;
  TimeMs first = 0, last = 0;
  std::int64_t gaps = 0, missing = 0;
};

struct SentimentInfo {
  std::string source;
  std::int64_t rows = 0;
  TimeMs first = 0, last = 0;
  std::int64_t gaps = 0, missing = 0;
};

// A 64-bit FNV-1a over each row's time and value (close, rate or sentiment value) in time
// order: the store records it with the row count of every series at import and compares both
// on every whole-series load, so a damaged page that SQLite reads as fewer or other rows is an
// error instead of a shorter series.
std::uint64_t series_checksum(std::span<const TimeMs> times, std::span<const double> values);
// The checksum of a series' rows followed by more rows, from the checksum of the first part: FNV-1a
// runs front to back, so rows appended after the last one extend it in O(rows appended). This is
// what keeps a live stream's one-bar writes from re-reading the whole series.
std::uint64_t extend_series_checksum(std::uint64_t checksum, std::span<const TimeMs> times,
                                     std::span<const double> values);

// What `organism data verify` found (store_integrity.cpp): SQLite's integrity_check, then every
// series read whole and compared with the row count and checksum recorded at import.
struct SeriesCheck {
  std::string kind;   // candles | funding | sentiment
  std::string label;  // venue:coin:interval, venue:coin or the sentiment source
  std::int64_t rows_read = 0, rows_recorded = 0;
  std::string problem;  // empty when the series is intact
};
struct VerifyReport {
  std::vector<std::string> integrity;  // {"ok"} or SQLite's list of problems
  std::vector<SeriesCheck> series;
  std::string series_error;  // set when the list of series itself could not be read
  bool ok() const;
};

// Regime labels of one candles series (store_regimes.cpp): one byte per bar, the code of
// indicators::Regime (the data layer stores it without reading it).
struct RegimeLabels {
  std::vector<TimeMs> time;
  std::vector<std::uint8_t> code;
  std::size_t size() const { return time.size(); }
};

// An evolution run: its options and universe (JSON), where it stands, and its result (JSON).
struct RunRecord {
  std::string id;
  TimeMs created = 0;
  std::string options;   // JSON
  std::string universe;  // JSON
  std::string status;    // running | interrupted | finished
  int generation = 0;    // last completed
  std::int64_t evaluations = 0;
  double seconds = 0;
  std::string result;  // JSON; empty until finished
};

// One run that found a strategy: the strategy keeps one id (its genome's) whichever runs find it.
struct StrategyFinding {
  std::string run_id;
  int generation = 0;  // of the strategy's genome in that run
  TimeMs found = 0;
};

// The process executing a run (a second process refuses to execute it while this one lives).
struct RunLockRecord {
  std::string run_id;
  std::int64_t pid = 0;
  std::string host;
  TimeMs started = 0;
};

// A strategy found by a run: its genome (canonical JSON), parents (JSON array of ids), metrics
// (JSON by stage), lifecycle state (testing, validated, ...) and the evidence of its last
// validation (JSON; empty until validated).
struct StrategyRecord {
  std::string id, run_id, family, genome, parents, metrics, state, validation;  // run_id: the first run that found it
  int generation = 0;
  TimeMs created = 0, updated = 0;
  std::vector<StrategyFinding> found_by;  // every run that found it, oldest first (filled by list/load)
};

// One move of a strategy's lifecycle state (store_events.cpp). `from_state` is empty for its
// birth. States are the lifecycle layer's names ("testing", "validated", ...); the data layer
// stores them as text and leaves their meaning and legal moves to src/lifecycle/.
struct StrategyEvent {
  std::int64_t seq = 0;  // assigned by the store, increasing in the order events were written
  std::string strategy_id;
  TimeMs time = 0;
  std::string from_state, to_state;
  std::string reason;    // human text
  std::string evidence;  // JSON
};

// One bar of a strategy's book as a trading session saw it (store_marks.cpp), written by the
// daemon at each closed bar and read by the lifecycle rules.
struct StrategyMark {
  std::string strategy_id;
  TimeMs time = 0;            // the bar's open time
  std::string session;        // "paper" or "production"
  double equity = 0;          // its book's equity at that bar's close (USD)
  // Return since its previous mark of the same session epoch; NaN at an epoch's first bar.
  double ret = std::numeric_limits<double>::quiet_NaN();
  double gross_exposure = 0;  // sum over coins of |exposure| as held
};

// The post-mortem of a retired strategy (its JSON is lifecycle/postmortem.hpp's record).
struct PostmortemRecord {
  std::string strategy_id;
  TimeMs time = 0;  // market time of the retirement
  std::string json;
};

class Store {
 public:
  // The newest schema this build knows; a store with a newer one is refused (written by a newer
  // organism), an older one is migrated forward on open for writing.
  static constexpr int kSchemaVersion = 8;

  // `path` is a file (or sqlite:FILE) or a postgresql:// URL (sql::open_connection).
  // Opens for reading and writing, creating the file (a SQLite store) and schema as needed.
  static Store open(const std::string& path);
  // Whether a store may be at `path`: the file exists, or it names a server (whose answer comes
  // when it is opened).
  static bool may_exist(const std::string& path);
  // Opens an existing store for reading; core::Error if it does not exist.
  static Store open_existing(const std::string& path);
  // Opens an existing store for reading and writing, migrating it; core::Error if it does not exist.
  static Store open_existing_for_update(const std::string& path);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  int schema_version();
  // The file's path or the server's URL without its password.
  const std::string& path() const;
  // Whether the store lives on a PostgreSQL server (shared by processes on several hosts).
  bool on_server() const;
  // The store's own connection, for readers of the whole store (organism data migrate).
  sql::Connection& connection() { return *db_; }

  // Everything written through one Transaction commits together or not at all.
  sql::Transaction transaction();

  UpsertCounts upsert_candles(const SeriesKey& key, const CandleView& bars);
  UpsertCounts upsert_funding(const FundingSeries& funding);
  UpsertCounts upsert_sentiment(const SentimentSeries& sentiment);

  // Regime labels per bar of a stored candles series (store_regimes.cpp), upserted by time in one
  // write; returns the rows written. core::Error if the series is not stored (labels describe its
  // bars), core::UsageError if the spans differ in length. Derived data: no checksum, a lost label
  // is recomputed by `portfolio regimes`.
  std::size_t upsert_regimes(const SeriesKey& key, std::span<const TimeMs> times, std::span<const std::uint8_t> codes);
  // The labels in time order, or those with from <= time < to; empty for an unknown series.
  RegimeLabels load_regimes(const SeriesKey& key, std::optional<TimeMs> from = {}, std::optional<TimeMs> to = {});

  // Removes a series and its rows, its regime labels included (used to replace a regenerated synthetic market whole).
  void delete_candles(const SeriesKey& key);
  void delete_funding(const std::string& venue, const std::string& coin);

  std::vector<SeriesInfo> list_series();
  std::vector<FundingInfo> list_funding();
  std::vector<SentimentInfo> list_sentiment();

  // All bars of a series in time order, or those with from <= time < to.
  std::optional<Candles> load_candles(const SeriesKey& key, std::optional<TimeMs> from = {},
                                      std::optional<TimeMs> to = {});
  std::optional<FundingSeries> load_funding(const std::string& venue, const std::string& coin);
  std::optional<SentimentSeries> load_sentiment(const std::string& source);

  // Runs PRAGMA integrity_check and reads every series whole against its recorded count and
  // checksum (store_integrity.cpp). Never throws for damage it finds: it reports it.
  VerifyReport verify();
  // Copies the store into `out` (a new SQLite file), a consistent snapshot safe while other processes write:
  // SQLite's online backup API from a file store; from a server store, organism data migrate's verified copy
  // (store_migrate.hpp). Written through a temporary file beside `out`, renamed on success.
  // core::UsageError if `out` exists and !overwrite; core::Error if it is not a regular file.
  void backup_to(const std::string& out, bool overwrite);

  // Runs, checkpoints and strategies (store_runs.cpp). Saves are upserts by id.
  void save_run(const RunRecord& run);
  // Inserts a new run; false (and nothing written) when its id is taken, so concurrent processes
  // that pick the same id cannot share a run: the table's primary key decides.
  bool insert_run(const RunRecord& run);
  // Records that a run found a strategy (once per run; a second call for the pair changes nothing).
  void link_strategy_run(const std::string& strategy_id, const StrategyFinding& finding);
  // Run ownership on a server store: a session advisory lock on the run's id, held by this
  // connection until release_run or the process's end (a killed process's lock goes with its
  // connection, on whichever host it ran). true when this process now owns the run. A SQLite store
  // has no such lock (true): its run_locks row and the holder's pid decide.
  bool try_own_run(const std::string& run_id);
  void release_run(const std::string& run_id);
  // Run locks: at most one row per run, naming the process that executes it.
  std::optional<RunLockRecord> load_run_lock(const std::string& run_id);
  void save_run_lock(const RunLockRecord& lock);  // replaces the run's lock
  // Removes the run's lock if it is still this process's (pid and host).
  void delete_run_lock(const RunLockRecord& lock);
  std::optional<RunRecord> load_run(const std::string& id);
  std::vector<RunRecord> list_runs();  // newest first
  // One checkpoint per run: the latest replaces the previous.
  void save_checkpoint(const std::string& run_id, int generation, const std::string& state);
  std::optional<std::string> load_checkpoint(const std::string& run_id);
  // Upsert; a stored strategy keeps its first run (run_id), see link_strategy_run.
  void save_strategy(const StrategyRecord& strategy);
  // Every strategy, or those a run found (first or again), by id.
  std::vector<StrategyRecord> list_strategies(const std::string& run_id = "");
  // Sets a strategy's state (testing or validated; a strategy in any other state keeps it) and
  // its validation evidence (JSON); core::Error for an unknown id.
  void set_strategy_validation(const std::string& id, const std::string& state, const std::string& validation,
                               TimeMs updated);

  // Strategy lifecycle events (store_events.cpp); the lifecycle layer decides which moves are legal.
  std::optional<StrategyRecord> load_strategy(const std::string& id);
  // Inserts a new strategy and its birth event together; core::Error if the id exists.
  void insert_strategy_born(const StrategyRecord& strategy, const StrategyEvent& birth);
  // Moves a strategy from event.from_state to event.to_state and appends the event, together;
  // `validation`, when given, replaces its validation evidence in the same write. core::Error if
  // the strategy is unknown or no longer in from_state (someone moved it since it was read).
  void record_strategy_event(const StrategyEvent& event, const std::optional<std::string>& validation = {});
  // A strategy's events, oldest first; empty for an unknown id.
  std::vector<StrategyEvent> list_strategy_events(const std::string& strategy_id);

  // Strategy marks and post-mortems (store_marks.cpp). Marks are upserted by (strategy_id,
  // session, time): a bar decided again after a restart rewrites its row, never doubles it.
  // Returns the rows written; core::Error naming the strategy when it is not stored.
  std::size_t upsert_marks(std::span<const StrategyMark> marks);
  // A strategy's marks of every session, by time then session, or those with from <= time < to.
  std::vector<StrategyMark> load_marks(const std::string& strategy_id, std::optional<TimeMs> from = {},
                                       std::optional<TimeMs> to = {});
  // Replaces the strategy's post-mortem; a savepoint, so it joins the retirement's transaction.
  void save_postmortem(const PostmortemRecord& record);
  std::optional<PostmortemRecord> load_postmortem(const std::string& strategy_id);
  std::vector<PostmortemRecord> list_postmortems();  // by time, then id

  // Venues that hold coin at interval (any interval if empty), sorted.
  std::vector<std::string> venues_for(const std::string& coin, const std::string& interval = "");

 private:
  explicit Store(std::unique_ptr<sql::Connection> db);
  void migrate();
  void migrate_server();  // store_schema_server.cpp
  void tune_reads();
  // core::Error unless the file is empty or an organism store: organism never adds its tables
  // to someone else's database.
  void refuse_foreign_database();
  std::optional<std::int64_t> series_id(const SeriesKey& key);
  // Row counts and checksums (store_integrity.cpp). record_* recompute a series' summary from
  // its stored rows inside the caller's write; *_summary read what was recorded; check_series
  // throws core::Error naming the series when what was read disagrees with it.
  struct Summary {
    bool known = false;  // false only for a series written by no organism since the migration
    std::int64_t rows = 0;
    std::uint64_t checksum = 0;
  };
  void record_candles_summary(std::int64_t series_id);
  void record_funding_summary(std::int64_t series_id);
  void record_sentiment_summary(const std::string& source);
  void record_missing_summaries();  // fills series that predate the migration adding the columns
  // An append: `recorded` extended by rows that all lie after the series' last row (`table` is
  // series or funding_series).
  void record_appended_summary(std::string_view table, std::int64_t series_id, const Summary& recorded,
                               std::span<const TimeMs> times, std::span<const double> values);
  // Whether rows at `times` (as given) would all be appended after the series' last stored row,
  // with its summary known: then the write can extend the summary instead of recomputing it.
  bool appends_after_last(std::string_view rows_table, std::int64_t series_id, const Summary& recorded,
                          std::span<const TimeMs> times);
  Summary candles_summary(std::int64_t series_id);
  Summary funding_summary(std::int64_t series_id);
  Summary sentiment_summary(const std::string& source);
  void check_series(std::string_view kind, const std::string& label, const Summary& recorded,
                    std::span<const TimeMs> times, std::span<const double> values);
  // For loads of part of a series: reads its times and closes whole and checks them.
  void check_candles_whole(std::int64_t series_id, const SeriesKey& key);
  std::unique_ptr<sql::Connection> db_;
};

}  // namespace organism::data
