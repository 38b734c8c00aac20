// The one-instance lock of `organism run`: a second holder is refused with the first one's pid, a
// released or killed holder frees the store at once (the kernel drops a dead process's flock).
#include "daemon/instance_lock.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "core/error.hpp"
#include "support/test_support.hpp"

namespace organism::daemon {
namespace {

using test::TempDir;

TEST(InstanceLock, ASecondHolderIsRefusedWithTheFirstOnesPid) {
  TempDir tmp;
  const std::string store = (tmp / "organism.db").string();
  auto lock = InstanceLock::acquire(store);
  EXPECT_EQ(test::read_file(InstanceLock::path_for_store(store)), std::to_string(::getpid()));
  // flock is per open file description: a second open in this process conflicts like another
  // process would.
  try {
    (void)InstanceLock::acquire(store);
    FAIL() << "the second acquire succeeded";
  } catch (const core::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("in use by another `organism run` (pid " + std::to_string(::getpid()) + ";"), std::string::npos)
        << what;
    EXPECT_NE(what.find(store), std::string::npos) << what;
  }
}

TEST(InstanceLock, AReleasedLockCanBeTakenAgain) {
  TempDir tmp;
  const std::string store = (tmp / "organism.db").string();
  { auto lock = InstanceLock::acquire(store); }
  EXPECT_NO_THROW((void)InstanceLock::acquire(store));
}

TEST(InstanceLock, AKilledHoldersLockIsFreeAtOnce) {
  TempDir tmp;
  const std::string store = (tmp / "organism.db").string();
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      auto lock = InstanceLock::acquire(store);
      const char ok = 1;
      (void)::write(ready[1], &ok, 1);
      ::pause();
    } catch (...) {
    }
    ::_exit(1);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  EXPECT_THROW((void)InstanceLock::acquire(store), core::Error);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_NO_THROW((void)InstanceLock::acquire(store));
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST(InstanceLock, AnUnwritableFolderIsAnErrorNamingTheFile) {
  try {
    (void)InstanceLock::acquire("/nonexistent-folder/organism.db");
    FAIL() << "acquired a lock in a folder that does not exist";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-folder/organism.db.run.lock"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace organism::daemon
