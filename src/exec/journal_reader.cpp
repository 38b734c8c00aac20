#include "exec/journal_reader.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/sqlite.hpp"
#include "exec/journal_schema.hpp"

namespace organism::exec {

using data::sqlite::Db;
using data::sqlite::Statement;

struct JournalReader::Impl {
  explicit Impl(const std::string& path) : db(path, Db::Mode::ReadOnly) {}
  Db db;
  int version = 0;
};

JournalReader JournalReader::open(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw core::Error(fmt::format("journal {}: no such file (paper and trade write it beside the store; or give --journal)", path));
  }
  auto impl = std::make_unique<Impl>(path);
  Statement id(impl->db, "PRAGMA application_id");
  id.step_row();
  Statement version(impl->db, "PRAGMA user_version");
  version.step_row();
  if (id.column_int(0) != kJournalApplicationId) throw core::Error(fmt::format("{}: not an organism trading journal", path));
  // Version 2 differs only by the risk tables (risk_journal.hpp), which this reader never reads.
  if (version.column_int(0) < 2 || version.column_int(0) > kJournalSchemaVersion) {
    throw core::Error(fmt::format("journal {}: schema {} (this build reads {})", path, version.column_int(0),
                                  kJournalSchemaVersion));
  }
  impl->version = static_cast<int>(version.column_int(0));
  return JournalReader(std::move(impl));
}

JournalReader::JournalReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JournalReader::JournalReader(JournalReader&&) noexcept = default;
JournalReader::~JournalReader() = default;

std::vector<Order> JournalReader::orders(bool all, std::size_t limit) {
  const std::string sql =
      all ? fmt::format("SELECT {} FROM orders ORDER BY seq DESC LIMIT ?", kOrderColumns)
          : fmt::format("SELECT {} FROM orders WHERE state IN ('new', 'sent', 'resting', 'partially_filled') "
                        "ORDER BY seq LIMIT ?",
                        kOrderColumns);
  Statement st(impl_->db, sql);
  st.bind(1, static_cast<std::int64_t>(limit));
  std::vector<Order> out;
  while (st.step()) out.push_back(order_from_row(st));
  return out;
}

std::vector<PositionChange> JournalReader::positions() {
  // SQLite takes the bare columns of a max() aggregate from the row holding the maximum.
  Statement st(impl_->db, R"(
    SELECT strategy, coin, max(seq), size, entry_price, realized_pnl, fees, funding, time, cause
    FROM positions GROUP BY strategy, coin ORDER BY strategy, coin)");
  std::vector<PositionChange> out;
  while (st.step()) {
    out.push_back({st.column_text(0), st.column_text(1), st.column_int(3), st.column_int(4), st.column_int(5),
                   st.column_int(6), st.column_int(7), st.column_int(8), st.column_text(9)});
  }
  return out;
}

std::vector<AttributedFill> JournalReader::fills(core::TimeMs since, std::size_t limit) {
  Statement st(impl_->db, R"(
    SELECT f.tid, f.coin, f.px, f.sz, f.buy, f.time, f.start_position, f.dir, f.closed_pnl, f.hash,
      f.oid, f.crossed, f.fee, f.cloid, f.fee_token, f.liquidation, coalesce(o.strategy, '')
    FROM fills f LEFT JOIN orders o ON o.cloid = f.cloid
    WHERE f.time >= ? ORDER BY f.time DESC, f.tid DESC LIMIT ?)");
  st.bind(1, since);
  st.bind(2, static_cast<std::int64_t>(limit));
  std::vector<AttributedFill> out;
  while (st.step()) {
    AttributedFill a;
    auto& f = a.fill;
    f.tid = static_cast<std::uint64_t>(st.column_int(0));
    f.coin = st.column_text(1);
    f.px = st.column_int(2);
    f.sz = st.column_int(3);
    f.buy = st.column_int(4) != 0;
    f.time = st.column_int(5);
    f.start_position = st.column_int(6);
    f.dir = st.column_text(7);
    f.closed_pnl = st.column_int(8);
    f.hash = st.column_text(9);
    f.oid = static_cast<std::uint64_t>(st.column_int(10));
    f.crossed = st.column_int(11) != 0;
    f.fee = st.column_int(12);
    if (!st.column_is_null(13)) f.cloid = st.column_text(13);
    f.fee_token = st.column_text(14);
    f.liquidation = st.column_int(15) != 0;
    a.strategy_id = st.column_text(16);
    if (f.cloid) a.cloid = *f.cloid;
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<AllocationRow> JournalReader::latest_allocations() {
  std::vector<AllocationRow> out;
  if (impl_->version < 4) return out;  // the allocations table came with schema 4
  Statement st(impl_->db, R"(
    SELECT time, strategy, coin, weight, exposure FROM allocations
    WHERE time = (SELECT max(time) FROM allocations) ORDER BY seq)");
  while (st.step()) {
    out.push_back({st.column_int(0), st.column_text(1), st.column_text(2), st.column_double(3), st.column_double(4)});
  }
  return out;
}

}  // namespace organism::exec
