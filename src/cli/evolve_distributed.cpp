#include "cli/evolve_distributed.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <optional>

#include "core/error.hpp"

#ifdef ORGANISM_HAVE_MPI
#include "evolve/distributed/mpi_channel.hpp"
#include "evolve/distributed/mpi_evaluator.hpp"
#include "evolve/distributed/mpi_session.hpp"
#endif

namespace organism::cli {

bool launched_by_mpirun() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"}) {
    if (std::getenv(name)) return true;
  }
  return false;
}

#ifdef ORGANISM_HAVE_MPI

namespace dist = evolve::distributed;

namespace {

// What rank 0 says when mpirun ends it (another rank died): preformatted after each checkpoint,
// since a signal handler may only write() it. The second global of the program, as SIGINT's.
char g_lost_message[512] = "";
std::atomic<std::size_t> g_lost_length{0};

constexpr char kEnded[] = "organism: the job was ended (Ctrl-C on mpirun, or a rank was lost); ";

extern "C" void on_terminate(int signal) {
  if (const auto n = g_lost_length.load(); n > 0) {
    static_cast<void>(::write(2, kEnded, sizeof kEnded - 1));
    static_cast<void>(::write(2, g_lost_message, n));
  }
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

}  // namespace

struct EvolveProcesses::Impl {
  bool workers = false;
  std::optional<dist::MpiSession> session;  // under mpirun only
  std::unique_ptr<dist::MpiIslandChannel> channel;
  std::unique_ptr<dist::MpiWorkerEvaluator> pool;
  std::unique_ptr<evolve::Engine> engine;
  bool distributed() const { return session && session->size() > 1; }
};

EvolveProcesses::EvolveProcesses(const std::string& mode, bool requested)
    : impl_(std::make_unique<Impl>()) {
  if (mode != "islands" && mode != "workers") {
    throw core::UsageError(fmt::format("--distributed must be islands or workers, not '{}'", mode));
  }
  impl_->workers = mode == "workers";
  if (!launched_by_mpirun()) {
    if (requested)
      spdlog::info("--distributed {}: not launched by mpirun, so one process does it all", mode);
    return;
  }
  impl_->session.emplace();
  if (rank() == 0) std::signal(SIGTERM, on_terminate);
  if (rank() != 0) {
    // Other ranks speak only when asked (-v) or when something is wrong, and say who they are.
    auto logger = spdlog::default_logger();
    if (logger->level() > spdlog::level::debug) logger->set_level(spdlog::level::warn);
    logger->set_pattern(fmt::format("[rank {}] %^%l%$ %v", rank()), spdlog::pattern_time_type::utc);
  }
}

EvolveProcesses::~EvolveProcesses() = default;

int EvolveProcesses::rank() const { return impl_->session ? impl_->session->rank() : 0; }

void EvolveProcesses::set_timeout(double seconds) {
  if (!(seconds >= 0))
    throw core::UsageError("evolve.mpi_timeout must be 0 (no limit) or a number of seconds");
  if (impl_->session) impl_->session->set_timeout(seconds);
}
int EvolveProcesses::size() const { return impl_->session ? impl_->session->size() : 1; }

nlohmann::json EvolveProcesses::share(const nlohmann::json& value) const {
  if (!impl_->distributed()) return value;
  return nlohmann::json::from_msgpack(impl_->session->broadcast(leader() ? [&] {
    const auto bytes = nlohmann::json::to_msgpack(value);
    return std::string(bytes.begin(), bytes.end());
  }() : std::string()));
}

bool EvolveProcesses::serve(const evolve::BacktestProblem& evaluator) {
  if (!impl_->distributed() || !impl_->workers) return false;
  impl_->pool = std::make_unique<dist::MpiWorkerEvaluator>(*impl_->session, evaluator);
  if (leader()) return false;
  impl_->pool->serve();
  finish();
  return true;
}

evolve::Engine& EvolveProcesses::engine(const evolve::EvolveOptions& options,
                                        const evolve::BacktestProblem& evaluator) {
  auto& s = impl_->session;
  if (!impl_->distributed()) {
    impl_->engine = std::make_unique<evolve::Engine>(options, evaluator);
  } else if (impl_->workers) {
    impl_->engine = std::make_unique<evolve::Engine>(options, *impl_->pool);
    spdlog::info(
        "master/worker evaluation: rank 0 evolves, each batch's (coin, genome) tasks spread "
        "over {} ranks by coin",
        s->size());
  } else {
    impl_->channel = std::make_unique<dist::MpiIslandChannel>(*s, options.islands);
    impl_->engine = std::make_unique<evolve::Engine>(
        options, evaluator, evolve::IslandPlacement{s->rank(), s->size()}, *impl_->channel);
    spdlog::info("islands over {} ranks: rank r owns islands i with i % {} == r", s->size(),
                 s->size());
  }
  return *impl_->engine;
}

void EvolveProcesses::checkpointed(const std::string& run_id, int generation) {
  if (!impl_->distributed() || !leader()) return;
  const auto text = fmt::format(
      "run {} is checkpointed after generation {}: continue with 'organism evolve --resume {}' "
      "(with or without mpirun)\n",
      run_id, generation, run_id);
  g_lost_length.store(0);  // never half a message, should the signal come now
  g_lost_length.store(text.copy(g_lost_message, sizeof g_lost_message - 1));
}

void EvolveProcesses::finish() {
  if (!impl_->distributed()) return;
  if (leader() && impl_->pool) impl_->pool->stop();
  dist::Traffic t;
  if (impl_->channel) t = impl_->channel->traffic();
  dist::WorkerTraffic w;
  if (impl_->pool) w = impl_->pool->traffic();
  const auto total = impl_->session->sum(
      {t.migrations, t.migration_bytes, t.gathers, t.gather_bytes,
       impl_->engine && !impl_->workers ? impl_->engine->backtested() : 0,
       impl_->session->waited_us(), w.batches, w.batch_genomes, w.genomes_sent, w.genome_bytes,
       w.tasks_returned, w.metrics_bytes});
  if (!leader()) return;
  const auto per = [](std::int64_t bytes, std::int64_t n) { return n > 0 ? bytes / n : 0; };
  if (impl_->workers) {
    spdlog::info(
        "MPI traffic: {} batches of {} genomes in all; out {} bytes for {} genomes sent to the "
        "workers ({} bytes per genome sent); back {} bytes for {} tasks ({} bytes per task); "
        "{:.3f}s in MPI (transfers and waits) on all ranks",
        total[6], total[7], total[9], total[8], per(total[9], total[8]), total[11], total[10],
        per(total[11], total[10]), static_cast<double>(total[5]) * 1e-6);
  } else {
    const auto ranks = static_cast<std::int64_t>(size());
    spdlog::info(
        "MPI traffic: {} migrations of {} bytes each (all ranks); {} bytes per generation gathered "
        "on rank 0; "
        "{} backtests on all ranks for {} distinct genomes; {:.3f}s per generation and rank in MPI "
        "(transfers "
        "and waits)",
        total[0] / ranks, per(total[1], total[0] / ranks), per(total[3], total[2] / ranks),
        total[4], impl_->engine->evaluations(),
        static_cast<double>(total[5]) * 1e-6 / static_cast<double>(total[2]));
  }
}

void EvolveProcesses::run(const std::function<void()>& body) {
  if (!impl_->distributed()) return body();
  try {
    body();
  } catch (const std::exception& e) {
    int code = 1;
    if (dynamic_cast<const core::UsageError*>(&e)) code = 2;
    if (dynamic_cast<const core::Interrupted*>(&e)) code = 130;
    fmt::print(
        stderr,
        "organism: error on rank {} of {} ({}): {}\norganism: ending every rank of the job\n",
        rank(), size(), impl_->session->host(), e.what());
    if (const auto n = g_lost_length.load(); leader() && n > 0) {
      fmt::print(stderr, "organism: {}", std::string_view(g_lost_message, n));
    }
    std::fflush(stderr);
    impl_->session->abort(code);
  }
}

#else  // built without MPI: one process only

struct EvolveProcesses::Impl {
  std::unique_ptr<evolve::Engine> engine;
};

EvolveProcesses::EvolveProcesses(const std::string& mode, bool requested)
    : impl_(std::make_unique<Impl>()) {
  if (requested || launched_by_mpirun()) {
    throw core::UsageError(
        fmt::format("organism was built without MPI, which {} needs (install libopenmpi-dev and "
                    "rebuild; see docs/distributed.md)",
                    launched_by_mpirun() ? std::string("a run under mpirun")
                                         : fmt::format("--distributed {}", mode)));
  }
}

EvolveProcesses::~EvolveProcesses() = default;
int EvolveProcesses::rank() const { return 0; }
int EvolveProcesses::size() const { return 1; }
nlohmann::json EvolveProcesses::share(const nlohmann::json& value) const { return value; }
bool EvolveProcesses::serve(const evolve::BacktestProblem&) { return false; }
void EvolveProcesses::set_timeout(double) {}
void EvolveProcesses::checkpointed(const std::string&, int) {}
void EvolveProcesses::finish() {}
void EvolveProcesses::run(const std::function<void()>& body) { body(); }

evolve::Engine& EvolveProcesses::engine(const evolve::EvolveOptions& options,
                                        const evolve::BacktestProblem& evaluator) {
  impl_->engine = std::make_unique<evolve::Engine>(options, evaluator);
  return *impl_->engine;
}

#endif

}  // namespace organism::cli
