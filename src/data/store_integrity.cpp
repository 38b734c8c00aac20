// Each series' row count and checksum, recorded in the write that changes its rows and compared
// on every whole-series load, and `Store::verify` (organism data verify) over all of them.
// SQLite reads a damaged page inside a key range as the end of the range, so a corrupted store
// would otherwise load silently as a shorter series.
#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/fnv.hpp"
#include "data/store.hpp"
#include "data/store_copy.hpp"

namespace organism::data {

using sql::Statement;

std::uint64_t series_checksum(std::span<const TimeMs> times, std::span<const double> values) {
  return extend_series_checksum(Fnv1a64::kOffsetBasis, times, values);
}

std::uint64_t extend_series_checksum(std::uint64_t checksum, std::span<const TimeMs> times,
                                     std::span<const double> values) {
  Fnv1a64 hash(checksum);
  for (std::size_t i = 0; i < times.size(); ++i) {
    hash.word(static_cast<std::uint64_t>(times[i]));
    hash.word(std::bit_cast<std::uint64_t>(values[i]));
  }
  return hash.value();
}

bool VerifyReport::ok() const {
  if (!series_error.empty() || integrity.size() != 1 || integrity.front() != "ok") return false;
  for (const auto& s : series) {
    if (!s.problem.empty()) return false;
  }
  return true;
}

namespace {

struct Rows {
  std::vector<TimeMs> times;
  std::vector<double> values;
};

Rows read_rows(sql::Connection& db, std::string_view sql, auto key) {
  Statement st(db, sql);
  st.bind(1, key);
  Rows rows;
  while (st.step()) {
    rows.times.push_back(st.column_int(0));
    rows.values.push_back(st.column_double(1));
  }
  return rows;
}

constexpr std::string_view kCandleRows = "SELECT time, close FROM candles WHERE series_id = ? ORDER BY time";
constexpr std::string_view kFundingRows = "SELECT time, rate FROM funding WHERE series_id = ? ORDER BY time";
constexpr std::string_view kSentimentRows = "SELECT time, value FROM sentiment WHERE source = ? ORDER BY time";

// The checksum is stored as SQLite's signed 64-bit integer, bit for bit.
std::int64_t as_stored(std::uint64_t checksum) { return std::bit_cast<std::int64_t>(checksum); }

// What disagrees between the rows read and the summary recorded, or "" when they agree.
std::string summary_problem(bool known, std::int64_t rows, std::uint64_t checksum, std::span<const TimeMs> times,
                            std::span<const double> values) {
  if (!known) return "";
  const auto n = static_cast<std::int64_t>(times.size());
  if (n != rows) return fmt::format("{} rows read, {} recorded", n, rows);
  if (series_checksum(times, values) != checksum) {
    return fmt::format("{} rows read, but their checksum differs from the one recorded", n);
  }
  return "";
}

}  // namespace

void Store::record_candles_summary(std::int64_t id) {
  const auto rows = read_rows(*db_, kCandleRows, id);
  Statement st(*db_, "UPDATE series SET row_count = ?, checksum = ? WHERE id = ?");
  st.bind(1, static_cast<std::int64_t>(rows.times.size())).bind(2, as_stored(series_checksum(rows.times, rows.values)))
      .bind(3, id).run();
}

void Store::record_funding_summary(std::int64_t id) {
  const auto rows = read_rows(*db_, kFundingRows, id);
  Statement st(*db_, "UPDATE funding_series SET row_count = ?, checksum = ? WHERE id = ?");
  st.bind(1, static_cast<std::int64_t>(rows.times.size())).bind(2, as_stored(series_checksum(rows.times, rows.values)))
      .bind(3, id).run();
}

void Store::record_sentiment_summary(const std::string& source) {
  const auto rows = read_rows(*db_, kSentimentRows, source);
  Statement st(*db_, R"sql(
    INSERT INTO sentiment_series (source, row_count, checksum) VALUES (?, ?, ?)
    ON CONFLICT (source) DO UPDATE SET row_count = excluded.row_count, checksum = excluded.checksum)sql");
  st.bind(1, source).bind(2, static_cast<std::int64_t>(rows.times.size()))
      .bind(3, as_stored(series_checksum(rows.times, rows.values))).run();
}

bool Store::appends_after_last(std::string_view rows_table, std::int64_t id, const Summary& recorded,
                               std::span<const TimeMs> times) {
  if (!recorded.known || times.empty() || !copy::strictly_increasing(times)) return false;
  if (recorded.rows == 0) return true;
  // The primary key (series_id, time) makes this one index probe.
  auto st = db_->cached(fmt::format("SELECT max(time) FROM {} WHERE series_id = ?", rows_table));
  st->bind(1, id);
  if (!st->step() || st->column_is_null(0)) return false;
  return times.front() > st->column_int(0);
}

void Store::record_appended_summary(std::string_view table, std::int64_t id, const Summary& recorded,
                                    std::span<const TimeMs> times, std::span<const double> values) {
  db_->cached(fmt::format("UPDATE {} SET row_count = ?, checksum = ? WHERE id = ?", table))
      ->bind(1, recorded.rows + static_cast<std::int64_t>(times.size()))
      .bind(2, as_stored(extend_series_checksum(recorded.checksum, times, values)))
      .bind(3, id)
      .run();
}

void Store::record_missing_summaries() {
  std::vector<std::int64_t> ids;
  {
    Statement st(*db_, "SELECT id FROM series WHERE checksum IS NULL");
    while (st.step()) ids.push_back(st.column_int(0));
  }
  for (const auto id : ids) record_candles_summary(id);
  ids.clear();
  {
    Statement st(*db_, "SELECT id FROM funding_series WHERE checksum IS NULL");
    while (st.step()) ids.push_back(st.column_int(0));
  }
  for (const auto id : ids) record_funding_summary(id);
  std::vector<std::string> sources;
  {
    Statement st(*db_, "SELECT DISTINCT source FROM sentiment WHERE source NOT IN "
                       "(SELECT source FROM sentiment_series WHERE checksum IS NOT NULL)");
    while (st.step()) sources.push_back(st.column_text(0));
  }
  for (const auto& source : sources) record_sentiment_summary(source);
}

namespace {

template <typename Summary>
Summary summary_from(Statement& st) {
  if (!st.step() || st.column_is_null(0) || st.column_is_null(1)) return {};
  return {true, st.column_int(0), std::bit_cast<std::uint64_t>(st.column_int(1))};
}

}  // namespace

Store::Summary Store::candles_summary(std::int64_t id) {
  auto st = db_->cached("SELECT row_count, checksum FROM series WHERE id = ?");
  st->bind(1, id);
  return summary_from<Summary>(*st);
}

Store::Summary Store::funding_summary(std::int64_t id) {
  auto st = db_->cached("SELECT row_count, checksum FROM funding_series WHERE id = ?");
  st->bind(1, id);
  return summary_from<Summary>(*st);
}

Store::Summary Store::sentiment_summary(const std::string& source) {
  Statement st(*db_, "SELECT row_count, checksum FROM sentiment_series WHERE source = ?");
  st.bind(1, source);
  return summary_from<Summary>(st);
}

void Store::check_series(std::string_view kind, const std::string& label, const Summary& recorded,
                         std::span<const TimeMs> times, std::span<const double> values) {
  const auto problem = summary_problem(recorded.known, recorded.rows, recorded.checksum, times, values);
  if (problem.empty()) return;
  throw core::Error(fmt::format("store {}: {} {} is damaged: {} (run 'organism data verify')", path(), kind, label, problem));
}

void Store::check_candles_whole(std::int64_t id, const SeriesKey& key) {
  const auto rows = read_rows(*db_, kCandleRows, id);
  check_series("candles", key.label(), candles_summary(id), rows.times, rows.values);
}

namespace {

// Runs one series' check, turning any error (SQLite's "malformed" included) into its report line.
SeriesCheck check_one(std::string kind, std::string label, auto&& read_and_compare) {
  SeriesCheck check;
  check.kind = std::move(kind);
  check.label = std::move(label);
  try {
    read_and_compare(check);
  } catch (const std::exception& e) {
    check.problem = e.what();
  }
  return check;
}

}  // namespace

VerifyReport Store::verify() {
  VerifyReport report;
  if (on_server()) {
    // A server checks its own pages (data checksums, when the cluster has them) and has no
    // integrity_check; what organism can check is every series against its records, below.
    report.integrity.push_back("ok");
  } else {
    try {
      Statement st(*db_, "PRAGMA integrity_check(20)");  // the first 20 problems say enough
      while (st.step()) report.integrity.push_back(st.column_text(0));
    } catch (const core::Error& e) {
      report.integrity.push_back(e.what());
    }
  }
  auto compare = [&](const Summary& recorded, const Rows& rows, SeriesCheck& check) {
    check.rows_read = static_cast<std::int64_t>(rows.times.size());
    check.rows_recorded = recorded.rows;
    check.problem = recorded.known ? summary_problem(true, recorded.rows, recorded.checksum, rows.times, rows.values)
                                   : "no row count or checksum recorded";
  };
  try {
    std::vector<std::pair<std::int64_t, std::string>> candles, funding;
    std::vector<std::string> sources;
    {
      Statement st(*db_, "SELECT id, venue || ':' || coin || ':' || interval FROM series ORDER BY venue, coin, interval");
      while (st.step()) candles.emplace_back(st.column_int(0), st.column_text(1));
      Statement fu(*db_, "SELECT id, venue || ':' || coin FROM funding_series ORDER BY venue, coin");
      while (fu.step()) funding.emplace_back(fu.column_int(0), fu.column_text(1));
      Statement se(*db_, "SELECT source FROM sentiment_series UNION SELECT DISTINCT source FROM sentiment ORDER BY 1");
      while (se.step()) sources.push_back(se.column_text(0));
    }
    for (const auto& [id, label] : candles) {
      report.series.push_back(check_one("candles", label, [&, id = id](SeriesCheck& c) {
        compare(candles_summary(id), read_rows(*db_, kCandleRows, id), c);
      }));
    }
    for (const auto& [id, label] : funding) {
      report.series.push_back(check_one("funding", label, [&, id = id](SeriesCheck& c) {
        compare(funding_summary(id), read_rows(*db_, kFundingRows, id), c);
      }));
    }
    for (const auto& source : sources) {
      report.series.push_back(check_one("sentiment", source, [&](SeriesCheck& c) {
        compare(sentiment_summary(source), read_rows(*db_, kSentimentRows, source), c);
      }));
    }
  } catch (const core::Error& e) {
    report.series_error = e.what();
  }
  return report;
}

}  // namespace organism::data
