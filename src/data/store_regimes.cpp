// The store's market regime labels: one code per bar of a candles series. Each write is a
// savepoint, so it joins a caller's transaction or stands alone.
#include <limits>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/store.hpp"
#include "data/store_copy.hpp"

namespace organism::data {

std::size_t Store::upsert_regimes(const SeriesKey& key, std::span<const TimeMs> times,
                                  std::span<const std::uint8_t> codes) {
  if (times.size() != codes.size()) {
    throw core::UsageError(fmt::format("regimes of {}:{}:{}: {} times for {} codes", key.venue, key.coin,
                                       key.interval.name(), times.size(), codes.size()));
  }
  sql::Savepoint sp(*db_);
  const auto id = series_id(key);
  if (!id) {
    throw core::Error(fmt::format("regimes of {}:{}:{}: no such candles series in store {}", key.venue, key.coin,
                                  key.interval.name(), db_->path()));
  }
  auto st = db_->cached(R"sql(
    INSERT INTO regimes (series_id, time, code) VALUES (?, ?, ?)
    ON CONFLICT (series_id, time) DO UPDATE SET code = excluded.code WHERE regimes.code IS DISTINCT FROM excluded.code)sql");
  const std::size_t rows_one_by_one = on_server() && times.size() >= copy::kMinRows ? 0 : times.size();
  if (rows_one_by_one == 0) {
    auto any = db_->cached("SELECT count(*) FROM (SELECT 1 FROM regimes WHERE series_id = ? LIMIT 1) one");
    any->bind(1, *id);
    any->step_row();
    copy::regimes(*db_, *id, times, codes, any->column_int(0) == 0 && copy::strictly_increasing(times));
  }
  for (std::size_t i = 0; i < rows_one_by_one; ++i) {
    st->bind(1, *id).bind(2, times[i]).bind(3, static_cast<std::int64_t>(codes[i])).run();
  }
  sp.release();
  return times.size();
}

RegimeLabels Store::load_regimes(const SeriesKey& key, std::optional<TimeMs> from, std::optional<TimeMs> to) {
  RegimeLabels out;
  const auto id = series_id(key);
  if (!id) return out;
  auto st = db_->cached("SELECT time, code FROM regimes WHERE series_id = ? AND time >= ? AND time < ? ORDER BY time");
  st->bind(1, *id).bind(2, from.value_or(std::numeric_limits<TimeMs>::min()))
      .bind(3, to.value_or(std::numeric_limits<TimeMs>::max()));
  while (st->step()) {
    out.time.push_back(st->column_int(0));
    out.code.push_back(static_cast<std::uint8_t>(st->column_int(1)));
  }
  return out;
}

}  // namespace organism::data
