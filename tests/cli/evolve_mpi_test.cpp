// `mpirun -np 2 organism evolve` on this machine: islands across ranks and master/worker
// evaluation give the front of the one-process run of the same seed; a rank killed mid-run ends
// the job with a non-zero exit (never a hang) and --resume finishes with the uninterrupted front.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

using namespace std::chrono_literals;

#ifdef ORGANISM_MPIEXEC
constexpr const char* kMpiexec = ORGANISM_MPIEXEC;
#else
constexpr const char* kMpiexec = "";
#endif

// A child process writing stdout and stderr to `log`; migration every 2 generations, so the
// short runs below migrate.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& log) {
  return spawn_logged(argv, log, {"ORGANISM_EVOLVE_MIGRATION_INTERVAL=2"});
}

// The exit code (128 + signal when killed), or -1 when still running after `limit` (then killed).
int wait_for(pid_t pid, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > end) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(50ms);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> mpirun(int ranks, std::vector<std::string> args) {
  std::vector<std::string> out = {kMpiexec, "--allow-run-as-root", "--oversubscribe",
                                  "-np",    std::to_string(ranks), ORGANISM_BINARY};
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

std::vector<std::string> plain(std::vector<std::string> args) {
  args.insert(args.begin(), ORGANISM_BINARY);
  return args;
}

class EvolveMpi : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(kMpiexec).empty()) GTEST_SKIP() << "built without MPI: no mpirun test";
    if (access(kMpiexec, X_OK) != 0) GTEST_SKIP() << kMpiexec << " is missing";
    const auto r = run_organism(
        {"data", "synth", "--db", store().string(), "--bars", "3000", "--coins", "BTC,ETH"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  fs::path store() const { return dir_ / "o.db"; }
  // A fresh copy of the synthetic store, so every run starts alike.
  fs::path copy(const std::string& name) const {
    fs::copy_file(store(), dir_ / name);
    return dir_ / name;
  }
  std::vector<std::string> evolve(const fs::path& db, const std::string& json,
                                  int generations) const {
    return {"evolve",
            "--db",
            db.string(),
            "--population",
            "16",
            "--generations",
            std::to_string(generations),
            "--islands",
            "2",
            "--seed",
            "5",
            "--min-trades",
            "3",
            "--embargo",
            "100",
            "--coins",
            "BTC,ETH",
            "--threads",
            "1",
            "--json-out",
            (dir_ / json).string()};
  }
  // Runs to the end within a minute; the exit code, the log in `output`.
  int run(const std::vector<std::string>& argv, const std::string& log, std::string& output) const {
    const int code = wait_for(spawn(argv, dir_ / log), 60s);
    output = read_file(dir_ / log);
    return code;
  }
  nlohmann::json result(const std::string& json) const {
    return nlohmann::json::parse(read_file(dir_ / json));
  }

  TempDir dir_;
};

TEST_F(EvolveMpi, IslandsOnTwoRanksGiveTheOneProcessFront) {
  std::string log;
  ASSERT_EQ(run(plain(evolve(copy("a.db"), "one.json", 4)), "one.log", log), 0) << log;
  ASSERT_EQ(run(mpirun(2, evolve(copy("b.db"), "two.json", 4)), "two.log", log), 0) << log;
  EXPECT_NE(log.find("islands over 2 ranks"), std::string::npos) << log;
  EXPECT_NE(log.find("MPI traffic: 2 migrations"), std::string::npos) << log;
  const auto one = result("one.json"), two = result("two.json");
  ASSERT_FALSE(one.at("front").empty());
  EXPECT_EQ(one.at("front"), two.at("front"));
  EXPECT_EQ(one.at("evaluations"), two.at("evaluations"));
}

// Three coins on two ranks: rank 0 evaluates coin 0 and the first half of coin 1's genomes, rank 1
// the rest, so a coin is split between the ranks; the metrics, and so the front, are the same.
TEST_F(EvolveMpi, CoinShardedWorkersOnTwoRanksGiveTheOneProcessFront) {
  const auto r = run_organism({"data", "synth", "--db", (dir_ / "three.db").string(), "--bars",
                               "3000", "--coins", "BTC,ETH,SOL"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto three = [&](const std::string& name, const std::string& json) {
    fs::copy_file(dir_ / "three.db", dir_ / name);
    auto args = evolve(dir_ / name, json, 3);
    args[args.size() - 5] = "BTC,ETH,SOL";  // --coins
    return args;
  };
  std::string log;
  ASSERT_EQ(run(plain(three("a.db", "one.json")), "one.log", log), 0) << log;
  auto args = three("b.db", "two.json");
  args.insert(args.end(), {"--distributed", "workers"});
  ASSERT_EQ(run(mpirun(2, args), "two.log", log), 0) << log;
  EXPECT_NE(log.find("master/worker"), std::string::npos) << log;
  EXPECT_NE(log.find("bytes per task"), std::string::npos) << log;
  const auto one = result("one.json"), two = result("two.json");
  ASSERT_FALSE(one.at("front").empty());
  EXPECT_EQ(one.at("front"), two.at("front"));
  EXPECT_EQ(one.at("evaluations"), two.at("evaluations"));
}

TEST_F(EvolveMpi, MoreRanksThanIslandsIsAUsageErrorNotAHang) {
  std::string log;
  auto args = evolve(copy("b.db"), "x.json", 2);
  args[8] = "1";  // --islands 1
  EXPECT_EQ(run(mpirun(2, args), "x.log", log), 2) << log;
  EXPECT_NE(log.find("--islands 1 is fewer than the 2 processes"), std::string::npos) << log;
}

// The pid of the organism process of rank `rank` whose command line names `db`, or 0.
pid_t find_rank(int rank, const fs::path& db) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    const auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline, environ;
    std::getline(std::ifstream(e.path() / "cmdline"), cmdline, '\1');
    std::getline(std::ifstream(e.path() / "environ"), environ, '\1');
    if (cmdline.rfind(ORGANISM_BINARY, 0) == 0 && cmdline.find(db.string()) != std::string::npos &&
        environ.find("OMPI_COMM_WORLD_RANK=" + std::to_string(rank) + '\0') != std::string::npos) {
      return static_cast<pid_t>(std::stol(name));
    }
  }
  return 0;
}

// Once generation 2 is on rank 0's progress in `log`, the pid of rank `rank` (0 after a minute).
pid_t rank_after_generation_2(int rank, const fs::path& db, const fs::path& log) {
  for (int i = 0; i < 600; ++i) {
    std::this_thread::sleep_for(100ms);
    if (read_file(log).find("gen 2/") != std::string::npos) return find_rank(rank, db);
  }
  return 0;
}

// The runs that the kill at generation 2 cuts: long enough (seconds; a generation checkpoints the
// run to the store) that the kill lands well before the end, short enough that the straight run
// and the resumed one do not dominate the suite.
constexpr int kCutRunGenerations = 50;

TEST_F(EvolveMpi, ALostRankEndsTheJobAndResumeFinishesTheRun) {
  std::string log;
  ASSERT_EQ(run(plain(evolve(copy("a.db"), "straight.json", kCutRunGenerations)), "straight.log", log), 0) << log;

  const auto db = copy("b.db");
  const pid_t job = spawn(mpirun(2, evolve(db, "cut.json", kCutRunGenerations)), dir_ / "cut.log");
  const pid_t victim = rank_after_generation_2(1, db, dir_ / "cut.log");
  ASSERT_NE(victim, 0) << read_file(dir_ / "cut.log");
  kill(victim, SIGKILL);  // as a lost machine would
  const int code = wait_for(job, 30s);
  log = read_file(dir_ / "cut.log");
  EXPECT_NE(code, -1) << "mpirun still running 30s after a rank died\n" << log;
  EXPECT_NE(code, 0) << log;
  EXPECT_NE(log.find("rank 1"), std::string::npos) << log;
  EXPECT_NE(log.find("continue with 'organism evolve --resume run_"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(dir_ / "cut.json"));

  ASSERT_EQ(run(plain({"evolve", "--db", db.string(), "--resume", "--threads", "1", "--json-out",
                       (dir_ / "resumed.json").string()}),
                "resumed.log", log),
            0)
      << log;
  EXPECT_EQ(result("straight.json").at("front"), result("resumed.json").at("front"));
  EXPECT_EQ(result("straight.json").at("evaluations"), result("resumed.json").at("evaluations"));
  EXPECT_EQ(result("resumed.json").at("generations"), kCutRunGenerations);
}

TEST_F(EvolveMpi, AStuckRankEndsTheJobAfterTheTimeout) {
  const auto db = copy("b.db");
  auto args = evolve(db, "stuck.json", 150);
  args.insert(args.end(), {"--mpi-timeout", "2"});
  const pid_t job = spawn(mpirun(2, args), dir_ / "stuck.log");
  const pid_t victim = rank_after_generation_2(1, db, dir_ / "stuck.log");
  ASSERT_NE(victim, 0) << read_file(dir_ / "stuck.log");
  kill(victim, SIGSTOP);  // alive but going nowhere, as on a machine that swaps
  const int code = wait_for(job, 30s);
  const auto log = read_file(dir_ / "stuck.log");
  EXPECT_EQ(code, 1) << log;
  EXPECT_NE(log.find("rank 0 waited 2s for the other ranks"), std::string::npos) << log;
  EXPECT_NE(log.find("continue with 'organism evolve --resume run_"), std::string::npos) << log;
  if (find_rank(1, db) == victim) kill(victim, SIGKILL);  // in case mpirun left it stopped
}

}  // namespace
}  // namespace organism::test
