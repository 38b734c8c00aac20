// The re-evolution worker with the real `organism evolve` on a small synthetic store: a cycle
// starts after every_bars bar times and not before, runs at nice 19, ends with a finished run in
// the store; a daemon killed with -9 (a forked parent) leaves its run to the next worker, which
// resumes and finishes that very run with the cycle clock intact.
#include "daemon/evolution_worker.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "data/store.hpp"
#include "support/test_support.hpp"

namespace organism::daemon {
namespace {

using test::TempDir;

constexpr core::TimeMs kHour = 3'600'000;
constexpr core::TimeMs kT0 = 1'700'000'000'000 / kHour * kHour;

// A store with one synthetic coin and a config that keeps evolution small.
struct SmallStore {
  TempDir dir;
  std::string store = (dir / "organism.db").string();
  std::string config = (dir / "organism.toml").string();
  SmallStore() {
    const auto r = test::run_organism({"data", "synth", "--db", store, "--bars", "3000"},
                                      {"ORGANISM_SYNTH_COINS=BTC"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    test::write_file(config,
                     "[evolve]\ncoins = \"BTC\"\nislands = 1\nseed = 3\nmin_trades = 3\nembargo = \"100\"\n");
  }
  EvolutionWorkerOptions options(int generations) const {
    EvolutionWorkerOptions o;
    o.organism_binary = ORGANISM_BINARY;
    o.store_path = store;
    o.config_path = config;
    o.every_bars = 3;
    o.population = 8;
    o.generations = generations;
    // Until `organism evolve` has --warm-start and --time-budget (helper evolve), none is passed.
    o.warm_start = "";
    o.budget_seconds = 0;
    return o;
  }
};

// The niceness of a process: field 19 of /proc/PID/stat (fields counted after the name's ')').
int niceness(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 19; ++i) rest >> field;
  return std::stoi(field);
}

// Whether the process runs `organism evolve` (it has exec'd) within 10 s: its niceness is read
// after that, not in the moment between fork and setpriority.
bool execd_evolve(pid_t pid) {
  for (int ms = 0; ms < 10'000; ms += 5) {
    const auto cmdline = test::read_file("/proc/" + std::to_string(pid) + "/cmdline");
    if (cmdline.find(std::string("evolve") + '\0' + "--db") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

std::optional<EvolutionCycle> wait_cycle(EvolutionWorker& worker, int seconds) {
  for (int ms = 0; ms < seconds * 1000; ms += 50) {
    if (auto cycle = worker.poll()) return cycle;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

std::optional<data::RunRecord> load_run(const std::string& store, const std::string& id) {
  auto s = data::Store::open_existing(store);
  return s.load_run(id);
}

bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  return line.empty() || line[line.rfind(')') + 2] == 'Z';
}

TEST(EvolutionWorker, ArgumentsOfANewCycleAndOfAResume) {
  EvolutionWorkerOptions o;
  o.organism_binary = "/bin/organism";
  o.store_path = "/tmp/none/o.db";
  o.config_path = "/tmp/none/o.toml";
  o.population = 12;
  o.budget_seconds = 90;
  const EvolutionWorker worker(o);
  using V = std::vector<std::string>;
  EXPECT_EQ(worker.child_arguments(""),
            (V{"evolve", "--db", "/tmp/none/o.db", "--config", "/tmp/none/o.toml", "--warm-start", "living",
               "--population", "12", "--time-budget", "90", "--threads", "1", "--json-out",
               "/tmp/none/o.db.evolve-cycle.json"}));
  EXPECT_EQ(worker.child_arguments("run_x"),
            (V{"evolve", "--db", "/tmp/none/o.db", "--config", "/tmp/none/o.toml", "--resume", "run_x",
               "--time-budget", "90", "--threads", "1", "--json-out", "/tmp/none/o.db.evolve-cycle.json"}));
  EXPECT_EQ(EvolutionWorker::state_path_for_store("/tmp/none/o.db"), "/tmp/none/o.db.daemon.json");
}

// A PostgreSQL store: the child gets the URL, but the cycle's local files are named after the
// server's host, port and database (data::sql::local_files_base), never after the URL, which is
// no path and may hold a password.
TEST(EvolutionWorker, AServerStoresCycleFilesAreLocalAndNamedAfterItsDatabase) {
  EvolutionWorkerOptions o;
  o.organism_binary = "/bin/organism";
  o.store_path = "postgresql://organism:secret@db.example:5433/research";
  const EvolutionWorker worker(o);
  const auto args = worker.child_arguments("run_x");
  ASSERT_GE(args.size(), 3u);
  EXPECT_EQ(args[2], o.store_path);
  EXPECT_EQ(args.back(), "db.example-5433-research.db.evolve-cycle.json");
  for (std::size_t i = 3; i < args.size(); ++i) EXPECT_EQ(args[i].find("secret"), std::string::npos) << args[i];
}

TEST(EvolutionWorker, ACycleStartsAfterEveryBarsAtNice19AndFinishesWithARun) {
  SmallStore s;
  EvolutionWorker worker(s.options(2));
  // The first bar starts the clock; three more bar times start a cycle. A bar decided again (a
  // restart) and an older one count nothing.
  worker.on_bar(kT0);
  worker.on_bar(kT0 + kHour);
  worker.on_bar(kT0 + 2 * kHour);
  worker.on_bar(kT0 + 2 * kHour);
  worker.on_bar(kT0 + kHour);
  EXPECT_FALSE(worker.running());
  EXPECT_FALSE(worker.poll());
  EXPECT_EQ(worker.clock().bars_since_cycle, 2);
  worker.on_bar(kT0 + 3 * kHour);
  ASSERT_TRUE(worker.running());
  const pid_t child = worker.child_pid();
  ASSERT_TRUE(execd_evolve(child));
  EXPECT_EQ(niceness(child), 19);
  EXPECT_EQ(::getpgid(child), child);  // its own process group: a terminal's Ctrl-C is the daemon's
  EXPECT_EQ(worker.clock().last_cycle, kT0 + 3 * kHour);
  EXPECT_EQ(worker.clock().bars_since_cycle, 0);

  // A bar while the child runs starts nothing and is counted towards the next cycle.
  worker.on_bar(kT0 + 4 * kHour);
  EXPECT_EQ(worker.child_pid(), child);
  EXPECT_EQ(worker.clock().bars_since_cycle, 1);

  const auto cycle = wait_cycle(worker, 180);
  ASSERT_TRUE(cycle) << test::read_file(s.store + ".evolve.log");
  EXPECT_EQ(cycle->exit_code, 0) << test::read_file(s.store + ".evolve.log");
  EXPECT_EQ(cycle->market_time, kT0 + 3 * kHour);
  EXPECT_GT(cycle->seconds, 0);
  ASSERT_FALSE(cycle->run_id.empty());
  const auto run = load_run(s.store, cycle->run_id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "finished");
  EXPECT_EQ(run->generation, 2);
  EXPECT_FALSE(worker.running());

  // The file holds the clock, and no cycle in progress.
  const auto state = nlohmann::json::parse(test::read_file(s.store + ".daemon.json"));
  EXPECT_EQ(state["evolution"]["last_cycle"].get<core::TimeMs>(), kT0 + 3 * kHour);
  EXPECT_EQ(state["evolution"]["last_bar"].get<core::TimeMs>(), kT0 + 4 * kHour);
  EXPECT_EQ(state["evolution"]["bars_since_cycle"].get<int>(), 1);
  EXPECT_EQ(state["evolution"]["run_id"].get<std::string>(), "");
  EXPECT_EQ(state["evolution"]["cycle_started_wall"].get<core::TimeMs>(), 0);
  const auto log = test::read_file(s.store + ".evolve.log");
  EXPECT_NE(log.find("=== organism run: evolution cycle of market time"), std::string::npos) << log;
  EXPECT_NE(log.find(cycle->run_id), std::string::npos) << log;
  // Two more bars make three since the cycle's start: the next cycle starts.
  worker.on_bar(kT0 + 5 * kHour);
  EXPECT_FALSE(worker.running());
  worker.on_bar(kT0 + 6 * kHour);
  EXPECT_TRUE(worker.running());
  worker.stop();
  EXPECT_FALSE(worker.running());
}

TEST(EvolutionWorker, AChildThatFailsBeforeItsRunIsReportedAndNotRestartedAtTheNextBar) {
  TempDir dir;
  EvolutionWorkerOptions o;
  o.organism_binary = ORGANISM_BINARY;
  o.store_path = (dir / "organism.db").string();
  o.config_path = (dir / "missing.toml").string();  // evolve refuses it at once
  o.every_bars = 1;
  EvolutionWorker worker(o);
  worker.on_bar(kT0);
  worker.on_bar(kT0 + kHour);
  ASSERT_TRUE(worker.running());
  const auto cycle = wait_cycle(worker, 60);
  ASSERT_TRUE(cycle);
  EXPECT_NE(cycle->exit_code, 0);
  EXPECT_EQ(cycle->run_id, "");
  EXPECT_EQ(worker.clock().cycle_started_wall, 0);
  // The failure is in the log, and the same bar decided again starts nothing.
  EXPECT_NE(test::read_file(dir / "organism.db.evolve.log").find("missing.toml"), std::string::npos);
  worker.on_bar(kT0 + kHour);
  EXPECT_FALSE(worker.running());
}

TEST(EvolutionWorker, AKilledDaemonsRunIsResumedByTheNextWorkerAndTheClockSurvives) {
  SmallStore s;
  // Enough generations that the child is still stepping when its daemon is killed.
  const int generations = 60;
  // The "daemon": a forked process whose worker starts a cycle, then waits to be killed.
  const pid_t daemon = ::fork();
  ASSERT_GE(daemon, 0);
  if (daemon == 0) {
    try {
      EvolutionWorker worker(s.options(generations));
      worker.on_bar(kT0);
      worker.on_bar(kT0 + kHour);
      worker.on_bar(kT0 + 2 * kHour);
      worker.on_bar(kT0 + 3 * kHour);
      for (;;) {
        worker.poll();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    } catch (...) {
    }
    ::_exit(1);  // never back into the test runner
  }
  // Killed on every way out of the test, a failed assertion included.
  struct KillOnExit {
    pid_t pid;
    ~KillOnExit() {
      if (::kill(pid, SIGKILL) == 0) ::waitpid(pid, nullptr, 0);
    }
  } guard{daemon};
  // Wait until the worker knows its run and the run has a checkpoint past generation 0.
  std::string run_id;
  pid_t child = 0;
  for (int ms = 0; ms < 120'000 && (run_id.empty() || !child); ms += 50) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto clock = EvolutionWorker::load_clock(s.store + ".daemon.json");
    run_id = clock.run_id;
    child = static_cast<pid_t>(clock.child_pid);
  }
  ASSERT_FALSE(run_id.empty()) << test::read_file(s.store + ".evolve.log");
  for (int ms = 0; ms < 120'000; ms += 50) {
    const auto run = load_run(s.store, run_id);
    if (run && run->generation >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(daemon, SIGKILL);
  ::waitpid(daemon, nullptr, 0);
  // The death signal stops the child, which saves its run as interrupted.
  for (int ms = 0; ms < 60'000 && !process_gone(child); ms += 50) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(process_gone(child)) << "the evolution child outlived its killed daemon";
  const auto stopped = load_run(s.store, run_id);
  ASSERT_TRUE(stopped);
  EXPECT_NE(stopped->status, "finished") << test::read_file(s.store + ".evolve.log");
  EXPECT_LT(stopped->generation, generations);

  // The next worker: the clock is the killed one's, and the first bar (the last one decided again)
  // resumes the run rather than starting a new cycle.
  EvolutionWorker worker(s.options(generations));
  EXPECT_EQ(worker.clock().last_cycle, kT0 + 3 * kHour);
  EXPECT_EQ(worker.clock().bars_since_cycle, 0);
  EXPECT_EQ(worker.clock().run_id, run_id);
  worker.on_bar(kT0 + 3 * kHour);
  ASSERT_TRUE(worker.running());
  EXPECT_EQ(worker.clock().bars_since_cycle, 0);
  const auto cycle = wait_cycle(worker, 180);
  ASSERT_TRUE(cycle);
  EXPECT_EQ(cycle->exit_code, 0) << test::read_file(s.store + ".evolve.log");
  EXPECT_EQ(cycle->run_id, run_id);
  EXPECT_EQ(cycle->market_time, kT0 + 3 * kHour);
  const auto finished = load_run(s.store, run_id);
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->status, "finished");
  EXPECT_EQ(finished->generation, generations);
  // One run in the store: the cycle was resumed, not repeated.
  EXPECT_EQ(data::Store::open_existing(s.store).list_runs().size(), 1u);
  EXPECT_NE(test::read_file(s.store + ".evolve.log").find("--resume " + run_id), std::string::npos);
  EXPECT_EQ(worker.clock().last_cycle, kT0 + 3 * kHour);
  EXPECT_TRUE(worker.clock().run_id.empty());
}

}  // namespace
}  // namespace organism::daemon
