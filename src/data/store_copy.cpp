#include "data/store_copy.hpp"

#include <span>
#include <string>

#include <fmt/format.h>

#include "data/postgres.hpp"
#include "data/store.hpp"

namespace organism::data {
namespace copy {
namespace {

// Fills the connection's staging table `name` (created on first use, emptied at each commit and
// before each use: a savepoint inside a longer transaction may stage twice) with `rows`.
void stage(sql::Connection& db, std::string_view name, std::string_view columns, postgres::CopyBuffer& rows) {
  db.exec(fmt::format("CREATE TEMPORARY TABLE IF NOT EXISTS {} ({}) ON COMMIT DELETE ROWS; TRUNCATE {}", name, columns,
                      name));
  db.copy_in(fmt::format("COPY {} FROM STDIN (FORMAT binary)", name), rows.finish());
}

// Runs `upsert` (an INSERT ... RETURNING (xmax = 0) AS inserted, the series id its only parameter)
// and counts what it returned. xmax = 0 on a returned row: it was inserted (an updated row carries
// the updating transaction's id).
Counts run_counted(sql::Connection& db, std::string_view upsert, std::int64_t series_id) {
  sql::Statement st(db, fmt::format("WITH up AS ({}) SELECT count(*) FILTER (WHERE inserted), count(*) FROM up", upsert));
  st.bind(1, series_id);
  st.step_row();
  return Counts{st.column_int(0), st.column_int(1)};
}

// Rows that are all new, copied straight into `table_columns` ("candles (series_id, ...)").
Counts copy_fresh(sql::Connection& db, std::string_view table_columns, postgres::CopyBuffer& rows) {
  db.copy_in(fmt::format("COPY {} FROM STDIN (FORMAT binary)", table_columns), rows.finish());
  return Counts{db.changes(), db.changes()};
}

// The staged rows, one per time (the last given), in time order.
constexpr const char* kLatest = "(SELECT DISTINCT ON (time) * FROM {} ORDER BY time, ord DESC) latest";

}  // namespace

bool strictly_increasing(std::span<const TimeMs> times) {
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (times[i] <= times[i - 1]) return false;
  }
  return true;
}

Counts candles(sql::Connection& db, std::int64_t series_id, const CandleView& bars, bool fresh) {
  postgres::CopyBuffer rows;
  rows.reserve(bars.size(), 8);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    rows.row(8);
    // Straight into candles the first column is the series; staged, the row's place in the input.
    rows.add(fresh ? series_id : static_cast<std::int64_t>(i));
    rows.add(bars.time[i]);
    rows.add(bars.open[i]);
    rows.add(bars.high[i]);
    rows.add(bars.low[i]);
    rows.add(bars.close[i]);
    rows.add(bars.volume[i]);
    if (bars.trades[i] == kUnknownTrades) {
      rows.add_null();
    } else {
      rows.add(bars.trades[i]);
    }
  }
  if (fresh) return copy_fresh(db, "candles (series_id, time, open, high, low, close, volume, trades)", rows);
  stage(db, "candles_in",
        "ord BIGINT, time BIGINT, open DOUBLE PRECISION, high DOUBLE PRECISION, low DOUBLE PRECISION, "
        "close DOUBLE PRECISION, volume DOUBLE PRECISION, trades BIGINT",
        rows);
  return run_counted(db, fmt::format(R"sql(
    INSERT INTO candles (series_id, time, open, high, low, close, volume, trades)
    SELECT ?, time, open, high, low, close, volume, trades FROM {} {}
    RETURNING (xmax = 0) AS inserted)sql", fmt::format(kLatest, "candles_in"), kCandleOnConflict), series_id);
}

Counts funding(sql::Connection& db, std::int64_t series_id, const FundingSeries& funding, bool fresh) {
  postgres::CopyBuffer rows;
  rows.reserve(funding.size(), 3);
  for (std::size_t i = 0; i < funding.size(); ++i) {
    rows.row(3);
    rows.add(fresh ? series_id : static_cast<std::int64_t>(i));
    rows.add(funding.time[i]);
    rows.add(funding.rate[i]);
  }
  if (fresh) return copy_fresh(db, "funding (series_id, time, rate)", rows);
  stage(db, "funding_in", "ord BIGINT, time BIGINT, rate DOUBLE PRECISION", rows);
  return run_counted(db, fmt::format(R"sql(
    INSERT INTO funding (series_id, time, rate) SELECT ?, time, rate FROM {}
    ON CONFLICT (series_id, time) DO UPDATE SET rate = excluded.rate WHERE funding.rate IS DISTINCT FROM excluded.rate
    RETURNING (xmax = 0) AS inserted)sql", fmt::format(kLatest, "funding_in")), series_id);
}

Counts regimes(sql::Connection& db, std::int64_t series_id, std::span<const TimeMs> times,
               std::span<const std::uint8_t> codes, bool fresh) {
  postgres::CopyBuffer rows;
  rows.reserve(times.size(), 3);
  for (std::size_t i = 0; i < times.size(); ++i) {
    rows.row(3);
    rows.add(fresh ? series_id : static_cast<std::int64_t>(i));
    rows.add(times[i]);
    rows.add(static_cast<std::int64_t>(codes[i]));
  }
  if (fresh) return copy_fresh(db, "regimes (series_id, time, code)", rows);
  stage(db, "regimes_in", "ord BIGINT, time BIGINT, code BIGINT", rows);
  return run_counted(db, fmt::format(R"sql(
    INSERT INTO regimes (series_id, time, code) SELECT ?, time, code FROM {}
    ON CONFLICT (series_id, time) DO UPDATE SET code = excluded.code WHERE regimes.code IS DISTINCT FROM excluded.code
    RETURNING (xmax = 0) AS inserted)sql", fmt::format(kLatest, "regimes_in")), series_id);
}

}  // namespace copy

}  // namespace organism::data
