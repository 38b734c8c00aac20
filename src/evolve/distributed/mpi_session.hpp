// One MPI job seen from one rank: MPI started and finished once, errors returned (never a silent
// hang on a failed call: each one throws core::Error naming the call), and the few collectives
// the distributed runner needs, on byte strings. Used by the island channel and the worker
// evaluator, and by `organism evolve` when launched by mpirun.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace organism::evolve::distributed {

class MpiSession {
 public:
  MpiSession();   // MPI_Init_thread (funneled: only the main thread talks MPI)
  ~MpiSession();  // MPI_Finalize
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // The host this rank runs on (for messages naming a rank).
  std::string host() const;

  // The leader's bytes on every rank.
  std::string broadcast(std::string bytes) const;
  // out[d] goes to rank d; returns what each rank sent to this one, by source rank.
  std::vector<std::string> all_to_all(const std::vector<std::string>& out) const;
  // Every rank's bytes on the leader, by rank (others get an empty vector).
  std::vector<std::string> gather(const std::string& bytes) const;
  // The leader's parts[r] to rank r (parts is read on the leader only).
  std::string scatter(const std::vector<std::string>& parts) const;
  // The sum over ranks, on the leader.
  std::vector<std::int64_t> sum(const std::vector<std::int64_t>& values) const;

  // Seconds a collective may wait for the other ranks before it throws (0: forever).
  void set_timeout(double seconds) { timeout_ = seconds; }
  double timeout() const { return timeout_; }
  // Microseconds this rank spent in collectives: transfers, and waiting for slower ranks.
  std::int64_t waited_us() const { return waited_us_; }

  // Ends every rank of the job with `code` (MPI_Abort): the way out when one rank cannot go on,
  // so that no other waits forever for it.
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0;
  int size_ = 1;
  double timeout_ = 0;
  mutable std::int64_t waited_us_ = 0;
};

}  // namespace organism::evolve::distributed
