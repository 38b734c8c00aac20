// Bulk candle upserts on a server store: the rows go by binary COPY into a temporary staging table,
// then one INSERT ... ON CONFLICT moves them into candles with the same rules as the row-by-row
// upsert in store.cpp (an unknown trade count never erases a known one; identical rows are left
// alone). One round trip for a million rows instead of a million.
#include "data/postgres.hpp"
#include "data/store.hpp"

namespace organism::data {

Store::CopyCounts Store::copy_candles(std::int64_t series_id, const CandleView& bars) {
  // ON COMMIT DELETE ROWS: the staging rows never outlive the write; the table lives as long as
  // the connection. `ord` keeps the input order, so a time given twice keeps its last row, as
  // the row-by-row upsert does.
  db_->exec(R"sql(
    CREATE TEMPORARY TABLE IF NOT EXISTS candles_in (
      ord BIGINT NOT NULL, time BIGINT NOT NULL, open DOUBLE PRECISION, high DOUBLE PRECISION,
      low DOUBLE PRECISION, close DOUBLE PRECISION, volume DOUBLE PRECISION, trades BIGINT
    ) ON COMMIT DELETE ROWS)sql");
  db_->exec("TRUNCATE candles_in");  // a savepoint inside a longer transaction may copy twice
  postgres::CopyBuffer rows;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    rows.row(8);
    rows.add(static_cast<std::int64_t>(i));
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
  db_->copy_in("COPY candles_in FROM STDIN (FORMAT binary)", rows.finish());
  // xmax = 0 on a returned row: it was inserted (an updated row carries the updating transaction).
  sql::Statement st(*db_, R"sql(
    WITH up AS (
      INSERT INTO candles (series_id, time, open, high, low, close, volume, trades)
      SELECT ?, time, open, high, low, close, volume, trades
      FROM (SELECT DISTINCT ON (time) * FROM candles_in ORDER BY time, ord DESC) latest
      ON CONFLICT (series_id, time) DO UPDATE SET
        open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
        volume = excluded.volume, trades = coalesce(excluded.trades, candles.trades)
      WHERE candles.open IS DISTINCT FROM excluded.open OR candles.high IS DISTINCT FROM excluded.high
         OR candles.low IS DISTINCT FROM excluded.low OR candles.close IS DISTINCT FROM excluded.close
         OR candles.volume IS DISTINCT FROM excluded.volume
         OR (excluded.trades IS NOT NULL AND candles.trades IS DISTINCT FROM excluded.trades)
      RETURNING (xmax = 0) AS inserted)
    SELECT count(*) FILTER (WHERE inserted), count(*) FROM up)sql");
  st.bind(1, series_id);
  st.step_row();
  // A time given twice (imports refuse that) lands as its last row, as row by row, but counts once.
  return CopyCounts{st.column_int(0), st.column_int(1)};
}

}  // namespace organism::data
