// `organism portfolio evolve`: NSGA-II over the allocator's sizing parameters on the in-sample
// 60% of the stored strategies' market, validated on the held-out 40% (docs/portfolio.md).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/context.hpp"
#include "cli/cost_options.hpp"
#include "cli/evolve_support.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/stop_signals.hpp"
#include "core/text.hpp"
#include "data/store.hpp"
#include "portfolio/candidates.hpp"
#include "portfolio/config_keys.hpp"
#include "portfolio/sizing_evolution.hpp"
#include "portfolio/sizing_genome.hpp"
#include "portfolio/sizing_run.hpp"

namespace organism::cli {

namespace {

struct PortfolioEvolveArgs {
  std::string strategies = "validated";
  std::size_t population = 24, generations = 10;
  std::uint64_t seed = 1;
  std::string resume, json_out;
  bool generations_given = false;
};

// The run's spec from the flags and the configuration (a new run).
portfolio::SizingRunSpec new_spec(const PortfolioEvolveArgs& a, Context& ctx, data::Store& store) {
  std::vector<std::string> ids;
  if (a.strategies != "validated") ids = core::split_list(a.strategies);
  if (ids.empty() && a.strategies != "validated")
    throw core::UsageError("--strategies: give validated or ID,...");
  portfolio::SizingRunSpec spec;
  const auto chosen = portfolio::candidates(store, ids);
  for (const auto& c : chosen) spec.strategies.push_back(c.id);
  spec.population = a.population;
  spec.generations = a.generations;
  spec.seed = a.seed;
  spec.costs = backtest::costs_from_config(ctx.config);
  const auto interval =
      core::Interval::parse_or_throw(portfolio::candidates_market_spec(chosen).interval);
  spec.allocator = portfolio::allocator_options_from(ctx.config, interval);
  return spec;
}

void print_score(const portfolio::SizingScore& s) {
  fmt::print(" {:>9.3f} {:>8.2f}% {:>9.2f}", s.sharpe, 100 * s.max_drawdown, s.turnover);
}

void print_validation(const portfolio::SizingValidation& v) {
  fmt::print(
      "sizing front at a common volatility of {:.0f}% (in-sample bars [{}, {}), held-out [{}, "
      "{})):\n",
      100 * portfolio::kSizingTargetVolatility, v.split.in_begin, v.split.in_end, v.split.in_end,
      v.split.bars);
  fmt::print("  {:<9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  {:>6} {:>6} {:>6}\n", "member",
             "is_sharpe", "is_max_dd", "is_turn", "ho_sharpe", "ho_max_dd", "ho_turn", "kelly",
             "band", "regime");
  for (std::size_t k = 0; k < v.members.size(); ++k) {
    const auto& m = v.members[k];
    const std::string name = m.is_default ? "default" : fmt::format("front-{}", k + 1);
    fmt::print("{} {:<9}", k == v.best_held_out ? "*" : " ", name);
    print_score(m.in_sample);
    print_score(m.held_out);
    fmt::print("  {:>6.3f} {:>6.3f} {:>6.3f}\n", m.params.kelly_fraction, m.params.band,
               m.params.regime_scale);
  }
  fmt::print("* the best held-out Sharpe; turnover: per unit of mean gross exposure per year\n");
}

// The best member's genes as configuration lines (every gene is a portfolio.* key).
void print_toml(const portfolio::SizingValidation& v) {
  const auto& best = v.members[v.best_held_out];
  fmt::print(
      "\n# sizing of {} (best held-out Sharpe {:.3f}); paste these lines into a config file:\n",
      best.is_default ? "the default" : fmt::format("front-{}", v.best_held_out + 1),
      best.held_out.sharpe);
  const auto genome = portfolio::to_genome(best.params);
  for (std::size_t i = 0; i < genome.size(); ++i) {
    fmt::print("portfolio.{} = {}\n", portfolio::sizing_genes()[i].name, genome[i]);
  }
}

void run_portfolio_evolve(const PortfolioEvolveArgs& a, Context& ctx) {
  if (a.population < 4 || a.population % 2 != 0) {
    throw core::UsageError(
        fmt::format("--population must be even and at least 4, got {}", a.population));
  }
  if (a.generations < 1) throw core::UsageError("--generations must be at least 1");
  auto store = data::Store::open_existing_for_update(ctx.db());
  const core::WallClock clock;
  // Signals are taken before the run exists, so none ends the process between its row and its loop.
  const core::StopSignals stop;

  std::optional<portfolio::StoredSizingRun> resumed;
  portfolio::SizingRunSpec spec;
  if (!a.resume.empty()) {
    resumed = portfolio::load_sizing_run(store, a.resume, a.generations_given ? a.generations : 0);
    spec = resumed->spec;
  } else {
    spec = new_spec(a, ctx, store);
  }
  const auto chosen = portfolio::candidates(store, spec.strategies);
  auto market_spec = portfolio::candidates_market_spec(chosen);
  market_spec.funding = spec.costs.funding;
  const auto market = data::common_bars(data::build_market(store, market_spec));
  const auto& times = market.coins.front().bars.view().time;
  if (times.empty()) throw core::Error("portfolio evolve: the strategies' market has no bars");
  // Ages as of the data's last bar, not the wall clock: the same data give the same run.
  const auto prepared = portfolio::prepare_portfolio(
      portfolio::candidate_streams(chosen, market, spec.costs, times.back()), market);
  portfolio::SizingEvolutionOptions options;
  options.backtest.allocator = spec.allocator;
  options.backtest.costs = spec.costs;
  options.backtest.capital = spec.capital;
  options.nsga2.population = spec.population;
  options.nsga2.seed = spec.seed;
  const portfolio::SizingEvolution evolution(prepared,
                                             options);  // checks the split before a run exists

  data::RunRecord record;
  std::optional<evolve::RealNsga2State> state;
  if (resumed) {
    record = resumed->record;
    state = resumed->state;
    if (a.generations_given && a.generations != spec.generations) {
      portfolio::set_sizing_run_generations(store, record, spec, a.generations);
    }
  } else {
    record = portfolio::create_sizing_run(store, spec, clock.now());
  }
  fmt::print(stderr,
             "portfolio evolve: run {}: {} strategies on {} ({}), population {}, generations {}, "
             "seed {}\n",
             record.id, spec.strategies.size(), fmt::join(market_spec.coins, ","),
             market_spec.interval, spec.population, spec.generations, spec.seed);
  const auto started = std::chrono::steady_clock::now();
  const double seconds_before = record.seconds;
  auto elapsed = [&] {
    return seconds_before +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const auto progress = [&](double seconds) {
    fmt::print(
        stderr,
        "portfolio evolve: generation {}/{}: best in-sample Sharpe {:.3f}, front {}, {:.1f} s\n",
        state->generation, spec.generations, portfolio::best_in_sample_sharpe(*state),
        evolve::first_front_indices(*state).size(), seconds);
  };
  if (!state) {
    const auto t0 = std::chrono::steady_clock::now();
    state = evolution.start();
    portfolio::checkpoint_sizing_run(store, record, *state, elapsed());
    progress(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  while (state->generation < spec.generations && !stop.token().load()) {
    const auto t0 = std::chrono::steady_clock::now();
    evolution.step(*state);
    portfolio::checkpoint_sizing_run(store, record, *state, elapsed());
    progress(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (state->generation < spec.generations) {
    portfolio::mark_sizing_run(store, record, "interrupted");
    throw core::Interrupted(
        fmt::format("portfolio evolve: {} received; run {} stopped after generation {} of {} with "
                    "its checkpoint saved; "
                    "continue it with: organism portfolio evolve --resume {}",
                    stop.received(), record.id, state->generation, spec.generations, record.id));
  }
  fmt::print(stderr, "portfolio evolve: validating the front on the held-out bars\n");
  const auto validation = evolution.validate(*state);
  nlohmann::ordered_json document;
  document["run"] = record.id;
  document["options"] = portfolio::sizing_run_options_json(spec);
  document["validation"] = portfolio::sizing_validation_json(validation);
  if (!a.json_out.empty()) write_json_file(a.json_out, document);
  portfolio::mark_sizing_run(store, record, "finished", document.dump());
  fmt::print("portfolio evolve run {}: {} strategies on {} ({}), {} evaluations in {}\n", record.id,
             spec.strategies.size(), fmt::join(market_spec.coins, ","), market_spec.interval,
             state->evaluations, format_seconds(elapsed()));
  print_validation(validation);
  print_toml(validation);
}

}  // namespace

void add_portfolio_evolve(CLI::App& portfolio, Registry& registry) {
  auto a = std::make_shared<PortfolioEvolveArgs>();
  CLI::App* cmd = portfolio.add_subcommand("evolve",
                                           "tune the allocator's sizing (score weights, Kelly "
                                           "fraction, band, tilts, regime scale) by NSGA-II");
  cmd->footer(R"(
The allocator's 10 sizing parameters are a real-valued genome (bounds: score weights [0, 2],
kelly_fraction [0.05, 1], band [0, 0.1], tilts [-2, 2], regime_scale [0, 1]). NSGA-II minimizes,
over the first 60% of the strategies' bars (the allocator's first look back reaches into the
warm-up), three objectives of the allocator's walk-forward portfolio backtest at a common
volatility of 20%: -Sharpe, max drawdown, and turnover per unit of gross exposure. Then every
distinct front member and the default parameters are backtested on the last 40% (held out) and
the table marks the best held-out Sharpe with '*'; its parameters are printed as portfolio.* lines
to paste into a config file. portfolio.* caps and windows, and the cost flags, apply as in
'portfolio backtest'. Each generation is checkpointed in the store as run sizing-...; Ctrl-C or
SIGTERM stops after the current generation (exit 130) and --resume ID continues bit for bit
(with --generations N to run longer). See docs/portfolio.md.)");
  cmd->add_option("--strategies", a->strategies,
                  "validated (default: validated, paper and production) or ID,...");
  cmd->add_option("--population", a->population,
                  "sizing genomes per generation, even, >= 4 (default 24)");
  cmd->add_option("--generations", a->generations,
                  "generations after the random start (default 10)");
  cmd->add_option("--seed", a->seed, "seed of the run (default 1)");
  cmd->add_option("--resume", a->resume,
                  "continue the interrupted sizing run ID (its strategies, seed, costs)");
  add_cost_options(cmd,
                   registry);  // --fees --maker-fee --slippage --fill --no-funding (backtest.*)
  cmd->add_option("--json-out", a->json_out,
                  "write the run's options, front and held-out table as JSON to FILE");
  registry.on(cmd, [a, cmd](Context& ctx) {
    a->generations_given = cmd->get_option("--generations")->count() > 0;
    run_portfolio_evolve(*a, ctx);
  });
}

}  // namespace organism::cli
