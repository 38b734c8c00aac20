// Bulk upserts on a server store (store_copy.cpp): the rows go by binary COPY into a temporary
// staging table, then one INSERT ... ON CONFLICT moves them into the store's table with the same
// rules as the row-by-row upserts (store.cpp, store_regimes.cpp): identical rows are left alone,
// an unknown trade count never erases a known one, a time given twice lands as its last row (but
// counts once). One round trip for a million rows instead of a million.
#pragma once

#include <cstdint>
#include <span>

#include "data/series.hpp"
#include "data/sql.hpp"

namespace organism::data::copy {

// Rows that were inserted, and rows inserted or changed (the rest were identical).
struct Counts {
  std::int64_t inserted = 0, changed = 0;
};

// A candle's upsert rule, shared by the row-by-row path (store.cpp) and the staged one: an unknown
// trade count (NULL) never erases a known one, every other field takes the new value, and an
// identical row is left alone (not counted as changed).
inline constexpr const char* kCandleOnConflict = R"sql(
    ON CONFLICT (series_id, time) DO UPDATE SET
      open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
      volume = excluded.volume, trades = coalesce(excluded.trades, candles.trades)
    WHERE candles.open IS DISTINCT FROM excluded.open OR candles.high IS DISTINCT FROM excluded.high
       OR candles.low IS DISTINCT FROM excluded.low OR candles.close IS DISTINCT FROM excluded.close
       OR candles.volume IS DISTINCT FROM excluded.volume
       OR (excluded.trades IS NOT NULL AND candles.trades IS DISTINCT FROM excluded.trades))sql";

// From how many rows a server store takes the COPY path (below, a prepared insert per row is as quick).
inline constexpr std::size_t kMinRows = 64;

// Whether each time is after the one before it.
bool strictly_increasing(std::span<const TimeMs> times);

// `fresh`: every row is new (a series with no rows yet, or rows all after its last one, in strictly
// increasing time): they are copied straight into the table, the fastest path (no staging, no
// conflict to resolve). Otherwise they are staged and upserted.
Counts candles(sql::Connection& db, std::int64_t series_id, const CandleView& bars, bool fresh);
Counts funding(sql::Connection& db, std::int64_t series_id, const FundingSeries& funding, bool fresh);
Counts regimes(sql::Connection& db, std::int64_t series_id, std::span<const TimeMs> times,
               std::span<const std::uint8_t> codes, bool fresh);

}  // namespace organism::data::copy
