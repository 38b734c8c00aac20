// The SQLite backend of sql::Connection (sql.hpp): a connection to a file, its prepared statements,
// and SQLite's own extras (the online backup, the rowid). Used by the store for file locations and,
// directly, by the trading journal (src/exec/journal.cpp); errors become core::Error with the
// database's path and SQLite's message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "data/sql.hpp"

struct sqlite3;

namespace organism::data::sqlite {

using sql::CachedStatement;
using sql::ReadSnapshot;
using sql::Savepoint;
using sql::Statement;
using sql::Transaction;

class Db final : public sql::Connection {
 public:
  // ReadWrite creates the file if needed. Throws core::Error with the path on failure.
  Db(const std::string& path, Mode mode);
  ~Db() override;

  sql::Dialect dialect() const override { return sql::Dialect::Sqlite; }
  void exec(std::string_view sql) override;
  std::unique_ptr<sql::StatementImpl> prepare(std::string_view sql, bool reused) override;
  std::int64_t changes() const override;
  [[noreturn]] void fail(std::string_view what) const override;
  bool in_transaction() const override;
  // BEGIN IMMEDIATE: a deferred transaction that reads first and writes later cannot wait for
  // another process's write lock (SQLite answers such an upgrade "database is locked" at once,
  // without the busy timeout), which `organism run`'s writers meet every bar.
  void begin_write() override;
  void begin_read() override;
  void commit() override;

  std::int64_t last_insert_rowid() const;
  sqlite3* handle() { return db_; }
  // Copies this whole database into `target` with SQLite's online backup API: one read
  // transaction, so the copy is a consistent snapshot even while other processes write (WAL).
  void backup_into(Db& target);

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace organism::data::sqlite
