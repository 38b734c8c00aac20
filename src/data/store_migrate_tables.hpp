// The tables `organism data migrate` copies, read and written generically (store_migrate_tables.cpp):
// each table's columns with their kinds, read in primary-key order in batches, hashed, and written
// by the destination's bulk path. Internal to store_migrate*.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "data/fnv.hpp"
#include "data/sql.hpp"

namespace organism::data::migrate {

enum class Kind : std::uint8_t { Int, Real, Text };

struct Column {
  std::string_view name;
  Kind kind;
};

// A table of the schema: its primary key is its first `key` columns.
struct Table {
  std::string_view name;
  std::vector<Column> columns;
  std::size_t key = 1;
  std::string_view identity;  // the column PostgreSQL numbers (an identity), or empty
};

// Every table that is copied, parents before the tables whose foreign keys name them. run_locks is
// not among them (store_migrate.hpp says why).
const std::vector<Table>& copied_tables();

// One value as read: NULL, an integer, a double or a text.
struct Value {
  enum class Tag : std::uint8_t { Null, Int, Real, Text } tag = Tag::Null;
  std::int64_t i = 0;
  double d = 0;
  std::string s;
};

// Reads a table in primary-key order, `batch` rows at a time (keyset pagination: a whole candles
// table in one PostgreSQL result would be held in memory at once).
class BatchReader {
 public:
  BatchReader(sql::Connection& db, const Table& table, std::size_t batch);
  // The next rows into `values` (rows x columns, resized); the number of rows, 0 at the end.
  std::size_t next(std::vector<Value>& values);

 private:
  const Table& table_;
  std::size_t batch_;
  sql::Statement first_, after_;
  bool started_ = false, done_ = false;
  std::vector<Value> last_key_;
};

// Mixes `rows` rows of `columns` values into `hash`, each value tagged by what it is.
void hash_rows(Fnv1a64& hash, const std::vector<Value>& values, std::size_t rows, std::size_t columns);

// Writes rows into one table of the destination: binary COPY into PostgreSQL, one cached INSERT per
// row into SQLite, inside the caller's transaction.
class TableWriter {
 public:
  virtual ~TableWriter() = default;
  virtual void write(const std::vector<Value>& values, std::size_t rows) = 0;
};
std::unique_ptr<TableWriter> table_writer(sql::Connection& db, const Table& table);

}  // namespace organism::data::migrate
