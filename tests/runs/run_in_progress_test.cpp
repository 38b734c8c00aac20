// Whether a live process executes a run (runs::run_in_progress, the daemon's check before it
// resumes its evolve cycle's run): on a PostgreSQL store the run's advisory lock decides, for a
// holder on any host, and asking never takes the run away from anyone.
#include <gtest/gtest.h>

#include "runs/run_lock.hpp"
#include "support/test_stores.hpp"

namespace organism::runs {
namespace {

TEST(RunInProgress, OnAServerStoreTheRunsAdvisoryLockDecidesAndAskingTakesNothing) {
  ORGANISM_TEST_STORE(loc, test::Backend::Postgres);
  auto holder = data::Store::open(loc.location());
  auto observer = data::Store::open_existing(loc.location());  // read-only, as the daemon's
  EXPECT_FALSE(run_in_progress(observer, "run_a"));
  ASSERT_TRUE(holder.try_own_run("run_a"));  // the asking above left the run free
  EXPECT_TRUE(run_in_progress(observer, "run_a"));
  EXPECT_TRUE(run_in_progress(observer, "run_a"));
  holder.release_run("run_a");
  EXPECT_FALSE(run_in_progress(observer, "run_a"));
  EXPECT_TRUE(holder.try_own_run("run_a"));
}

TEST(RunInProgress, OnAFileStoreARunWithoutALockRowIsNotInProgress) {
  ORGANISM_TEST_STORE(loc, test::Backend::Sqlite);
  auto store = data::Store::open(loc.location());
  EXPECT_FALSE(run_in_progress(store, "run_a"));
}

}  // namespace
}  // namespace organism::runs
