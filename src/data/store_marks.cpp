// The store's strategy marks (each traded strategy's book per bar and session) and post-mortems.
// Each write is a savepoint, so it joins a caller's transaction or stands alone.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "data/store.hpp"

namespace organism::data {

std::size_t Store::upsert_marks(std::span<const StrategyMark> marks) {
  sql::Savepoint sp(*db_);
  auto known = db_->cached("SELECT 1 FROM strategies WHERE id = ?");
  auto st = db_->cached(R"sql(
    INSERT INTO strategy_marks (strategy_id, session, time, equity, ret, gross_exposure) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (strategy_id, session, time) DO UPDATE SET
      equity = excluded.equity, ret = excluded.ret, gross_exposure = excluded.gross_exposure)sql");
  for (const auto& m : marks) {
    known->bind(1, m.strategy_id);
    const bool exists = known->step();
    known->reset();
    if (!exists) {
      throw core::Error(fmt::format("store {}: mark of unknown strategy '{}' at {}", db_->path(),
                                    m.strategy_id, m.time));
    }
    st->bind(1, m.strategy_id).bind(2, m.session).bind(3, m.time).bind(4, m.equity);
    if (std::isnan(m.ret)) {
      st->bind_null(5);  // SQLite stores a NaN REAL as NULL anyway; say so
    } else {
      st->bind(5, m.ret);
    }
    st->bind(6, m.gross_exposure).run();
  }
  sp.release();
  return marks.size();
}

std::vector<StrategyMark> Store::load_marks(const std::string& strategy_id,
                                            std::optional<TimeMs> from, std::optional<TimeMs> to) {
  auto st = db_->cached(R"sql(
    SELECT session, time, equity, ret, gross_exposure FROM strategy_marks
    WHERE strategy_id = ? AND time >= ? AND time < ? ORDER BY time, session)sql");
  st->bind(1, strategy_id)
      .bind(2, from.value_or(std::numeric_limits<TimeMs>::min()))
      .bind(3, to.value_or(std::numeric_limits<TimeMs>::max()));
  std::vector<StrategyMark> out;
  while (st->step()) {
    StrategyMark m;
    m.strategy_id = strategy_id;
    m.session = st->column_text(0);
    m.time = st->column_int(1);
    m.equity = st->column_double(2);
    m.ret = st->column_is_null(3) ? std::numeric_limits<double>::quiet_NaN() : st->column_double(3);
    m.gross_exposure = st->column_double(4);
    out.push_back(std::move(m));
  }
  return out;
}

void Store::save_postmortem(const PostmortemRecord& record) {
  sql::Savepoint sp(*db_);
  sql::Statement st(*db_, R"sql(
    INSERT INTO postmortems (strategy_id, time, json) VALUES (?, ?, ?)
    ON CONFLICT (strategy_id) DO UPDATE SET time = excluded.time, json = excluded.json)sql");
  st.bind(1, record.strategy_id).bind(2, record.time).bind(3, record.json);
  st.run();
  sp.release();
}

std::optional<PostmortemRecord> Store::load_postmortem(const std::string& strategy_id) {
  sql::Statement st(*db_, "SELECT time, json FROM postmortems WHERE strategy_id = ?");
  st.bind(1, strategy_id);
  if (!st.step()) return std::nullopt;
  return PostmortemRecord{strategy_id, st.column_int(0), st.column_text(1)};
}

std::vector<PostmortemRecord> Store::list_postmortems() {
  sql::Statement st(
      *db_, "SELECT strategy_id, time, json FROM postmortems ORDER BY time, strategy_id");
  std::vector<PostmortemRecord> out;
  while (st.step()) out.push_back({st.column_text(0), st.column_int(1), st.column_text(2)});
  return out;
}

}  // namespace organism::data
