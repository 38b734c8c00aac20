// A thin RAII layer over the SQLite C API: a connection, prepared statements, transactions.
// Used by the store and the trading journal (src/exec/journal.cpp); errors become core::Error
// with the database's path and SQLite's message.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace organism::data::sqlite {

class Db;

class Statement {
 public:
  Statement(Db& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_null(int index);
  // Runs one step: true while a row is available, false when done; any other result (a busy,
  // corrupt or unreadable database) is a core::Error naming the store and the statement.
  bool step();
  // For statements that always yield a row (count(*), PRAGMA): a missing row is an error too.
  void step_row();
  // Runs to completion (for statements without rows) and resets for reuse.
  void run();
  void reset();

  std::int64_t column_int(int index) const;
  double column_double(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  Db& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;  // the start of the statement, for error messages
};

// A prepared statement lent by Db::cached for one use: it goes back to the cache, reset and
// cleared of its bindings, when this handle is destroyed. Must not outlive its Db.
class CachedStatement {
 public:
  CachedStatement(CachedStatement&& other) noexcept = default;
  CachedStatement& operator=(CachedStatement&&) = delete;
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  ~CachedStatement();

  Statement& operator*() const { return *stmt_; }
  Statement* operator->() const { return stmt_.get(); }

 private:
  friend class Db;
  CachedStatement(std::vector<std::unique_ptr<Statement>>& idle, std::unique_ptr<Statement> stmt)
      : idle_(&idle), stmt_(std::move(stmt)) {}
  std::vector<std::unique_ptr<Statement>>* idle_ = nullptr;
  std::unique_ptr<Statement> stmt_;
};

class Db {
 public:
  enum class Mode { ReadOnly, ReadWrite };
  // ReadWrite creates the file if needed. Throws core::Error with the path on failure.
  Db(const std::string& path, Mode mode);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(std::string_view sql);
  // The statement for `sql`, prepared once per connection and reused: preparing costs more than
  // running a one-row statement (the parser, allocations), and a live bar runs ~10 of them. A
  // statement still lent out is never lent twice: nested use of the same SQL prepares another.
  CachedStatement cached(std::string_view sql);
  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }
  [[noreturn]] void fail(std::string_view what) const;
  // Copies this whole database into `target` with SQLite's online backup API: one read
  // transaction, so the copy is a consistent snapshot even while other processes write (WAL).
  void backup_into(Db& target);

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  // Idle statements by their SQL text; std::map keeps each vector's address stable for the
  // handles that return to it. Finalized before the connection closes.
  std::map<std::string, std::vector<std::unique_ptr<Statement>>, std::less<>> idle_statements_;
};

// BEGIN IMMEDIATE on construction; rolls back on destruction unless commit() ran, so an
// exception anywhere inside leaves the store as it was.
class Transaction {
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

// One read snapshot for several statements: outside a transaction, BEGIN (deferred) ... COMMIT, so
// that a series' rows and its recorded count and checksum are read from the same state of the
// file while other processes append (WAL gives each transaction one snapshot). Inside a
// transaction it does nothing: that one is already a snapshot.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Db& db);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Db& db_;
  bool began_ = false;
};

// A nestable unit of work (SAVEPOINT): inside a Transaction it joins it; alone it is its own
// transaction, so a bulk upsert never degrades into one transaction per row. Alone, it begins
// IMMEDIATE: a deferred one that reads first and writes later cannot wait for another process's
// write lock (SQLite answers such an upgrade "database is locked" at once, without the busy
// timeout), which `organism run`'s writers meet every bar.
class Savepoint {
 public:
  explicit Savepoint(Db& db);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void release();

 private:
  Db& db_;
  bool outermost_ = false;  // began the transaction itself (BEGIN IMMEDIATE ... COMMIT)
  bool done_ = false;
};

}  // namespace organism::data::sqlite
