// `organism evolve`: NSGA-II over genomes on the in-sample 60% of a universe of coins, checkpointed
// in the store every generation (resumable, Ctrl-C safe); the final front is backtested on the
// out-of-sample and walk-forward segments, printed, saved as strategies and written as JSON.
// The workflow is the run service's (runs::RunSession); this file reads flags and prints.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <memory>

#include "cli/cost_options.hpp"
#include "cli/evolve_distributed.hpp"
#include "cli/evolve_support.hpp"
#include "cli/report_support.hpp"
#include "core/error.hpp"
#include "core/stop_signals.hpp"

namespace organism::cli {
namespace {

struct EvolveArgs {
  std::string json_out;
  std::string report;  // HTML report written at the end
  std::string resume;  // run id, or "latest"
  bool resume_given = false;
  std::size_t top = 15;
};

// The run to step: a resumed one with its checkpoint, or a new one from the config. Other MPI
// ranks get the leader's from the run service.
// The run is locked for this process from here until the session ends.
// A bad validate.* key fails before anything is written or evolved (a worker rank checks its own).
runs::ClaimedRun run_to_step(const EvolveArgs& a, Context& ctx, const runs::RunService& service, bool leader,
                             const validate::ValidationOptions& validation) {
  const auto& cfg = ctx.config;
  if (!leader) return {};
  if (a.resume_given) {
    auto claimed = service.claim_resumable(a.resume);
    const auto& run = claimed.record;
    check_resume_costs(cfg, run.options.costs, run.id);
    runs::options_for_run(validation, run.options.evolve);
    spdlog::info("resuming {} after generation {} with its stored options; costs: {}", run.id,
                 run.progress.generation, backtest::describe_costs(run.options.costs));
    return claimed;
  }
  auto options = runs::new_run_options(cfg, validation);
  // The coins are checked, and the warm start read, before anything is built, so a bad one fails first.
  auto universe = runs::new_run_universe(cfg);
  service.read_history(options, cfg.get_list("evolve.warm_start"), universe.market.interval);
  if (service.store().list_series().empty()) {
    spdlog::warn("store {} has no market data: building the synthetic market first (organism data synth)",
                 service.store().path());
    synthesize_market(ctx);
    if (cfg.get("synth.interval") != universe.market.interval) {
      throw core::UsageError(fmt::format("the synthetic market is {} but evolve.interval is {}",
                                         cfg.get("synth.interval"), universe.market.interval));
    }
  }
  return service.create(options, universe, cfg.get("data.venue"));
}

void run_evolve(const EvolveArgs& a, Context& ctx, EvolveProcesses& procs) {
  auto store = data::Store::open(ctx.db());
  const core::WallClock clock;
  const runs::RunService service(store, clock);
  const auto validation = runs::validation_options(ctx.config);
  // Stop requests are taken from before the run is chosen, so that none ends the process between
  // its lock and its session. Under mpirun SIGTERM stays evolve_distributed's: mpirun sends it when
  // a rank is lost, and rank 0 must then end at once, not wait for the lost rank at a safe point.
  const auto stop = procs.size() > 1 ? std::make_unique<core::StopSignals>(std::initializer_list<int>{SIGINT, SIGHUP})
                                     : std::make_unique<core::StopSignals>();
  auto claimed = run_to_step(a, ctx, service, procs.leader(), validation);
  runs::RunSession session(service, std::move(claimed.record), std::move(claimed.checkpoint),
                           runs::evaluation_settings(ctx.config), procs, stop->token(), progress_callbacks(ctx),
                           std::move(claimed.universe));
  if (session.served()) return;  // a worker rank: done when rank 0 is
  // The budget is this process's (not the run's): a resumed run gets the budget of its resume.
  const auto finished =
      session.run_to_end(ctx.config.get_double("evolve.time_budget_seconds"),
                         ctx.config.get_bool("validate.on_evolve") ? std::optional(validation) : std::nullopt);
  if (!finished) return;  // not the leader

  const auto& result = finished->result;
  const auto json = runs::to_json(result);
  if (finished->validation) print_validation_summary(*finished->validation, 25);
  fmt::print("{}", monitor::front_table(result, a.top, session.record().options.evolve.target_volatility));
  if (!a.json_out.empty()) write_json_file(a.json_out, json);
  const auto survivors = result.validation ? result.validation->survivors : 0;
  fmt::print("run {}: {} evaluations in {}; {} distinct strategies on the front saved in {} ({} validated, {} testing)\n",
             result.run, result.evaluations, format_seconds(session.seconds()), result.front.size(), store.path(),
             survivors, result.front.size() - survivors);
  if (!a.report.empty()) write_run_report(store, result.run, a.report);
}

}  // namespace

void add_evolve_command(CLI::App& app, Registry& registry) {
  auto args = std::make_shared<EvolveArgs>();
  CLI::App* cmd = app.add_subcommand("evolve", "discover strategies: multi-objective evolution (NSGA-II) over genomes");
  cmd->footer(R"(
Evolution sees only the in-sample 60% of each coin (DESIGN.md splits, with an embargo); the final
front is then backtested on the out-of-sample and walk-forward segments. Each generation is
checkpointed in the store; Ctrl-C, SIGTERM or SIGHUP saves and exits (code 130), --resume
continues bit for bit. A run executed by a live process is locked: another --resume refuses it.
With an empty store the synthetic market is built first. See docs/evolution.md.)");
  registry.bind(cmd->add_option("--coins", "comma-separated coins (default BTC,ETH,SOL)"), "evolve.coins");
  registry.bind(cmd->add_option("--interval", "bar interval (default 1h)"), "evolve.interval");
  registry.bind(cmd->add_option("--venue", "venue when a coin is stored on several"), "data.venue");
  registry.bind(cmd->add_option("--population", "genomes in all, split over islands (default 200)"), "evolve.population");
  registry.bind(cmd->add_option("--generations", "generations after the first (default 50)"), "evolve.generations");
  registry.bind(cmd->add_option("--islands", "islands with ring migration (default 1)"), "evolve.islands");
  registry.bind(cmd->add_option("--seed", "seed of the run (default 1)"), "evolve.seed");
  registry.bind(cmd->add_option("--threads", "evaluation threads, 0 = all cores (default 0)"), "evolve.threads");
  registry.bind(cmd->add_option("--objectives", "metrics to optimize (default sharpe,consistency,max_drawdown,turnover)"),
                "evolve.objectives");
  registry.bind(cmd->add_option("--aggregate", "objectives across coins: mean or worst (default mean)"), "evolve.aggregate");
  registry.bind(cmd->add_option("--families", "families to search, comma-separated, or all (default: seed families and trees)"), "evolve.families");
  registry.bind(cmd->add_option("--min-trades", "constraint: mean in-sample trades per coin (default 10)"), "evolve.min_trades");
  registry.bind(cmd->add_option("--max-drawdown", "constraint: worst in-sample drawdown at the target volatility (default 0.5)"), "evolve.max_drawdown");
  registry.bind(cmd->add_flag("--breaker-genes")->description("random initial genomes carry the drawdown-stop genes (dd_stop, dd_cooldown) for evolution to tune"), "evolve.breaker_genes");
  registry.bind(cmd->add_option("--target-volatility", "annualized volatility every curve is rescaled to before its metrics are taken (default 0.20)"), "evolve.target_volatility");
  registry.bind(cmd->add_option("--warm-start", "living, or strategy ids: stored genomes that open the initial population (at most half)"),
                "evolve.warm_start");
  registry.bind(cmd->add_option("--time-budget", "seconds of evolving after which the run finishes with the generations reached (default 0: none)"),
                "evolve.time_budget_seconds");
  registry.bind(cmd->add_option("--graveyard-weight", "penalty on genomes close to retired strategies (default 0: off)"),
                "evolve.graveyard_weight");
  registry.bind(cmd->add_option("--cache-mb", "indicator cache size in MiB (default 2048)"), "evolve.cache_mb");
  registry.bind(cmd->add_option("--embargo", "bars between segments, or auto (default auto)"), "evolve.embargo");
  add_cost_options(cmd, registry);  // --fees --maker-fee --slippage --fill --no-funding, as on backtest
  cmd->add_option("--top", args->top, "distinct front members shown in the table: survivors, then by held-out Sharpe (default 15)");
  cmd->add_option("--json-out", args->json_out, "write the run and its front as JSON to FILE");
  cmd->add_option("--report", args->report, "write the run's HTML report to FILE at the end (see 'organism report')");
  cmd->add_option("--resume", args->resume, "continue an interrupted run (RUN id, or the latest unfinished)")
      ->expected(0, 1);
  registry.bind(cmd->add_option("--distributed", "under mpirun: islands (ranks own islands) or workers (default islands)"),
                "evolve.distributed");
  registry.bind(cmd->add_option("--mpi-timeout", "under mpirun: seconds a rank waits for the others before ending the job (default 0: no limit)"),
                "evolve.mpi_timeout");
  registry.on(cmd, [args, cmd](Context& ctx) {
    args->resume_given = cmd->get_option("--resume")->count() > 0;
    EvolveProcesses procs(ctx.config.get("evolve.distributed"), cmd->get_option("--distributed")->count() > 0);
    procs.run([&] {
      procs.set_timeout(ctx.config.get_double("evolve.mpi_timeout"));
      run_evolve(*args, ctx, procs);
    });
  });
}

}  // namespace organism::cli
