// The store's SQL connection, whichever database holds it: SQLite (a file, the default) or a
// PostgreSQL server (a postgresql:// URL). The store and its readers are written once against
// these classes; each backend (sqlite.hpp, postgres.hpp) implements StatementImpl and Connection.
// SQL is written in the dialect both accept: `?` or `?N` parameters, ON CONFLICT upserts,
// RETURNING, IS DISTINCT FROM. The few statements that differ ask Connection::dialect().
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace organism::data::sql {

enum class Dialect { Sqlite, Postgres };

// A statement one backend prepared. Binds are 1-based, as in SQLite; columns 0-based.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind_int(int index, std::int64_t value) = 0;
  virtual void bind_double(int index, double value) = 0;
  virtual void bind_text(int index, std::string_view value) = 0;
  virtual void bind_null(int index) = 0;
  // One row: true while a row is available, false when done; an error is a core::Error.
  virtual bool step() = 0;
  // Ready to run again, its bindings cleared.
  virtual void reset() = 0;
  virtual std::int64_t column_int(int index) const = 0;
  virtual double column_double(int index) const = 0;
  virtual std::string column_text(int index) const = 0;
  virtual bool column_is_null(int index) const = 0;
};

class Connection;

// A prepared statement of a connection (any backend).
class Statement {
 public:
  Statement(Connection& db, std::string_view sql, bool reused = false);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value) { impl_->bind_int(index, value); return *this; }
  Statement& bind(int index, double value) { impl_->bind_double(index, value); return *this; }
  Statement& bind(int index, std::string_view value) { impl_->bind_text(index, value); return *this; }
  Statement& bind_null(int index) { impl_->bind_null(index); return *this; }
  // Runs one step: true while a row is available, false when done; any other result (a busy,
  // corrupt or unreachable database) is a core::Error naming the store and the statement.
  bool step() { return impl_->step(); }
  // For statements that always yield a row (count(*), PRAGMA): a missing row is an error too.
  void step_row();
  // Runs to completion (for statements without rows) and resets for reuse.
  void run();
  void reset() { impl_->reset(); }

  std::int64_t column_int(int index) const { return impl_->column_int(index); }
  double column_double(int index) const { return impl_->column_double(index); }
  std::string column_text(int index) const { return impl_->column_text(index); }
  bool column_is_null(int index) const { return impl_->column_is_null(index); }

  // The statement's first words on one line, for messages.
  static std::string label(std::string_view sql);

 private:
  Connection* db_;
  std::string label_;
  std::unique_ptr<StatementImpl> impl_;
};

// A prepared statement lent by Connection::cached for one use: it goes back to the cache, reset
// and cleared of its bindings, when this handle is destroyed. Must not outlive its connection.
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
  friend class Connection;
  CachedStatement(std::vector<std::unique_ptr<Statement>>& idle, std::unique_ptr<Statement> stmt)
      : idle_(&idle), stmt_(std::move(stmt)) {}
  std::vector<std::unique_ptr<Statement>>* idle_ = nullptr;
  std::unique_ptr<Statement> stmt_;
};

class Connection {
 public:
  enum class Mode { ReadOnly, ReadWrite };
  explicit Connection(std::string label) : label_(std::move(label)) {}
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The file's path, or the server's URL without its password: what messages name.
  const std::string& path() const { return label_; }
  virtual Dialect dialect() const = 0;

  // Runs one or more statements without results.
  virtual void exec(std::string_view sql) = 0;
  // A new statement; `reused` asks the backend to keep its server-side plan (PostgreSQL's
  // named prepared statement) for the life of the connection.
  virtual std::unique_ptr<StatementImpl> prepare(std::string_view sql, bool reused) = 0;
  // The statement for `sql`, prepared once per connection and reused: preparing costs more than
  // running a one-row statement, and a live bar runs ~10 of them. A statement still lent out is
  // never lent twice: nested use of the same SQL prepares another.
  CachedStatement cached(std::string_view sql);
  // Rows the last statement inserted, updated or deleted.
  virtual std::int64_t changes() const = 0;
  [[noreturn]] virtual void fail(std::string_view what) const = 0;

  // Transactions (used by Transaction, ReadSnapshot and Savepoint below).
  virtual bool in_transaction() const = 0;
  // Begins a transaction that writes: one writer at a time per store (SQLite's BEGIN IMMEDIATE;
  // PostgreSQL: BEGIN and the store's writer lock, an advisory lock held to the transaction's end).
  virtual void begin_write() = 0;
  // Begins a transaction that reads one snapshot of the store.
  virtual void begin_read() = 0;
  virtual void commit() { exec("COMMIT"); }
  virtual void rollback() { exec("ROLLBACK"); }
  // Bulk loading (PostgreSQL's COPY ... FROM STDIN): sends `data`, already in the format the
  // statement names. core::Error on a backend without it (SQLite: prepared inserts are its bulk path).
  virtual void copy_in(std::string_view copy_sql, std::string_view data);

 protected:
  // Statements must be finalized before the backend closes its connection.
  void drop_cached_statements() { idle_statements_.clear(); }

 private:
  std::string label_;
  // Idle statements by their SQL text; std::map keeps each vector's address stable for the
  // handles that return to it.
  std::map<std::string, std::vector<std::unique_ptr<Statement>>, std::less<>> idle_statements_;
};

// Opens the store's database at `location`: a postgresql:// (or postgres://) URL, `sqlite:FILE`,
// or a file path. ReadWrite creates a SQLite file if needed. core::Error naming the location
// (never a password) when it cannot be opened.
std::unique_ptr<Connection> open_connection(const std::string& location, Connection::Mode mode);
// Whether `location` names a PostgreSQL server rather than a file.
bool is_server_location(std::string_view location);
// `location` as messages may show it: a URL's password removed; a path unchanged.
std::string display_location(std::string_view location);

// Where the files that go with a store live (the trading journals, the daemon's state file and
// lock, the API token): a file store's own path, which they sit beside ("organism.db" ->
// "organism.journal.db"); for a server store, a name in the current directory made of its host,
// port and database ("pg-db.example-5432-organism.db" -> "pg-db.example-5432-organism.journal.db"):
// the journals are each process's own money records and stay on local disk.
std::string local_files_base(std::string_view location);

// A write transaction begun on construction; rolls back on destruction unless commit() ran, so
// an exception anywhere inside leaves the store as it was.
class Transaction {
 public:
  explicit Transaction(Connection& db);
  ~Transaction();
  Transaction(Transaction&& other) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection* db_;
  bool done_ = false;
};

// One read snapshot for several statements: outside a transaction it begins one, so that a
// series' rows and its recorded count and checksum are read from the same state of the store
// while other processes append. Inside a transaction it does nothing: that one is a snapshot.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Connection& db);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Connection& db_;
  bool began_ = false;
};

// A nestable unit of work (SAVEPOINT): inside a transaction it joins it; alone it is its own
// write transaction (begin_write), so a bulk upsert never degrades into one transaction per row,
// and a read-then-write cannot lose an update to another writer in between.
class Savepoint {
 public:
  explicit Savepoint(Connection& db);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void release();

 private:
  Connection& db_;
  bool outermost_ = false;  // began the transaction itself
  bool done_ = false;
};

}  // namespace organism::data::sql
