// Db::cached: one prepared statement per SQL text, reset and unbound on reuse, never lent twice.
#include "data/sqlite.hpp"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "support/test_support.hpp"

namespace organism::data::sqlite {
namespace {

using test::TempDir;

std::int64_t count_of(Db& db) {
  auto st = db.cached("SELECT count(*) FROM t");
  st->step_row();
  return st->column_int(0);
}

TEST(SqliteCache, ReusesTheSamePreparedStatement) {
  TempDir dir;
  Db db((dir / "c.db").string(), Db::Mode::ReadWrite);
  db.exec("CREATE TABLE t (x INTEGER)");
  sqlite3_stmt* first = nullptr;
  {
    auto st = db.cached("INSERT INTO t (x) VALUES (?)");
    st->bind(1, std::int64_t{1}).run();
    first = sqlite3_next_stmt(db.handle(), nullptr);
  }
  {
    auto st = db.cached("INSERT INTO t (x) VALUES (?)");
    st->bind(1, std::int64_t{2}).run();
    // Still one statement on the connection: the second use did not prepare again.
    EXPECT_EQ(sqlite3_next_stmt(db.handle(), nullptr), first);
    EXPECT_EQ(sqlite3_next_stmt(db.handle(), first), nullptr);
  }
  EXPECT_EQ(count_of(db), 2);
}

TEST(SqliteCache, ReturnsStatementsResetAndWithoutBindings) {
  TempDir dir;
  Db db((dir / "c.db").string(), Db::Mode::ReadWrite);
  db.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)");
  {
    auto st = db.cached("SELECT x FROM t WHERE x >= ? ORDER BY x");
    st->bind(1, std::int64_t{2});
    ASSERT_TRUE(st->step());
    EXPECT_EQ(st->column_int(0), 2);  // left mid-result on purpose
  }
  auto st = db.cached("SELECT x FROM t WHERE x >= ? ORDER BY x");
  // Unbound, the parameter is NULL and x >= NULL matches nothing; a kept binding would give 2.
  EXPECT_FALSE(st->step());
}

TEST(SqliteCache, NestedUseOfOneSqlGetsTwoStatements) {
  TempDir dir;
  Db db((dir / "c.db").string(), Db::Mode::ReadWrite);
  db.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2)");
  const char* sql = "SELECT x FROM t ORDER BY x";
  auto outer = db.cached(sql);
  ASSERT_TRUE(outer->step());
  EXPECT_EQ(outer->column_int(0), 1);
  {
    auto inner = db.cached(sql);
    EXPECT_NE(&*inner, &*outer);
    ASSERT_TRUE(inner->step());
    EXPECT_EQ(inner->column_int(0), 1);  // its own cursor, from the start
  }
  ASSERT_TRUE(outer->step());  // the outer cursor was not disturbed
  EXPECT_EQ(outer->column_int(0), 2);
  EXPECT_FALSE(outer->step());
}

TEST(SqliteCache, AFailedStatementGoesBackUsable) {
  TempDir dir;
  Db db((dir / "c.db").string(), Db::Mode::ReadWrite);
  db.exec("CREATE TABLE t (x INTEGER PRIMARY KEY)");
  const char* sql = "INSERT INTO t (x) VALUES (?)";
  db.cached(sql)->bind(1, std::int64_t{7}).run();
  EXPECT_THROW(db.cached(sql)->bind(1, std::int64_t{7}).run(), core::Error);  // duplicate key
  db.cached(sql)->bind(1, std::int64_t{8}).run();
  EXPECT_EQ(count_of(db), 2);
}

TEST(SqliteCache, TransactionsAndSavepointsStillCommitAndRollBack) {
  TempDir dir;
  Db db((dir / "c.db").string(), Db::Mode::ReadWrite);
  db.exec("CREATE TABLE t (x INTEGER)");
  {
    Transaction tx(db);
    db.cached("INSERT INTO t VALUES (1)")->run();
    tx.commit();
  }
  {
    Transaction tx(db);
    db.cached("INSERT INTO t VALUES (2)")->run();
  }  // rolled back
  {
    Savepoint sp(db);
    db.cached("INSERT INTO t VALUES (3)")->run();
    sp.release();
  }
  {
    Savepoint sp(db);
    db.cached("INSERT INTO t VALUES (4)")->run();
  }  // rolled back
  EXPECT_EQ(count_of(db), 2);
}

}  // namespace
}  // namespace organism::data::sqlite
