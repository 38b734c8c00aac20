#include "data/store.hpp"

#include <algorithm>
#include <bit>
#include <filesystem>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/store_copy.hpp"

namespace organism::data {

using sql::Statement;

Store::Store(std::unique_ptr<sql::Connection> db) : db_(std::move(db)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Store Store::open(const std::string& path) {
  Store store(sql::open_connection(path, sql::Connection::Mode::ReadWrite));
  store.refuse_foreign_database();  // before the journal-mode switch writes to the file
  if (store.on_server()) {
    store.migrate_server();
    return store;
  }
  // WAL lets readers (a dashboard, a second command) run while an import writes.
  store.db_->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
  store.tune_reads();
  store.migrate();
  return store;
}

namespace {

void require_exists(const std::string& path) {
  if (!Store::may_exist(path)) {
    throw core::Error(fmt::format("store {} does not exist (create it with 'organism data import' or 'organism data synth', or pass --db)", path));
  }
}

}  // namespace

bool Store::may_exist(const std::string& path) {
  if (sql::is_server_location(path)) return true;
  // sqlite:FILE names FILE (sql::open_connection), as `data migrate --from sqlite:F` writes it.
  return std::filesystem::exists(path.starts_with("sqlite:") ? path.substr(7) : path);
}

Store Store::open_existing_for_update(const std::string& path) {
  require_exists(path);
  Store store = open(path);
  return store;
}

Store Store::open_existing(const std::string& path) {
  require_exists(path);
  Store store(sql::open_connection(path, sql::Connection::Mode::ReadOnly));
  store.tune_reads();
  store.refuse_foreign_database();
  const int version = store.schema_version();
  if (version == 0 && store.on_server()) {
    throw core::Error(fmt::format("store {} holds no organism store yet (create it with 'organism data import', "
                                  "'organism data synth' or 'organism data migrate --to')", store.path()));
  }
  if (version != kSchemaVersion) {
    throw core::Error(fmt::format("store {}: schema version {}, this organism reads {}{}", store.path(), version,
                                  kSchemaVersion, version < kSchemaVersion ? " (open it once for writing, e.g. with an import, to migrate)" : ""));
  }
  return store;
}

void Store::tune_reads() {
  if (on_server()) return;  // the server's own caches
  // Memory-mapped reads skip a copy per page, and a 64 MiB page cache keeps a re-read series
  // warm: together they cut loading 1M candles by about a third.
  db_->exec("PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536;");
}

bool Store::on_server() const { return db_->dialect() == sql::Dialect::Postgres; }

int Store::schema_version() {
  if (on_server()) {
    // organism_schema holds one row, the version (PRAGMA user_version's counterpart).
    Statement has(*db_, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                        "AND table_name = 'organism_schema'");
    has.step_row();
    if (has.column_int(0) == 0) return 0;
    Statement st(*db_, "SELECT version FROM organism_schema");
    return st.step() ? static_cast<int>(st.column_int(0)) : 0;
  }
  Statement st(*db_, "PRAGMA user_version");
  st.step_row();
  return static_cast<int>(st.column_int(0));
}

void Store::refuse_foreign_database() {
  const int version = schema_version();
  Statement st(*db_, on_server() ? "SELECT count(*), count(*) FILTER (WHERE table_name = 'series') "
                                   "FROM information_schema.tables WHERE table_schema = current_schema()"
                                 : "SELECT count(*), coalesce(sum(name = 'series'), 0) FROM sqlite_master WHERE type = 'table'");
  st.step_row();
  const std::int64_t tables = st.column_int(0);
  if (st.column_int(1) > 0 || (tables == 0 && version == 0)) return;  // an organism store, or a new file
  throw core::Error(fmt::format(
      "{} is a {} that organism did not create ({} table{}, schema version {}, none of organism's); "
      "organism will not add its tables to it: pass --db with a new {} or an organism store",
      path(), on_server() ? "PostgreSQL database" : "SQLite database", tables, tables == 1 ? "" : "s", version,
      on_server() ? "database" : "file"));
}

const std::string& Store::path() const { return db_->path(); }

sql::Transaction Store::transaction() { return sql::Transaction(*db_); }

std::optional<std::int64_t> Store::series_id(const SeriesKey& key) {
  auto st = db_->cached("SELECT id FROM series WHERE venue = ? AND coin = ? AND interval = ?");
  st->bind(1, key.venue).bind(2, key.coin).bind(3, key.interval.name());
  if (!st->step()) return std::nullopt;
  return st->column_int(0);
}

namespace {

std::int64_t count_rows(sql::Connection& db, std::string_view table, std::int64_t id) {
  auto st = db.cached(fmt::format("SELECT count(*) FROM {} WHERE series_id = ?", table));
  st->bind(1, id);
  st->step_row();
  return st->column_int(0);
}

// Turns per-row change flags into the three counts. `changed` counts inserts plus real updates
// (a no-op upsert changes no row).
UpsertCounts counts(std::int64_t rows, std::int64_t changed, std::int64_t before, std::int64_t after) {
  UpsertCounts c;
  c.inserted = after - before;
  c.updated = changed - c.inserted;
  c.unchanged = rows - changed;
  return c;
}

// The recorded checksum of a series without rows, as stored.
std::int64_t empty_summary_checksum() { return std::bit_cast<std::int64_t>(series_checksum({}, {})); }

}  // namespace

UpsertCounts Store::upsert_candles(const SeriesKey& key, const CandleView& bars) {
  sql::Savepoint sp(*db_);
  // Look up first: the series exists for every bar after the first, and a read takes no write
  // of the series table.
  auto known = series_id(key);
  if (!known) {
    // Born with the summary of no rows, so that its first rows are an append: no count and no
    // read-back of what was just written.
    db_->cached("INSERT INTO series (venue, coin, interval, row_count, checksum) VALUES (?, ?, ?, 0, ?) ON CONFLICT DO NOTHING")
        ->bind(1, key.venue).bind(2, key.coin).bind(3, key.interval.name()).bind(4, empty_summary_checksum()).run();
    known = series_id(key);
  }
  const std::int64_t id = *known;
  // A live stream appends one bar at a time: then neither the count nor the checksum needs the
  // whole series read again.
  const auto recorded = candles_summary(id);
  const bool append = appends_after_last("candles", id, recorded, bars.time);
  const std::int64_t before = append ? recorded.rows : count_rows(*db_, "candles", id);
  static const std::string upsert = std::string(R"sql(
    INSERT INTO candles (series_id, time, open, high, low, close, volume, trades)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?))sql") + copy::kCandleOnConflict;
  auto st = db_->cached(upsert);
  std::int64_t changed = 0;
  // A server takes many rows fastest by COPY (one round trip instead of one per row).
  const std::size_t rows_one_by_one = on_server() && bars.size() >= copy::kMinRows ? 0 : bars.size();
  if (rows_one_by_one == 0) {
    changed = copy::candles(*db_, id, bars, append || (before == 0 && copy::strictly_increasing(bars.time))).changed;
  }
  for (std::size_t i = 0; i < rows_one_by_one; ++i) {
    st->bind(1, id).bind(2, bars.time[i]).bind(3, bars.open[i]).bind(4, bars.high[i]).bind(5, bars.low[i])
        .bind(6, bars.close[i]).bind(7, bars.volume[i]);
    if (bars.trades[i] == kUnknownTrades) {
      st->bind_null(8);
    } else {
      st->bind(8, bars.trades[i]);
    }
    st->run();
    changed += db_->changes();
  }
  const auto n = static_cast<std::int64_t>(bars.size());
  if (append) {
    record_appended_summary("series", id, recorded, bars.time, bars.close);
    sp.release();
    return counts(n, changed, before, before + n);
  }
  const auto result = counts(n, changed, before, count_rows(*db_, "candles", id));
  record_candles_summary(id);
  sp.release();
  return result;
}

UpsertCounts Store::upsert_funding(const FundingSeries& funding) {
  sql::Savepoint sp(*db_);
  std::int64_t id = 0;
  {
    auto find = db_->cached("SELECT id, interval_ms FROM funding_series WHERE venue = ? AND coin = ?");
    find->bind(1, funding.venue).bind(2, funding.coin);
    if (find->step()) {
      id = find->column_int(0);
      if (find->column_int(1) != funding.interval_ms) {
        throw core::Error(fmt::format("funding {}:{} is stored with an interval of {} ms; these rows have {} ms",
                                      funding.venue, funding.coin, find->column_int(1), funding.interval_ms));
      }
    } else {
      auto insert = db_->cached(
          "INSERT INTO funding_series (venue, coin, interval_ms, row_count, checksum) VALUES (?, ?, ?, 0, ?) RETURNING id");
      insert->bind(1, funding.venue).bind(2, funding.coin).bind(3, funding.interval_ms).bind(4, empty_summary_checksum());
      insert->step_row();
      id = insert->column_int(0);
    }
  }
  const auto recorded = funding_summary(id);
  const bool append = appends_after_last("funding", id, recorded, funding.time);
  const std::int64_t before = append ? recorded.rows : count_rows(*db_, "funding", id);
  auto st = db_->cached(R"sql(
    INSERT INTO funding (series_id, time, rate) VALUES (?, ?, ?)
    ON CONFLICT (series_id, time) DO UPDATE SET rate = excluded.rate WHERE funding.rate IS DISTINCT FROM excluded.rate)sql");
  std::int64_t changed = 0;
  const std::size_t rows_one_by_one = on_server() && funding.size() >= copy::kMinRows ? 0 : funding.size();
  if (rows_one_by_one == 0) {
    changed = copy::funding(*db_, id, funding, append || (before == 0 && copy::strictly_increasing(funding.time))).changed;
  }
  for (std::size_t i = 0; i < rows_one_by_one; ++i) {
    st->bind(1, id).bind(2, funding.time[i]).bind(3, funding.rate[i]).run();
    changed += db_->changes();
  }
  const auto n = static_cast<std::int64_t>(funding.size());
  if (append) {
    record_appended_summary("funding_series", id, recorded, funding.time, funding.rate);
    sp.release();
    return counts(n, changed, before, before + n);
  }
  const auto result = counts(n, changed, before, count_rows(*db_, "funding", id));
  record_funding_summary(id);
  sp.release();
  return result;
}

UpsertCounts Store::upsert_sentiment(const SentimentSeries& sentiment) {
  sql::Savepoint sp(*db_);
  auto count = [&] {
    auto st = db_->cached("SELECT count(*) FROM sentiment WHERE source = ?");
    st->bind(1, sentiment.source);
    st->step_row();
    return st->column_int(0);
  };
  const std::int64_t before = count();
  auto st = db_->cached(R"sql(
    INSERT INTO sentiment (source, time, value, classification) VALUES (?, ?, ?, ?)
    ON CONFLICT (source, time) DO UPDATE SET value = excluded.value, classification = excluded.classification
    WHERE sentiment.value IS DISTINCT FROM excluded.value
       OR sentiment.classification IS DISTINCT FROM excluded.classification)sql");
  std::int64_t changed = 0;
  for (std::size_t i = 0; i < sentiment.size(); ++i) {
    st->bind(1, sentiment.source).bind(2, sentiment.time[i]).bind(3, static_cast<std::int64_t>(sentiment.value[i]))
        .bind(4, sentiment.classification[i]).run();
    changed += db_->changes();
  }
  const auto result = counts(static_cast<std::int64_t>(sentiment.size()), changed, before, count());
  record_sentiment_summary(sentiment.source);
  sp.release();
  return result;
}

void Store::delete_candles(const SeriesKey& key) {
  Statement labels(*db_, "DELETE FROM regimes WHERE series_id = (SELECT id FROM series WHERE venue = ? AND coin = ? AND interval = ?)");
  labels.bind(1, key.venue).bind(2, key.coin).bind(3, key.interval.name()).run();
  Statement rows(*db_, "DELETE FROM candles WHERE series_id = (SELECT id FROM series WHERE venue = ? AND coin = ? AND interval = ?)");
  rows.bind(1, key.venue).bind(2, key.coin).bind(3, key.interval.name()).run();
  Statement series(*db_, "DELETE FROM series WHERE venue = ? AND coin = ? AND interval = ?");
  series.bind(1, key.venue).bind(2, key.coin).bind(3, key.interval.name()).run();
}

void Store::delete_funding(const std::string& venue, const std::string& coin) {
  Statement rows(*db_, "DELETE FROM funding WHERE series_id = (SELECT id FROM funding_series WHERE venue = ? AND coin = ?)");
  rows.bind(1, venue).bind(2, coin).run();
  Statement series(*db_, "DELETE FROM funding_series WHERE venue = ? AND coin = ?");
  series.bind(1, venue).bind(2, coin).run();
}

namespace {

// A series' times and values (close, rate or sentiment value), which its checksum covers.
struct TimesValues {
  std::vector<TimeMs> times;
  std::vector<double> values;
};

TimesValues load_times(sql::Connection& db, std::string_view sql, auto&&... binds) {
  Statement st(db, sql);
  int i = 1;
  (st.bind(i++, binds), ...);
  TimesValues out;
  while (st.step()) {
    out.times.push_back(st.column_int(0));
    out.values.push_back(st.column_double(1));
  }
  return out;
}

template <typename Info>
void fill_span(Info& info, const std::vector<TimeMs>& times, const std::vector<Gap>& gaps) {
  info.first = times.empty() ? 0 : times.front();
  info.last = times.empty() ? 0 : times.back();
  info.gaps = static_cast<std::int64_t>(gaps.size());
  for (const auto& g : gaps) info.missing += g.missing;
}

}  // namespace

std::vector<SeriesInfo> Store::list_series() {
  const sql::ReadSnapshot snapshot(*db_);  // rows and recorded summaries of one state
  std::vector<SeriesInfo> out;
  Statement st(*db_, "SELECT id, venue, coin, interval FROM series");
  while (st.step()) {
    auto interval = core::Interval::parse(st.column_text(3));
    if (!interval) throw core::Error(fmt::format("store {}: series with unknown interval '{}'", path(), st.column_text(3)));
    SeriesInfo info{SeriesKey{st.column_text(1), st.column_text(2), *interval}};
    const auto id = st.column_int(0);
    const auto [times, closes] = load_times(*db_, "SELECT time, close FROM candles WHERE series_id = ? ORDER BY time", id);
    check_series("candles", info.key.label(), candles_summary(id), times, closes);
    if (times.empty()) continue;
    info.bars = static_cast<std::int64_t>(times.size());
    fill_span(info, times, find_gaps(times, *interval));
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(), [](const SeriesInfo& a, const SeriesInfo& b) {
    return std::tie(a.key.venue, a.key.coin) < std::tie(b.key.venue, b.key.coin) ||
           (std::tie(a.key.venue, a.key.coin) == std::tie(b.key.venue, b.key.coin) &&
            a.key.interval.nominal_ms() < b.key.interval.nominal_ms());
  });
  return out;
}

std::vector<FundingInfo> Store::list_funding() {
  const sql::ReadSnapshot snapshot(*db_);  // rows and recorded summaries of one state
  std::vector<FundingInfo> out;
  Statement st(*db_, "SELECT id, venue, coin, interval_ms FROM funding_series ORDER BY venue, coin");
  while (st.step()) {
    FundingInfo info{st.column_text(1), st.column_text(2), st.column_int(3)};
    const auto id = st.column_int(0);
    const auto [times, rates] = load_times(*db_, "SELECT time, rate FROM funding WHERE series_id = ? ORDER BY time", id);
    check_series("funding", info.venue + ":" + info.coin, funding_summary(id), times, rates);
    if (times.empty()) continue;
    info.rows = static_cast<std::int64_t>(times.size());
    fill_span(info, times, find_gaps(times, info.interval_ms));
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<SentimentInfo> Store::list_sentiment() {
  const sql::ReadSnapshot snapshot(*db_);  // rows and recorded summaries of one state
  std::vector<SentimentInfo> out;
  Statement st(*db_, "SELECT DISTINCT source FROM sentiment ORDER BY source");
  while (st.step()) {
    SentimentInfo info{st.column_text(0)};
    const auto [times, values] = load_times(*db_, "SELECT time, value FROM sentiment WHERE source = ? ORDER BY time", info.source);
    check_series("sentiment", info.source, sentiment_summary(info.source), times, values);
    info.rows = static_cast<std::int64_t>(times.size());
    fill_span(info, times, find_gaps(times, core::kDayMs));
    out.push_back(std::move(info));
  }
  return out;
}

std::optional<Candles> Store::load_candles(const SeriesKey& key, std::optional<TimeMs> from,
                                           std::optional<TimeMs> to) {
  const sql::ReadSnapshot snapshot(*db_);  // rows and recorded summaries of one state
  const auto id = series_id(key);
  if (!id) return std::nullopt;
  const TimeMs lo = from.value_or(INT64_MIN), hi = to.value_or(INT64_MAX);
  Candles bars;
  {
    // The span's first and last times come from the primary key in O(log n); the bar count it
    // implies is an upper bound (gaps only lower it) that spares a counting pass over the rows.
    Statement ends(*db_, R"sql(
      SELECT (SELECT time FROM candles WHERE series_id = ?1 AND time >= ?2 AND time < ?3 ORDER BY time LIMIT 1),
             (SELECT time FROM candles WHERE series_id = ?1 AND time >= ?2 AND time < ?3 ORDER BY time DESC LIMIT 1))sql");
    ends.bind(1, *id).bind(2, lo).bind(3, hi);
    ends.step_row();
    if (ends.column_is_null(0)) {
      check_candles_whole(*id, key);  // an empty range of a damaged series is no answer either
      return bars;
    }
    // Capped so that two bars years apart on a 1m grid cannot reserve gigabytes.
    constexpr std::int64_t kMaxReserve = 1 << 21;
    const std::int64_t span = key.interval.steps_between(key.interval.bucket_start(ends.column_int(0)), ends.column_int(1)) + 1;
    bars.reserve(static_cast<std::size_t>(std::min(span, kMaxReserve)));
  }
  Statement st(*db_, R"sql(
    SELECT time, open, high, low, close, volume, trades FROM candles
    WHERE series_id = ? AND time >= ? AND time < ? ORDER BY time)sql");
  st.bind(1, *id).bind(2, lo).bind(3, hi);
  while (st.step()) {
    bars.push_back(Bar{st.column_int(0), st.column_double(1), st.column_double(2), st.column_double(3),
                       st.column_double(4), st.column_double(5),
                       st.column_is_null(6) ? kUnknownTrades : st.column_int(6)});
  }
  // A whole series is checked as read; part of one needs the whole read again (times and
  // closes only), since its count and checksum cover the whole.
  if (!from && !to) {
    check_series("candles", key.label(), candles_summary(*id), bars.time(), bars.close());
  } else {
    check_candles_whole(*id, key);
  }
  return bars;
}

std::optional<FundingSeries> Store::load_funding(const std::string& venue, const std::string& coin) {
  const sql::ReadSnapshot snapshot(*db_);  // rows and recorded summaries of one state
  Statement find(*db_, "SELECT id, interval_ms FROM funding_series WHERE venue = ? AND coin = ?");
  find.bind(1, venue).bind(2, coin);
  if (!find.step()) return std::nullopt;
  FundingSeries out{venue, coin, find.column_int(1), {}, {}};
  const std::int64_t id = find.column_int(0);
  Statement st(*db_, "SELECT time, rate FROM funding WHERE series_id = ? ORDER BY time");
  st.bind(1, id);
  while (st.step()) {
    out.time.push_back(st.column_int(0));
    out.rate.push_back(st.column_double(1));
  }
  check_series("funding", venue + ":" + coin, funding_summary(id), out.time, out.rate);
  return out;
}

std::optional<SentimentSeries> Store::load_sentiment(const std::string& source) {
  const sql::ReadSnapshot snapshot(*db_);  // rows and recorded summaries of one state
  Statement st(*db_, "SELECT time, value, classification FROM sentiment WHERE source = ? ORDER BY time");
  st.bind(1, source);
  SentimentSeries out{source, {}, {}, {}};
  while (st.step()) {
    out.time.push_back(st.column_int(0));
    out.value.push_back(static_cast<int>(st.column_int(1)));
    out.classification.push_back(st.column_text(2));
  }
  const std::vector<double> values(out.value.begin(), out.value.end());
  check_series("sentiment", source, sentiment_summary(source), out.time, values);
  if (out.time.empty()) return std::nullopt;
  return out;
}

std::vector<std::string> Store::venues_for(const std::string& coin, const std::string& interval) {
  Statement st(*db_, R"sql(
    SELECT DISTINCT venue FROM series s WHERE coin = ? AND (? = '' OR interval = ?)
      AND EXISTS (SELECT 1 FROM candles c WHERE c.series_id = s.id) ORDER BY venue)sql");
  st.bind(1, coin).bind(2, interval).bind(3, interval);
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.column_text(0));
  return out;
}

}  // namespace organism::data
