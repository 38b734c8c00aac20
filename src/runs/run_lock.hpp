// Which process executes a run: a row in the store (run_locks) taken when a session starts — a new
// run, a resume, a validation — and dropped when it ends. On a PostgreSQL store the run's advisory
// lock decides (Store::try_own_run), so processes on several hosts exclude each other too. Used by the run service; a second process
// that wants the run meets the first one's pid and host instead of mixing two sessions in one run.
#pragma once

#include <string>

#include "core/time.hpp"
#include "data/store.hpp"

namespace organism::runs {

// This process as a lock names it.
data::RunLockRecord this_process(const std::string& run_id, core::TimeMs now);

// True unless the lock's process is known to be gone: on this host, kill(pid, 0) says whether it
// lives; a process on another host cannot be checked and counts as alive.
bool holder_alive(const data::RunLockRecord& lock);

// Whether a live process executes the run now. On a server store the run's advisory lock says so
// exactly, for a process on any host (a killed one's lock went with its connection; its run_locks
// row may stay); on a file store the run_locks row's process, if holder_alive.
bool run_in_progress(data::Store& store, const std::string& run_id);

// A held lock; releases it on destruction. Movable, empty by default (a process that holds none).
class RunLock {
 public:
  RunLock() = default;
  // Takes the run's lock for this process; call inside the transaction that chose the run. A lock
  // held by a live process is a core::Error naming the run, the pid and the host. A stale one (its
  // process is gone, e.g. after kill -9) is taken over with one warning line.
  static RunLock acquire(data::Store& store, const std::string& run_id, core::TimeMs now);
  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&& other) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

  bool held() const { return store_ != nullptr; }

 private:
  void release() noexcept;
  data::Store* store_ = nullptr;
  data::RunLockRecord lock_;
};

}  // namespace organism::runs
