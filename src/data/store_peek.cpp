#include "data/store_peek.hpp"

#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/sql.hpp"
#include "data/store.hpp"

namespace organism::data {

namespace {

// The series of a row's venue, coin and interval columns (0, 1, 2).
SeriesKey key_of(const sql::Statement& st, const std::string& path) {
  const auto interval = core::Interval::parse(st.column_text(2));
  if (!interval) throw core::Error(fmt::format("store {}: series with unknown interval '{}'", path, st.column_text(2)));
  return SeriesKey{st.column_text(0), st.column_text(1), *interval};
}

// Each series' row of `table` at its newest time: max(time) per series is one step down the
// (series_id, time) primary key. Columns: venue, coin, interval, time, `value`, the series'
// recorded row count.
template <class Row, class Make>
std::vector<Row> newest_rows(sql::Connection& db, std::string_view table, std::string_view value, Make make) {
  sql::Statement st(db, fmt::format(R"sql(
    SELECT s.venue, s.coin, s.interval, t.time, t.{1}, s.row_count FROM series s
    JOIN {0} t ON t.series_id = s.id AND t.time = (SELECT max(time) FROM {0} WHERE series_id = s.id)
    ORDER BY s.venue, s.coin, s.interval)sql",
                                       table, value));
  std::vector<Row> out;
  while (st.step()) out.push_back(make(key_of(st, db.path()), st));
  return out;
}

}  // namespace

StorePeek StorePeek::open(const std::string& store_path) {
  if (!Store::may_exist(store_path)) {
    throw core::Error(fmt::format("store {} does not exist", store_path));
  }
  return StorePeek(sql::open_connection(store_path, sql::Connection::Mode::ReadOnly));
}

StorePeek::StorePeek(std::unique_ptr<sql::Connection> db) : db_(std::move(db)) {}
StorePeek::StorePeek(StorePeek&&) noexcept = default;
StorePeek::~StorePeek() = default;

std::vector<LatestBar> StorePeek::latest_bars() {
  return newest_rows<LatestBar>(*db_, "candles", "close", [](SeriesKey key, const sql::Statement& st) {
    return LatestBar{std::move(key), st.column_int(3), st.column_double(4), st.column_is_null(5) ? 0 : st.column_int(5)};
  });
}

std::vector<LatestRegime> StorePeek::latest_regimes() {
  return newest_rows<LatestRegime>(*db_, "regimes", "code", [](SeriesKey key, const sql::Statement& st) {
    return LatestRegime{std::move(key), st.column_int(3), static_cast<std::uint8_t>(st.column_int(4))};
  });
}

}  // namespace organism::data
