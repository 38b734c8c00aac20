// The copied tables, and how any of them is read, hashed and written whatever the backend.
#include "data/store_migrate_tables.hpp"

#include <bit>

#include <fmt/format.h>

#include "data/postgres.hpp"

namespace organism::data::migrate {

namespace {

constexpr auto I = Kind::Int;
constexpr auto R = Kind::Real;
constexpr auto T = Kind::Text;

std::string column_list(const Table& t, std::size_t count) {
  std::string out;
  for (std::size_t c = 0; c < count; ++c) out += fmt::format("{}{}", c ? ", " : "", t.columns[c].name);
  return out;
}

std::string select_sql(const Table& t, std::size_t batch, bool after) {
  const auto key = column_list(t, t.key);
  std::string where;
  if (after) {
    std::string params;
    for (std::size_t c = 0; c < t.key; ++c) params += c ? ", ?" : "?";
    // A row value compares column by column, in the key's order: the index serves it on both backends.
    where = fmt::format(" WHERE ({}) > ({})", key, params);
  }
  return fmt::format("SELECT {} FROM {}{} ORDER BY {} LIMIT {}", column_list(t, t.columns.size()), t.name, where, key, batch);
}

void read_value(const sql::Statement& st, int c, Kind kind, Value& v) {
  if (st.column_is_null(c)) {
    v.tag = Value::Tag::Null;
    return;
  }
  switch (kind) {
    case Kind::Int: v.tag = Value::Tag::Int; v.i = st.column_int(c); break;
    case Kind::Real: v.tag = Value::Tag::Real; v.d = st.column_double(c); break;
    case Kind::Text: v.tag = Value::Tag::Text; v.s = st.column_text(c); break;
  }
}

void bind_value(sql::Statement& st, int index, const Value& v) {
  switch (v.tag) {
    case Value::Tag::Null: st.bind_null(index); break;
    case Value::Tag::Int: st.bind(index, v.i); break;
    case Value::Tag::Real: st.bind(index, v.d); break;
    case Value::Tag::Text: st.bind(index, std::string_view(v.s)); break;
  }
}

// Into PostgreSQL: one binary COPY per batch (exact doubles and integers, no text round trip).
class CopyWriter final : public TableWriter {
 public:
  CopyWriter(sql::Connection& db, const Table& t)
      : db_(db), columns_(t.columns.size()),
        sql_(fmt::format("COPY {} ({}) FROM STDIN (FORMAT binary)", t.name, column_list(t, t.columns.size()))) {}

  void write(const std::vector<Value>& values, std::size_t rows) override {
    postgres::CopyBuffer buffer;
    for (std::size_t r = 0; r < rows; ++r) {
      buffer.row(static_cast<int>(columns_));
      for (std::size_t c = 0; c < columns_; ++c) {
        const auto& v = values[r * columns_ + c];
        switch (v.tag) {
          case Value::Tag::Null: buffer.add_null(); break;
          case Value::Tag::Int: buffer.add(v.i); break;
          case Value::Tag::Real: buffer.add(v.d); break;
          case Value::Tag::Text: buffer.add(std::string_view(v.s)); break;
        }
      }
    }
    db_.copy_in(sql_, buffer.finish());
  }

 private:
  sql::Connection& db_;
  std::size_t columns_;
  std::string sql_;
};

// Into SQLite: one prepared INSERT run per row inside the transaction (SQLite's bulk path).
class InsertWriter final : public TableWriter {
 public:
  InsertWriter(sql::Connection& db, const Table& t) : db_(db), columns_(t.columns.size()) {
    std::string params;
    for (std::size_t c = 0; c < columns_; ++c) params += c ? ", ?" : "?";
    sql_ = fmt::format("INSERT INTO {} ({}) VALUES ({})", t.name, column_list(t, columns_), params);
  }

  void write(const std::vector<Value>& values, std::size_t rows) override {
    auto st = db_.cached(sql_);
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c = 0; c < columns_; ++c) bind_value(*st, static_cast<int>(c + 1), values[r * columns_ + c]);
      st->run();
    }
  }

 private:
  sql::Connection& db_;
  std::size_t columns_;
  std::string sql_;
};

}  // namespace

const std::vector<Table>& copied_tables() {
  // Columns as in store_schema.cpp (and store_schema_server.cpp), key columns first.
  static const std::vector<Table> tables{
      {"series", {{"id", I}, {"venue", T}, {"coin", T}, {"interval", T}, {"row_count", I}, {"checksum", I}}, 1, "id"},
      {"candles",
       {{"series_id", I}, {"time", I}, {"open", R}, {"high", R}, {"low", R}, {"close", R}, {"volume", R}, {"trades", I}},
       2, ""},
      {"regimes", {{"series_id", I}, {"time", I}, {"code", I}}, 2, ""},
      {"funding_series",
       {{"id", I}, {"venue", T}, {"coin", T}, {"interval_ms", I}, {"row_count", I}, {"checksum", I}}, 1, "id"},
      {"funding", {{"series_id", I}, {"time", I}, {"rate", R}}, 2, ""},
      {"sentiment_series", {{"source", T}, {"row_count", I}, {"checksum", I}}, 1, ""},
      {"sentiment", {{"source", T}, {"time", I}, {"value", I}, {"classification", T}}, 2, ""},
      {"runs",
       {{"id", T}, {"created", I}, {"options", T}, {"universe", T}, {"status", T}, {"generation", I},
        {"evaluations", I}, {"seconds", R}, {"result", T}},
       1, ""},
      {"checkpoints", {{"run_id", T}, {"generation", I}, {"state", T}}, 1, ""},
      {"strategies",
       {{"id", T}, {"run_id", T}, {"family", T}, {"generation", I}, {"genome", T}, {"parents", T}, {"metrics", T},
        {"state", T}, {"created", I}, {"updated", I}, {"validation", T}},
       1, ""},
      {"strategy_events",
       {{"seq", I}, {"strategy_id", T}, {"time", I}, {"from_state", T}, {"to_state", T}, {"reason", T},
        {"evidence", T}},
       1, "seq"},
      {"strategy_runs", {{"strategy_id", T}, {"run_id", T}, {"generation", I}, {"found_at", I}}, 2, ""},
      {"strategy_marks",
       {{"strategy_id", T}, {"session", T}, {"time", I}, {"equity", R}, {"ret", R}, {"gross_exposure", R}}, 3, ""},
      {"postmortems", {{"strategy_id", T}, {"time", I}, {"json", T}}, 1, ""},
  };
  return tables;
}

BatchReader::BatchReader(sql::Connection& db, const Table& table, std::size_t batch)
    : table_(table), batch_(batch), first_(db, select_sql(table, batch, false)), after_(db, select_sql(table, batch, true)) {}

std::size_t BatchReader::next(std::vector<Value>& values) {
  if (done_) return 0;
  sql::Statement& st = started_ ? after_ : first_;
  if (started_) {
    st.reset();
    for (std::size_t c = 0; c < table_.key; ++c) bind_value(st, static_cast<int>(c + 1), last_key_[c]);
  }
  started_ = true;
  const std::size_t columns = table_.columns.size();
  if (values.size() < batch_ * columns) values.resize(batch_ * columns);
  std::size_t rows = 0;
  while (st.step()) {
    for (std::size_t c = 0; c < columns; ++c) {
      read_value(st, static_cast<int>(c), table_.columns[c].kind, values[rows * columns + c]);
    }
    ++rows;
  }
  if (rows < batch_) done_ = true;
  if (rows > 0) last_key_.assign(values.begin() + static_cast<std::ptrdiff_t>((rows - 1) * columns),
                                 values.begin() + static_cast<std::ptrdiff_t>((rows - 1) * columns + table_.key));
  return rows;
}

void hash_rows(Fnv1a64& hash, const std::vector<Value>& values, std::size_t rows, std::size_t columns) {
  for (std::size_t i = 0; i < rows * columns; ++i) {
    const auto& v = values[i];
    hash.byte(static_cast<std::uint8_t>(v.tag));
    switch (v.tag) {
      case Value::Tag::Null: break;
      case Value::Tag::Int: hash.word(static_cast<std::uint64_t>(v.i)); break;
      case Value::Tag::Real: hash.word(std::bit_cast<std::uint64_t>(v.d)); break;
      case Value::Tag::Text:
        // The length first, so that moving bytes between neighbouring texts changes the hash.
        hash.word(v.s.size());
        hash.bytes(v.s);
        break;
    }
  }
}

std::unique_ptr<TableWriter> table_writer(sql::Connection& db, const Table& table) {
  if (db.dialect() == sql::Dialect::Postgres) return std::make_unique<CopyWriter>(db, table);
  return std::make_unique<InsertWriter>(db, table);
}

}  // namespace organism::data::migrate
