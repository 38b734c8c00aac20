// `organism report RUN_OR_STRATEGY --out report.html`: a stored run (or one of its strategies) as
// one self-contained HTML page. See docs/reports.md.
#include "cli/report_support.hpp"

namespace organism::cli {

void add_report_command(CLI::App& app, Registry& registry) {
  auto request = std::make_shared<monitor::ReportRequest>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("report", "an evolution run or one of its strategies as one HTML page");
  cmd->footer(R"(
The page opens offline (ECharts is embedded): equity and drawdown per stage, price with trades,
monthly returns, the Pareto front with survivors, the validation gates, DSR and PBO, the rule in
words. For a run, the strategy shown is the best out-of-sample Sharpe among the survivors of
validation, else on the whole front. See docs/reports.md.)");
  cmd->add_option("target", request->target,
                  "RUN id, or STRATEGY id (its run, that strategy shown)")
      ->required();
  cmd->add_option("--out", *out, "the HTML file to write")->required();
  cmd->add_option("--strategy", request->strategy, "strategy of the run to show");
  cmd->add_option("--x", request->x,
                  "scatter x metric: NAME (in-sample) or STAGE.NAME (default: first objective)");
  cmd->add_option("--y", request->y, "scatter y metric (default: second objective)");
  cmd->add_option("--coin", request->coin,
                  "coin of the equity and price charts (default: the run's first)");
  registry.on(cmd, [request, out](Context& ctx) {
    auto store = data::Store::open_existing(ctx.db());
    print_report_written(*out, write_report(store, *request, *out));
  });
}

}  // namespace organism::cli
