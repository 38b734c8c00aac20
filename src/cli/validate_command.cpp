// `organism validate [RUN]`: validates a finished run's front again (default: the latest finished
// run), from its stored universe, options and final checkpoint, with the current gates; the
// strategies' states and the run's result are updated in the store. See docs/validation.md.
#include <fmt/format.h>

#include <filesystem>

#include "cli/evolve_support.hpp"
#include "core/error.hpp"
#include "core/stop_signals.hpp"

namespace organism::cli {
namespace {

struct ValidateArgs {
  std::string run;  // id; empty: the latest finished run
  std::string json_out;
  std::size_t top = 25;
};

void run_validate(const ValidateArgs& a, Context& ctx) {
  if (!data::Store::may_exist(ctx.db())) throw core::Error(fmt::format("no store at {}", ctx.db()));  // a file path: no password
  auto store = data::Store::open(ctx.db());
  const core::WallClock clock;
  const runs::RunService service(store, clock);
  const core::StopSignals stop;  // Ctrl-C, SIGTERM, SIGHUP: stop with the store as it was
  const auto done = service.revalidate(a.run, runs::evaluation_settings(ctx.config), runs::validation_options(ctx.config),
                                       stop.token(), progress_callbacks(ctx));
  // revalidate returned: the states and the result are saved, so the summary may say "now validated".
  const auto json = runs::to_json(done.result);
  print_validation_summary(*done.validation, a.top);
  const auto run = service.load(done.result.run);
  fmt::print("{}", monitor::front_table(done.result, a.top, run->options.evolve.target_volatility));
  if (!a.json_out.empty()) write_json_file(a.json_out, json);
}

}  // namespace

void add_validate_command(CLI::App& app, Registry& registry) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "validate a finished run's front: stages, DSR, PBO, walk-forward, gates");
  cmd->footer(R"(
Re-runs the validation pipeline of docs/validation.md on a finished run (the latest by default)
with its stored universe, options, costs and final population, and the gates of the current
config (validate.*); the current backtest.* keys do not apply to a stored run. Survivors move to state 'validated'; every strategy keeps its evidence.
Each member is also replayed on every coin's out-of-sample and walk-forward segment under the
current risk.* limits (as `backtest --risk`, at the genome's own leverage): "halted in K of N
segments", with the bar, time and breaker of each halt, is reported (not a gate) in the text and
as risk_halts in the JSON.
Ctrl-C, SIGTERM or SIGHUP stops it with nothing changed (code 130); a run that another live
process executes is refused.)");
  cmd->add_option("run", args->run, "run id (default: the latest finished run)");
  cmd->add_option("--top", args->top, "validated strategies listed (default 25)");
  cmd->add_option("--json-out", args->json_out, "write the run with its validation as JSON to FILE");
  registry.bind(cmd->add_option("--threads", "evaluation threads, 0 = all cores (default 0)"), "evolve.threads");
  registry.bind(cmd->add_option("--cache-mb", "indicator cache size in MiB (default 2048)"), "evolve.cache_mb");
  registry.on(cmd, [args](Context& ctx) { run_validate(*args, ctx); });
}

}  // namespace organism::cli
