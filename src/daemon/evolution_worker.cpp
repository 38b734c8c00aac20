#include "daemon/evolution_worker.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "daemon/state_file.hpp"
#include "data/sql.hpp"
#include "data/store.hpp"
#include "monitor/store_files.hpp"
#include "runs/run_lock.hpp"

extern char** environ;

namespace organism::daemon {
namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

// The run a finished child wrote into its --json-out file ("run"), or empty.
std::string run_in_json_out(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  try {
    const auto j = nlohmann::json::parse(in);
    return j.value("run", std::string());
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

}  // namespace

std::string EvolutionWorker::state_path_for_store(const std::string& store_path) {
  return monitor::daemon_state_path(store_path);
}

EvolutionClock EvolutionWorker::load_clock(const std::string& state_path) {
  const auto state = read_state_file(state_path);
  EvolutionClock clock;
  if (!state.contains("evolution")) return clock;
  const auto& e = state["evolution"];
  clock.last_bar = e.value("last_bar", core::TimeMs{0});
  clock.last_cycle = e.value("last_cycle", core::TimeMs{0});
  clock.bars_since_cycle = e.value("bars_since_cycle", std::int64_t{0});
  clock.run_id = e.value("run_id", std::string());
  clock.cycle_started_wall = e.value("cycle_started_wall", core::TimeMs{0});
  clock.child_pid = e.value("child_pid", std::int64_t{0});
  clock.resume_attempts = e.value("resume_attempts", 0);
  return clock;
}

EvolutionWorker::EvolutionWorker(EvolutionWorkerOptions options)
    : options_(std::move(options)),
      state_path_(state_path_for_store(options_.store_path)),
      // Local files beside a file store; for a server store, named after its host, port and database
      // in the current directory (never the URL itself: not a path, and it may hold a password).
      json_out_path_(data::sql::local_files_base(options_.store_path) + ".evolve-cycle.json"),
      clock_(load_clock(state_path_)) {
  if (options_.log_path.empty()) options_.log_path = data::sql::local_files_base(options_.store_path) + ".evolve.log";
  if (clock_.cycle_started_wall > 0) {
    spdlog::info("evolution: the cycle started at {} did not end before the last stop{}; resuming it first",
                 core::format_utc(clock_.last_cycle), clock_.run_id.empty() ? "" : fmt::format(" (run {})", clock_.run_id));
  }
}

EvolutionWorker::~EvolutionWorker() {
  try {
    stop();
  } catch (const std::exception& e) {
    spdlog::error("evolution: stopping the worker: {}", e.what());
  }
}

void EvolutionWorker::set_options(EvolutionWorkerOptions options) {
  options.store_path = options_.store_path;
  if (options.log_path.empty()) options.log_path = options_.log_path;
  options_ = std::move(options);
}

std::vector<std::string> EvolutionWorker::child_arguments(const std::string& resume_run_id) const {
  std::vector<std::string> args{"evolve", "--db", options_.store_path};
  if (!options_.config_path.empty()) args.insert(args.end(), {"--config", options_.config_path});
  if (resume_run_id.empty()) {
    if (!options_.warm_start.empty()) args.insert(args.end(), {"--warm-start", options_.warm_start});
    if (options_.population > 0) args.insert(args.end(), {"--population", std::to_string(options_.population)});
    if (options_.generations > 0) args.insert(args.end(), {"--generations", std::to_string(options_.generations)});
  } else {
    // A resumed run keeps its stored options (population, generations, warm start).
    args.insert(args.end(), {"--resume", resume_run_id});
  }
  // The budget is this process's stepping time, so a resume gets a budget of its own.
  if (options_.budget_seconds > 0) args.insert(args.end(), {"--time-budget", fmt::format("{:g}", options_.budget_seconds)});
  args.insert(args.end(), {"--threads", "1", "--json-out", json_out_path_});
  return args;
}

void EvolutionWorker::save_clock() const {
  write_state_key(state_path_, "evolution", {{"last_bar", clock_.last_bar},
                        {"last_cycle", clock_.last_cycle},
                        {"bars_since_cycle", clock_.bars_since_cycle},
                        {"run_id", clock_.run_id},
                        {"cycle_started_wall", clock_.cycle_started_wall},
                        {"child_pid", clock_.child_pid},
                        {"resume_attempts", clock_.resume_attempts}});
}

void EvolutionWorker::on_bar(core::TimeMs time) {
  if (time > clock_.last_bar) {
    // The first bar ever seen starts the clock; each newer one counts. An older or equal time is
    // a bar decided again after a restart and counts nothing.
    if (clock_.last_bar != 0) ++clock_.bars_since_cycle;
    if (clock_.last_cycle == 0 && clock_.last_bar == 0) clock_.last_cycle = time;
    clock_.last_bar = time;
    save_clock();
  }
  if (running()) return;

  if (clock_.cycle_started_wall > 0) {  // a cycle a stopped or killed worker left unfinished
    if (clock_.run_id.empty()) discover_run();
    bool holder_alive = false;
    if (!clock_.run_id.empty() && resumable(clock_.run_id, holder_alive)) {
      if (holder_alive) return;  // the previous child still checkpoints: resume at a later bar
      if (clock_.resume_attempts < kMaxResumeAttempts) {
        start_child(clock_.run_id, clock_.last_cycle);
        return;
      }
      spdlog::error("evolution: run {} failed {} resumes; giving it up (see {})", clock_.run_id,
                    clock_.resume_attempts, options_.log_path);
    }
    clock_.run_id.clear();
    clock_.cycle_started_wall = 0;
    clock_.child_pid = 0;
    clock_.resume_attempts = 0;
    save_clock();
  }

  if (options_.every_bars > 0 && clock_.bars_since_cycle >= options_.every_bars) {
    clock_.last_cycle = time;
    clock_.bars_since_cycle = 0;
    clock_.run_id.clear();
    clock_.resume_attempts = 0;
    clock_.cycle_started_wall = core::WallClock().now();
    start_child("", time);
  }
}

bool EvolutionWorker::resumable(const std::string& run_id, bool& holder_alive) const {
  if (!data::Store::may_exist(options_.store_path)) return false;
  auto store = data::Store::open_existing(options_.store_path);
  const auto run = store.load_run(run_id);
  if (!run || run->status == "finished") return false;
  holder_alive = runs::run_in_progress(store, run_id);
  return true;
}

void EvolutionWorker::discover_run() {
  if (!data::Store::may_exist(options_.store_path)) return;  // no store, no run (the child failed early)
  auto store = data::Store::open_existing(options_.store_path);
  // The newest runs first: the child's is the one whose lock names it, or, once the child is gone
  // (a restart, or a child stopped before it looked), the newest unfinished one created after the
  // cycle started (a finished one would be in the child's --json-out). Runs are few; a wall-clock
  // slack of two seconds covers a clock step between the daemon's and the child's readings.
  for (const auto& run : store.list_runs()) {
    if (run.created + 2000 < clock_.cycle_started_wall) break;
    if (running()) {
      const auto lock = store.load_run_lock(run.id);
      if (!lock || lock->pid != child_) continue;
    } else if (run.status == "finished") {
      continue;
    }
    clock_.run_id = run.id;
    save_clock();
    spdlog::info("evolution: cycle of {} is run {}", core::format_utc(clock_.last_cycle), run.id);
    return;
  }
}

void EvolutionWorker::start_child(const std::string& resume_run_id, core::TimeMs market_time) {
  const auto args = child_arguments(resume_run_id);
  std::vector<std::string> argv_s{options_.organism_binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  const int log = ::open(options_.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) throw core::Error(fmt::format("evolution log {}: {}", options_.log_path, std::strerror(errno)));
  const auto banner = fmt::format("\n=== organism run: evolution cycle of market time {}{}: {}\n",
                                  core::format_utc(market_time),
                                  resume_run_id.empty() ? "" : fmt::format(", resuming {}", resume_run_id),
                                  fmt::join(argv_s, " "));
  if (::write(log, banner.data(), banner.size()) < 0) {
    spdlog::warn("evolution log {}: {}", options_.log_path, std::strerror(errno));
  }
  const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::filesystem::remove(json_out_path_);

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const std::string why = std::strerror(errno);
    ::close(log);
    if (null_in >= 0) ::close(null_in);
    throw core::Error(fmt::format("evolution: cannot start {}: {}", options_.organism_binary, why));
  }
  if (pid == 0) {
    // The child of a possibly multi-threaded daemon: async-signal-safe calls only until exec.
    // Its own process group keeps a terminal's Ctrl-C for the daemon, which stops it in order;
    // the death signal stops it (checkpointed) when the daemon's thread dies, kill -9 included.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(126);  // the daemon died before the line above
    ::setpriority(PRIO_PROCESS, 0, options_.nice);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (const int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) ::signal(sig, SIG_DFL);
    if (null_in >= 0) ::dup2(null_in, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::execve(argv[0], argv.data(), environ);
    static constexpr char kFailed[] = "organism run: exec of the evolution child failed\n";
    [[maybe_unused]] const auto n = ::write(2, kFailed, sizeof kFailed - 1);
    ::_exit(127);
  }
  ::close(log);
  if (null_in >= 0) ::close(null_in);
  child_ = pid;
  child_market_time_ = market_time;
  child_started_ = steady_seconds();
  child_is_resume_ = !resume_run_id.empty();
  stopping_ = false;
  clock_.child_pid = pid;
  save_clock();
  spdlog::info("evolution: cycle of {} {} (pid {}, nice {}, log {})", core::format_utc(market_time),
               resume_run_id.empty() ? std::string("started") : fmt::format("resuming run {}", resume_run_id), pid,
               options_.nice, options_.log_path);
}

std::optional<EvolutionCycle> EvolutionWorker::poll() {
  if (!running()) return std::nullopt;
  if (clock_.run_id.empty()) discover_run();
  int status = 0;
  const pid_t done = ::waitpid(child_, &status, WNOHANG);
  if (done == 0) return std::nullopt;
  if (done < 0) status = 0;  // already reaped elsewhere (cannot happen with our own child); as a failure below
  EvolutionCycle cycle;
  cycle.exit_code = done < 0 ? 1 : exit_code_of(status);
  cycle.market_time = child_market_time_;
  cycle.seconds = steady_seconds() - child_started_;
  child_ = -1;
  clock_.child_pid = 0;
  if (clock_.run_id.empty()) clock_.run_id = run_in_json_out(json_out_path_);
  if (clock_.run_id.empty()) discover_run();  // created, then stopped before its first lookup
  cycle.run_id = clock_.run_id;
  std::filesystem::remove(json_out_path_);

  bool holder_alive = false;
  const bool unfinished = !clock_.run_id.empty() && resumable(clock_.run_id, holder_alive);
  if (cycle.exit_code == 0 || !unfinished) {
    if (cycle.exit_code != 0 && stopping_) {
      spdlog::info("evolution: the cycle of {} was stopped before its run was stored",
                   core::format_utc(cycle.market_time));
    } else if (cycle.exit_code != 0) {
      spdlog::error("evolution: the cycle of {} failed (exit {}) before its run was stored; see {}",
                    core::format_utc(cycle.market_time), cycle.exit_code, options_.log_path);
    }
    clock_.run_id.clear();
    clock_.cycle_started_wall = 0;
    clock_.resume_attempts = 0;
  } else if (stopping_) {
    spdlog::info("evolution: run {} stopped (exit {}); a restart resumes it", clock_.run_id, cycle.exit_code);
  } else {
    // A crash (or a signal from elsewhere) leaves the run checkpointed: resume it a few times, so
    // that one which fails for good is given up rather than restarted for ever.
    ++clock_.resume_attempts;
    spdlog::error("evolution: run {} ended with exit {} unfinished (attempt {} of {}); see {}", clock_.run_id,
                  cycle.exit_code, clock_.resume_attempts, kMaxResumeAttempts, options_.log_path);
  }
  save_clock();
  if (cycle.exit_code == 0) {
    spdlog::info("evolution: cycle of {} finished: run {} in {:.1f}s", core::format_utc(cycle.market_time),
                 cycle.run_id, cycle.seconds);
  }
  return cycle;
}

void EvolutionWorker::stop() {
  if (!running()) return;
  stopping_ = true;
  ::kill(child_, SIGTERM);
  // The child saves its run at its next safe point (a backtest); a minute without it means it is
  // stuck, and the daemon's stop must not hang on it.
  for (int waited_ms = 0; waited_ms < 60'000; waited_ms += 20) {
    if (poll()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  spdlog::error("evolution: child {} ignored SIGTERM for a minute; killing it", child_);
  ::kill(child_, SIGKILL);
  while (running() && !poll()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace organism::daemon
