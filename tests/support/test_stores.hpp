// Store locations for tests that run on both backends: a SQLite file, or a new database on the
// PostgreSQL server that scripts/test starts for the test run (scripts/pg-cluster) and names in
// ORGANISM_TEST_POSTGRES. Without that variable the PostgreSQL half of a suite skips with a message.
#pragma once

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "support/test_support.hpp"

namespace organism::test {

enum class Backend { Sqlite, Postgres };

// The test server's URL (ORGANISM_TEST_POSTGRES), or nullopt.
std::optional<std::string> test_server_url();
// Why the PostgreSQL half is skipped, for GTEST_SKIP.
std::string no_server_message();

// One store location: a file in a folder of its own, or a new database on the test server,
// dropped (with any connection still on it) on destruction. For Postgres without a server,
// available() is false and location() is empty.
class TestStoreLocation {
 public:
  explicit TestStoreLocation(Backend backend);
  ~TestStoreLocation();
  TestStoreLocation(const TestStoreLocation&) = delete;
  TestStoreLocation& operator=(const TestStoreLocation&) = delete;

  bool available() const { return !location_.empty(); }
  const std::string& location() const { return location_; }
  Backend backend() const { return backend_; }
  const TempDir& dir() const { return dir_; }  // for the test's other files, on either backend

 private:
  Backend backend_;
  TempDir dir_;
  std::string location_, database_;
};

// The first column of the first row of `sql` on the store at `location` (either backend), read
// through a connection of its own: what another process would see.
std::int64_t query_int(const std::string& location, const std::string& sql);

// A database URL on the test server with another database name.
std::string with_database(const std::string& url, const std::string& database);

// Parameter names for INSTANTIATE_TEST_SUITE_P: "Sqlite", "Postgres".
struct BackendName {
  std::string operator()(const testing::TestParamInfo<Backend>& info) const {
    return info.param == Backend::Sqlite ? "Sqlite" : "Postgres";
  }
};

// Both backends, for INSTANTIATE_TEST_SUITE_P(Backends, Suite, test::kBothBackends, test::BackendName{}).
inline const auto kBothBackends = testing::Values(Backend::Sqlite, Backend::Postgres);

}  // namespace organism::test

// Opens the test's location or skips the test (the PostgreSQL half without a server).
#define ORGANISM_TEST_STORE(var, backend)                            \
  ::organism::test::TestStoreLocation var(backend);                  \
  if (!var.available()) GTEST_SKIP() << ::organism::test::no_server_message()
