#include "evolve/distributed/mpi_session.hpp"

#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <thread>

#include "core/error.hpp"

namespace organism::evolve::distributed {
namespace {

void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, text, &length);
  throw core::Error(
      fmt::format("{} failed: {} (a rank of the job has probably died; the last completed "
                  "generation is checkpointed: continue with 'organism evolve --resume')",
                  call, std::string(text, static_cast<std::size_t>(length))));
}

// Runs a non-blocking collective to its end without spinning a core: a rank that waits for a
// slower one (most of a generation, when islands differ in cost) tests now and then and sleeps
// in between (50 µs, doubling up to 2 ms), leaving the CPU to the ranks and threads at work.
// Adds the time it took to `waited`; past the session's timeout (when set), throws instead of
// waiting on for a rank that is stuck.
template <typename Start>
void collective(const char* call, const MpiSession& session, std::int64_t& waited, Start start) {
  const auto begin = std::chrono::steady_clock::now();
  const auto limit = std::chrono::duration<double>(session.timeout());
  MPI_Request request = MPI_REQUEST_NULL;
  check(start(&request), call);
  auto pause = std::chrono::microseconds(50);
  for (;;) {
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), call);
    if (done) {
      waited += std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - begin)
                    .count();
      return;
    }
    if (limit.count() > 0 && std::chrono::steady_clock::now() - begin > limit) {
      throw core::Error(
          fmt::format("{}: rank {} waited {:g}s for the other ranks (evolve.mpi_timeout): one is "
                      "stuck or lost",
                      call, session.rank(), session.timeout()));
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(2000));
  }
}

int to_int(std::size_t n) {
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw core::Error(fmt::format("MPI message of {} bytes is over 2 GiB", n));
  }
  return static_cast<int>(n);
}

// Displacements of consecutive blocks of the given sizes; their total.
int displacements(const std::vector<int>& counts, std::vector<int>& displs) {
  displs.assign(counts.size(), 0);
  std::size_t total = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    displs[i] = to_int(total);
    total += static_cast<std::size_t>(counts[i]);
  }
  return to_int(total);
}

std::vector<std::string> split(const std::string& all, const std::vector<int>& counts,
                               const std::vector<int>& displs) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < counts.size(); ++i)
    out.push_back(
        all.substr(static_cast<std::size_t>(displs[i]), static_cast<std::size_t>(counts[i])));
  return out;
}

}  // namespace

MpiSession::MpiSession() {
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  // Errors come back as codes (then exceptions) instead of MPI's default silent abort.
  check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

MpiSession::~MpiSession() {
  // Ranks done early (all but rank 0, which writes the front) wait here asleep, not in
  // MPI_Finalize, which may spin a core the whole time.
  timeout_ = 0;  // rank 0 may take long over the front's report
  try {
    collective("MPI_Ibarrier", *this, waited_us_,
               [](MPI_Request* r) { return MPI_Ibarrier(MPI_COMM_WORLD, r); });
  } catch (const core::Error&) {
    // A failed barrier changes nothing: finalize anyway.
  }
  MPI_Finalize();
}

std::string MpiSession::host() const {
  char name[MPI_MAX_PROCESSOR_NAME];
  int length = 0;
  if (MPI_Get_processor_name(name, &length) != MPI_SUCCESS) return "?";
  return {name, static_cast<std::size_t>(length)};
}

std::string MpiSession::broadcast(std::string bytes) const {
  auto n = static_cast<std::uint64_t>(bytes.size());
  collective("MPI_Ibcast", *this, waited_us_,
             [&](MPI_Request* r) { return MPI_Ibcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD, r); });
  bytes.resize(static_cast<std::size_t>(n));
  collective("MPI_Ibcast", *this, waited_us_, [&](MPI_Request* r) {
    return MPI_Ibcast(bytes.data(), to_int(bytes.size()), MPI_BYTE, 0, MPI_COMM_WORLD, r);
  });
  return bytes;
}

std::vector<std::string> MpiSession::all_to_all(const std::vector<std::string>& out) const {
  std::vector<int> send_counts(static_cast<std::size_t>(size_)), recv_counts(send_counts.size());
  std::string send;
  for (std::size_t d = 0; d < send_counts.size(); ++d) {
    send_counts[d] = to_int(out[d].size());
    send += out[d];
  }
  collective("MPI_Ialltoall", *this, waited_us_, [&](MPI_Request* r) {
    return MPI_Ialltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT,
                         MPI_COMM_WORLD, r);
  });
  std::vector<int> send_displs, recv_displs;
  displacements(send_counts, send_displs);
  std::string recv(static_cast<std::size_t>(displacements(recv_counts, recv_displs)), '\0');
  collective("MPI_Ialltoallv", *this, waited_us_, [&](MPI_Request* r) {
    return MPI_Ialltoallv(send.data(), send_counts.data(), send_displs.data(), MPI_BYTE,
                          recv.data(), recv_counts.data(), recv_displs.data(), MPI_BYTE,
                          MPI_COMM_WORLD, r);
  });
  return split(recv, recv_counts, recv_displs);
}

std::vector<std::string> MpiSession::gather(const std::string& bytes) const {
  const int n = to_int(bytes.size());
  std::vector<int> counts(rank_ == 0 ? static_cast<std::size_t>(size_) : 0);
  collective("MPI_Igather", *this, waited_us_, [&](MPI_Request* r) {
    return MPI_Igather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD, r);
  });
  std::vector<int> displs;
  std::string all(static_cast<std::size_t>(rank_ == 0 ? displacements(counts, displs) : 0), '\0');
  collective("MPI_Igatherv", *this, waited_us_, [&](MPI_Request* r) {
    return MPI_Igatherv(bytes.data(), n, MPI_BYTE, all.data(), counts.data(), displs.data(),
                        MPI_BYTE, 0, MPI_COMM_WORLD, r);
  });
  return rank_ == 0 ? split(all, counts, displs) : std::vector<std::string>{};
}

std::string MpiSession::scatter(const std::vector<std::string>& parts) const {
  std::vector<int> counts, displs;
  std::string all;
  if (rank_ == 0) {
    for (const auto& p : parts) {
      counts.push_back(to_int(p.size()));
      all += p;
    }
    displacements(counts, displs);
  }
  int n = 0;
  collective("MPI_Iscatter", *this, waited_us_, [&](MPI_Request* r) {
    return MPI_Iscatter(counts.data(), 1, MPI_INT, &n, 1, MPI_INT, 0, MPI_COMM_WORLD, r);
  });
  std::string mine(static_cast<std::size_t>(n), '\0');
  collective("MPI_Iscatterv", *this, waited_us_, [&](MPI_Request* r) {
    return MPI_Iscatterv(all.data(), counts.data(), displs.data(), MPI_BYTE, mine.data(), n,
                         MPI_BYTE, 0, MPI_COMM_WORLD, r);
  });
  return mine;
}

std::vector<std::int64_t> MpiSession::sum(const std::vector<std::int64_t>& values) const {
  std::vector<std::int64_t> out(values.size());
  collective("MPI_Ireduce", *this, waited_us_, [&](MPI_Request* r) {
    return MPI_Ireduce(values.data(), out.data(), to_int(values.size()), MPI_INT64_T, MPI_SUM, 0,
                       MPI_COMM_WORLD, r);
  });
  return out;
}

void MpiSession::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; in case it does
}

}  // namespace organism::evolve::distributed
