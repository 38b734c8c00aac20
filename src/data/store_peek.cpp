#include "data/store_peek.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/sqlite.hpp"

namespace organism::data {

namespace {

// The series of a row's venue, coin and interval columns (0, 1, 2).
SeriesKey key_of(const sqlite::Statement& st, const std::string& path) {
  const auto interval = core::Interval::parse(st.column_text(2));
  if (!interval) throw core::Error(fmt::format("store {}: series with unknown interval '{}'", path, st.column_text(2)));
  return SeriesKey{st.column_text(0), st.column_text(1), *interval};
}

}  // namespace

StorePeek StorePeek::open(const std::string& store_path) {
  if (!std::filesystem::exists(store_path)) throw core::Error(fmt::format("store {} does not exist", store_path));
  return StorePeek(std::make_unique<sqlite::Db>(store_path, sqlite::Db::Mode::ReadOnly));
}

StorePeek::StorePeek(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}
StorePeek::StorePeek(StorePeek&&) noexcept = default;
StorePeek::~StorePeek() = default;

std::vector<LatestBar> StorePeek::latest_bars() {
  // max(time) per series is one step down the (series_id, time) primary key.
  sqlite::Statement st(*db_, R"sql(
    SELECT s.venue, s.coin, s.interval, c.time, c.close FROM series s
    JOIN candles c ON c.series_id = s.id AND c.time = (SELECT max(time) FROM candles WHERE series_id = s.id)
    ORDER BY s.venue, s.coin, s.interval)sql");
  std::vector<LatestBar> out;
  while (st.step()) out.push_back({key_of(st, db_->path()), st.column_int(3), st.column_double(4)});
  return out;
}

std::vector<LatestRegime> StorePeek::latest_regimes() {
  sqlite::Statement st(*db_, R"sql(
    SELECT s.venue, s.coin, s.interval, r.time, r.code FROM series s
    JOIN regimes r ON r.series_id = s.id AND r.time = (SELECT max(time) FROM regimes WHERE series_id = s.id)
    ORDER BY s.venue, s.coin, s.interval)sql");
  std::vector<LatestRegime> out;
  while (st.step()) {
    out.push_back({key_of(st, db_->path()), st.column_int(3), static_cast<std::uint8_t>(st.column_int(4))});
  }
  return out;
}

}  // namespace organism::data
