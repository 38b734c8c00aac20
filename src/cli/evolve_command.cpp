// `organism evolve`: NSGA-II over genomes on the in-sample 60% of a universe of coins, checkpointed
// in the store every generation (resumable, Ctrl-C safe); the final front is backtested on the
// out-of-sample and walk-forward segments, printed, saved as strategies and written as JSON.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <ctime>

#include "cli/cost_options.hpp"
#include "cli/evolve_distributed.hpp"
#include "cli/evolve_support.hpp"
#include "cli/report_support.hpp"
#include "cli/validate_support.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::cli {
namespace {

// Set by SIGINT. A signal handler can only touch a lock-free atomic with static storage, hence
// the one global of the program; the engine polls it between backtests.
std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted.store(true); }

struct EvolveArgs {
  std::string json_out;
  std::string report;  // HTML report written at the end
  std::string resume;  // run id, or "latest"
  bool resume_given = false;
  std::size_t top = 15;
};

evolve::EvolveOptions options_from_config(const core::Config& cfg) {
  evolve::EvolveOptions o;
  o.seed = static_cast<std::uint64_t>(cfg.get_int("evolve.seed"));
  o.population = static_cast<int>(cfg.get_int("evolve.population"));
  o.generations = static_cast<int>(cfg.get_int("evolve.generations"));
  o.islands = static_cast<int>(cfg.get_int("evolve.islands"));
  o.migration_interval = static_cast<int>(cfg.get_int("evolve.migration_interval"));
  o.migrants = static_cast<int>(cfg.get_int("evolve.migrants"));
  o.families = cfg.get_list("evolve.families");
  o.objectives = evolve::parse_objectives(cfg.get("evolve.objectives"));
  o.aggregate = evolve::parse_aggregate(cfg.get("evolve.aggregate"));
  o.constraints.min_trades = cfg.get_double("evolve.min_trades");
  o.constraints.max_drawdown = cfg.get_double("evolve.max_drawdown");
  o.target_volatility = cfg.get_double("evolve.target_volatility");
  o.variation.crossover_probability = cfg.get_double("evolve.crossover_probability");
  o.variation.sbx_eta = cfg.get_double("evolve.sbx_eta");
  o.variation.mutation_eta = cfg.get_double("evolve.mutation_eta");
  o.variation.mutation_rate = cfg.get_double("evolve.mutation_rate");
  o.variation.family_switch_probability = cfg.get_double("evolve.family_switch");
  evolve::validate(o);
  return o;
}

std::size_t embargo_from_config(const core::Config& cfg) {
  const auto& text = cfg.get("evolve.embargo");
  if (text == "auto") return evolve::default_embargo();
  const auto v = cfg.get_int("evolve.embargo");
  if (v < 0) throw core::UsageError("evolve.embargo must be 'auto' or a number of bars >= 0");
  return static_cast<std::size_t>(v);
}

std::string new_run_id(data::Store& store, std::uint64_t seed) {
  const auto now = std::chrono::system_clock::now();
  const auto stamp = core::format_utc(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  std::string base = "run_";
  for (char c : stamp.substr(0, 19)) {
    if (std::isdigit(static_cast<unsigned char>(c))) base += c;  // 20261122041500
  }
  base += fmt::format("_s{}", seed);
  std::string id = base;
  for (int i = 2; store.load_run(id); ++i) id = fmt::format("{}_{}", base, i);
  return id;
}

std::string format_seconds(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  if (s < 60) return fmt::format("{:.0f}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return fmt::format("{}h{:02}m", static_cast<int>(s) / 3600, static_cast<int>(s) % 3600 / 60);
}

void print_generation(const evolve::Engine& engine, double seconds_this_gen, double seconds_per_gen) {
  const auto& st = engine.last_stats();
  const auto& o = engine.options();
  std::string best;
  for (std::size_t i = 0; i < o.objectives.size(); ++i) {
    best += fmt::format(" {} {}", o.objectives[i].metric, std::isfinite(st.best[i]) ? fmt::format("{:.3g}", st.best[i]) : "-");
  }
  const double rate = seconds_this_gen > 0 ? static_cast<double>(st.evaluated) / seconds_this_gen : 0;
  const double left = seconds_per_gen * (o.generations - st.generation);
  fmt::print(stderr, "gen {}/{}  best{}  front {}  feasible {}  evaluated {} (reused {})  {:.0f} eval/s  left {}\n",
             st.generation, o.generations, best, st.front_size, st.feasible, st.evaluated, st.reused, rate,
             format_seconds(left));
}

void save_state(data::Store& store, data::RunRecord& run, const evolve::Engine& engine, double seconds,
                const std::string& status) {
  run.status = status;
  run.generation = engine.generation();
  run.evaluations = engine.evaluations();
  run.seconds = seconds;
  auto tx = store.transaction();
  store.save_run(run);
  store.save_checkpoint(run.id, engine.generation(), engine.checkpoint().dump());
  tx.commit();
}

void run_evolve(const EvolveArgs& a, Context& ctx, EvolveProcesses& procs) {
  const auto& cfg = ctx.config;
  auto store = data::Store::open(ctx.db());
  data::RunRecord run;
  evolve::EvolveOptions options;
  backtest::BacktestConfig costs;  // the run's: from backtest.* for a new run, stored for a resumed one
  UniverseSpec spec;
  std::optional<nlohmann::json> checkpoint;
  if (!procs.leader()) {
    // Under mpirun rank 0 alone reads and writes the run; the others take its decisions below.
  } else if (a.resume_given) {
    std::optional<data::RunRecord> found;
    if (a.resume.empty() || a.resume == "latest") {
      for (const auto& r : store.list_runs()) {
        if (r.status != "finished") {
          found = r;
          break;
        }
      }
      if (!found) throw core::Error(fmt::format("no unfinished run in store {} to resume", store.path()));
    } else {
      found = store.load_run(a.resume);
      if (!found) throw core::Error(fmt::format("no run '{}' in store {}", a.resume, store.path()));
      if (found->status == "finished") throw core::Error(fmt::format("run '{}' has finished; nothing to resume", a.resume));
    }
    run = *found;
    const auto stored = nlohmann::json::parse(run.options);
    options = evolve::options_from_json(stored);
    costs = run_costs(stored);
    check_resume_costs(cfg, costs, run.id);
    spec = universe_spec_from_json(nlohmann::json::parse(run.universe));
    const auto state = store.load_checkpoint(run.id);
    if (!state) throw core::Error(fmt::format("run '{}' has no checkpoint", run.id));
    checkpoint = nlohmann::json::parse(*state);
    spdlog::info("resuming {} after generation {} with its stored options; costs: {}", run.id, run.generation,
                 backtest::describe_costs(costs));
  } else {
    options = options_from_config(cfg);
    costs = costs_from_config(cfg);
    spec.interval = cfg.get("evolve.interval");
    spec.coins = cfg.get_list("evolve.coins");
    if (spec.coins.empty()) throw core::UsageError("--coins needs at least one coin");
    spec.embargo = embargo_from_config(cfg);
    if (!cfg.get("data.venue").empty()) spec.venues.assign(spec.coins.size(), "");
    if (store.list_series().empty()) {
      spdlog::warn("store {} has no market data: building the synthetic market first (organism data synth)", store.path());
      synthesize_market(ctx);
      if (cfg.get("synth.interval") != spec.interval) {
        throw core::UsageError(fmt::format("the synthetic market is {} but evolve.interval is {}", cfg.get("synth.interval"), spec.interval));
      }
    }
  }

  validation_options(cfg, options);  // a bad validate.* key fails now, not after the evolution
  if (procs.size() > 1) {
    const auto setup = procs.share(nlohmann::json{{"options", evolve::to_json(options)},
                                                  {"costs", backtest::costs_to_json(costs)},
                                                  {"universe", to_json(spec)},
                                                  {"checkpoint", checkpoint.value_or(nlohmann::json())}});
    options = evolve::options_from_json(setup.at("options"));
    costs = backtest::costs_from_json(setup.at("costs"));
    spec = universe_spec_from_json(setup.at("universe"));
    if (!setup.at("checkpoint").is_null()) checkpoint = setup.at("checkpoint");
  }
  const auto universe = load_universe(store, ctx, spec);
  for (const auto& c : universe.coins) {
    spdlog::info("{}: {} bars; in-sample {}..{}, out-of-sample {}..{}, walk-forward {}..{} (embargo {})", c.label,
                 c.bars.size(), c.splits.in_sample.begin, c.splits.in_sample.end, c.splits.out_of_sample.begin,
                 c.splits.out_of_sample.end, c.splits.walk_forward.begin, c.splits.walk_forward.end, universe.embargo);
  }
  const auto settings = evaluation_settings(cfg);
  indicators::IndicatorCache cache(settings.cache_bytes);
  const evolve::Evaluator evaluator(universe, costs, cache, settings.threads, options.target_volatility);
  if (procs.serve(evaluator)) return;  // a worker rank: done when rank 0 is
  auto& engine = procs.engine(options, evaluator);
  const bool leader = procs.leader();

  g_interrupted.store(false);
  const auto previous = std::signal(SIGINT, on_interrupt);
  engine.set_cancel(&g_interrupted);
  const auto started = std::chrono::steady_clock::now();
  const double seconds_before = run.seconds;
  const auto elapsed = [&] {
    return seconds_before + std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const bool show = leader && ctx.progress != core::ProgressMode::Off;
  double step_seconds = 0, save_seconds = 0, step_cpu = 0;  // generations after the first, for the timing line
  int steps = 0;
  try {
    if (checkpoint) {
      engine.restore(*checkpoint);
    } else {
      run.id = new_run_id(store, options.seed);
      run.created = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count();
      run.options = run_options_json(options, costs).dump();
      run.universe = to_json(spec).dump();
      spdlog::info("run {}: population {} on {} island(s), {} generations, seed {}; costs: {}", run.id,
                   options.population, options.islands, options.generations, options.seed,
                   backtest::describe_costs(costs));
      engine.initialize();
      if (leader) save_state(store, run, engine, elapsed(), "running");
      procs.checkpointed(run.id, engine.generation());
      if (show) print_generation(engine, elapsed(), elapsed());
    }
    while (!engine.done()) {
      const double t0 = elapsed();
      const auto cpu0 = std::clock();
      engine.step();
      const double t1 = elapsed();
      if (leader) save_state(store, run, engine, elapsed(), "running");
      procs.checkpointed(run.id, engine.generation());
      step_seconds += elapsed() - t0;
      save_seconds += elapsed() - t1;
      step_cpu += static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
      ++steps;
      const double per_gen = (elapsed() - seconds_before) / std::max(1, engine.generation() - (checkpoint ? checkpoint->at("generation").get<int>() : 0));
      if (show) print_generation(engine, elapsed() - t0, per_gen);
      if (g_interrupted.load()) throw core::Interrupted("");
    }
  } catch (const core::Interrupted&) {
    std::signal(SIGINT, previous);
    run.status = "interrupted";
    run.seconds = elapsed();
    if (leader) store.save_run(run);
    throw core::Interrupted(fmt::format("interrupted: run {} is saved after generation {}; continue it with "
                                        "'organism evolve --resume {}'", run.id, engine.generation(), run.id));
  }
  std::signal(SIGINT, previous);
  if (steps > 0) {
    spdlog::info("{} generations stepped in {:.3f}s: {:.3f}s per generation ({:.3f}s of it the checkpoint); "
                 "{:.3f}s CPU per generation in this process",
                 steps, step_seconds, step_seconds / steps, save_seconds / steps, step_cpu / steps);
  }
  procs.finish();
  if (!leader) return;

  const auto front = report_front(engine, evaluator);
  nlohmann::ordered_json out;
  out["run"] = run.id;
  out["seed"] = options.seed;
  out["evaluations"] = engine.evaluations();
  out["seconds"] = elapsed();
  out["generations"] = engine.generation();
  out["population"] = options.population;
  out["islands"] = options.islands;
  out["objectives"] = nlohmann::json::parse(evolve::to_json(options).dump()).at("objectives");
  out["universe"] = nlohmann::ordered_json::parse(to_json(spec).dump());
  out["costs"] = nlohmann::ordered_json::parse(backtest::costs_to_json(costs).dump());
  out["front"] = nlohmann::ordered_json::array();
  for (const auto& m : front) out["front"].push_back(member_json(m));
  validate_evolved(engine, individuals(front), evaluator, out, ctx);  // docs/validation.md
  print_front(out, a.top, options.target_volatility);
  {
    auto tx = store.transaction();
    save_front(store, run.id, front);
    save_validation(store, out);
    run.result = out.dump();
    run.status = "finished";
    run.generation = engine.generation();
    run.evaluations = engine.evaluations();
    run.seconds = elapsed();
    store.save_run(run);
    tx.commit();
  }
  if (!a.json_out.empty()) write_json_file(a.json_out, out);
  const auto survivors = out.value("survivors", std::size_t{0});
  fmt::print("run {}: {} evaluations in {}; {} distinct strategies on the front saved in {} ({} validated, {} testing)\n",
             run.id, engine.evaluations(), format_seconds(elapsed()), front.size(), store.path(), survivors,
             front.size() - survivors);
  if (!a.report.empty()) write_run_report(store, ctx, run.id, a.report);
}

}  // namespace

void add_evolve_command(CLI::App& app, Registry& registry) {
  auto args = std::make_shared<EvolveArgs>();
  CLI::App* cmd = app.add_subcommand("evolve", "discover strategies: multi-objective evolution (NSGA-II) over genomes");
  cmd->footer(R"(
Evolution sees only the in-sample 60% of each coin (DESIGN.md splits, with an embargo); the final
front is then backtested on the out-of-sample and walk-forward segments. Each generation is
checkpointed in the store; Ctrl-C saves and exits (code 130), --resume continues bit for bit.
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
  registry.bind(cmd->add_option("--target-volatility", "annualized volatility every curve is rescaled to before its metrics are taken (default 0.20)"), "evolve.target_volatility");
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
