// Peak memory of `organism validate` through the real binary: validation holds the run's trial
// returns once (at most kTrialSampleSize series of in-sample bars) and only per-member summaries
// of the front, so its peak stays within the evolution's plus twice the trials' series. Before,
// it held a second copy per coin of every batch of returns and every front member's series, and
// grew with the population: 430 MB here against 236 MB now.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

struct Measured {
  long exit_code = -1;
  long max_rss_kib = -1;
};

// Runs organism in a forked child of this test, which reports the exit code and the peak
// resident set of its one child: RUSAGE_CHILDREN keeps the largest waited-for descendant, so the
// organism processes that earlier tests of this binary started must not count.
Measured measured(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const auto r = run_organism(args, env);
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    const long out[2] = {r.exit_code, usage.ru_maxrss};
    const bool written = write(fds[1], out, sizeof out) == static_cast<ssize_t>(sizeof out);
    _exit(written ? 0 : 1);
  }
  close(fds[1]);
  long in[2] = {-1, -1};
  const bool read_all = read(fds[0], in, sizeof in) == static_cast<ssize_t>(sizeof in);
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return read_all ? Measured{in[0], in[1]} : Measured{};
}

TEST(ValidateMemory, PeakStaysWithinTheEvolutionPlusTwiceTheTrialSeries) {
  TempDir dir;
  const auto db = (dir / "o.db").string();
  ASSERT_EQ(run_organism({"data", "synth", "--db", db, "--bars", "20000", "--coins", "BTC,ETH", "-q"}).exit_code, 0);
  const auto evolved = measured({"evolve", "--db", db, "--coins", "BTC,ETH", "--population", "1024", "--generations",
                                 "0", "--seed", "3", "--min-trades", "3", "--cache-mb", "64", "--threads", "2",
                                 "--progress", "off", "-q"},
                                {"ORGANISM_VALIDATE_ON_EVOLVE=false"});
  ASSERT_EQ(evolved.exit_code, 0);
  const auto json = dir / "validated.json";
  const auto validated = measured({"validate", "--db", db, "--cache-mb", "64", "--threads", "2", "--json-out",
                                   json.string(), "--progress", "off", "-q"});
  ASSERT_EQ(validated.exit_code, 0);
  const auto run = nlohmann::json::parse(read_file(json));
  // The trials' in-sample series, mean over coins: N x floor(20000 x 0.6) doubles.
  const auto trials = run.at("trial_clustering").at("clustered").get<long>();
  EXPECT_GT(trials, 500);
  const long trial_series_kib = trials * 12000 * 8 / 1024;
  EXPECT_LT(validated.max_rss_kib, evolved.max_rss_kib + 2 * trial_series_kib)
      << "evolution peak " << evolved.max_rss_kib << " KiB, trial series " << trial_series_kib << " KiB";
}

}  // namespace
}  // namespace organism::test
