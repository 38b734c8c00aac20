// `organism portfolio backtest`: the walk-forward backtest of the allocator against equal weights,
// the best single strategy and HRP, on stored strategies and stored data (docs/portfolio.md).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <string>

#include "cli/context.hpp"
#include "cli/series_args.hpp"
#include "cli/cost_options.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "data/file_writer.hpp"
#include "data/store.hpp"
#include "monitor/portfolio_report.hpp"
#include "portfolio/backtest_document.hpp"
#include "portfolio/candidates.hpp"
#include "portfolio/config_keys.hpp"
#include "portfolio/portfolio_backtest.hpp"

namespace organism::cli {

namespace {

struct PortfolioBacktestArgs {
  std::string strategies = "validated";
  std::string from, to;
  double capital = 10'000;
  std::string json_out, weights_out, report;
};

// The traded bars [begin, end) of `times` for --from/--to. Without --from, the first rebalance
// leaves a full lookback before it when the data allow one more rebalance after it, else
// min_history_bars.
void traded_period(const PortfolioBacktestArgs& a, std::span<const core::TimeMs> times,
                   const portfolio::AllocatorOptions& allocator, std::size_t& begin,
                   std::size_t& end) {
  const std::size_t n = times.size();
  end = n;
  if (!a.to.empty()) {
    const auto to = time_flag(a.to, "--to");
    end =
        static_cast<std::size_t>(std::upper_bound(times.begin(), times.end(), to) - times.begin());
  }
  if (!a.from.empty()) {
    const auto from = time_flag(a.from, "--from");
    begin = static_cast<std::size_t>(std::lower_bound(times.begin(), times.end(), from) -
                                     times.begin());
    if (begin < allocator.min_history_bars) {
      throw core::UsageError(
          fmt::format("--from {}: only {} bars before it, the allocator needs "
                      "portfolio.min_history_bars = {} (the data start {})",
                      a.from, begin, allocator.min_history_bars,
                      n ? core::format_utc(times.front()) : "nowhere"));
    }
  } else {
    begin = n > allocator.lookback_bars + allocator.rebalance_bars ? allocator.lookback_bars
                                                                   : allocator.min_history_bars;
  }
  if (begin >= end) {
    throw core::UsageError(fmt::format("--from/--to: no bars to trade ({} bars stored, {} to {})",
                                       n, n ? core::format_utc(times.front()) : "-",
                                       n ? core::format_utc(times.back()) : "-"));
  }
}

void write_text(const std::string& path, const std::string& text) {
  data::AtomicFileWriter out(path);
  out.write(text);
  out.commit();
}

void print_table(const portfolio::PortfolioBacktestResult& result) {
  fmt::print("{:<13} {:>8} {:>9} {:>8} {:>10} {:>10} {:>13}\n", "policy", "sharpe", "cagr",
             "max_dd", "turnover", "fees", "final_equity");
  for (const auto& p : result.policies) {
    fmt::print("{:<13} {:>8.3f} {:>8.2f}% {:>7.2f}% {:>10.2f} {:>10.2f} {:>13.2f}\n",
               portfolio::policy_name(p.policy), p.metrics.sharpe, 100 * p.metrics.cagr,
               100 * p.metrics.max_drawdown, p.turnover, p.fees, p.metrics.final_equity);
  }
  for (const auto& p : result.policies) {
    if (p.policy != portfolio::Policy::Allocator || p.rebalances.empty()) continue;
    const auto& last = p.rebalances.back();
    fmt::print("\nallocator's last weights ({}, total {:.4f}):\n",
               core::format_utc(p.times[last.bar - p.rebalances.front().bar]), last.total_weight());
    fmt::print("  {:<28} {:>8} {:>8} {:>8}  {}\n", "strategy", "weight", "score", "kelly",
               "dropped");
    for (const auto& s : last.strategies) {
      fmt::print("  {:<28} {:>8.4f} {:>8.3f} {:>8.3f}  {}\n", s.id, s.weight, s.score, s.kelly,
                 s.dropped);
    }
  }
}

void run_portfolio_backtest_command(const PortfolioBacktestArgs& a, Context& ctx) {
  if (!(a.capital > 0)) throw core::UsageError(fmt::format("--capital {}: must be > 0", a.capital));
  std::vector<std::string> ids;
  if (a.strategies != "validated") ids = core::split_list(a.strategies);
  if (ids.empty() && a.strategies != "validated")
    throw core::UsageError("--strategies: give validated or ID,...");
  // Flags are checked before the store is opened: a bad --from touches nothing.
  if (!a.from.empty()) time_flag(a.from, "--from");
  if (!a.to.empty()) time_flag(a.to, "--to");
  const auto costs = backtest::costs_from_config(ctx.config);
  auto store = data::Store::open_existing(ctx.db());
  const auto chosen = portfolio::candidates(store, ids);
  auto spec = portfolio::candidates_market_spec(chosen);
  spec.funding = costs.funding;
  const auto interval = core::Interval::parse_or_throw(spec.interval);
  fmt::print(stderr, "portfolio backtest: {} strateg{} on {} ({})\n", chosen.size(),
             chosen.size() == 1 ? "y" : "ies", fmt::join(spec.coins, ","), spec.interval);
  const auto market = data::common_bars(data::build_market(store, spec));
  portfolio::PortfolioBacktestOptions options;
  options.allocator = portfolio::allocator_options_from(ctx.config, interval);
  options.costs = costs;
  options.capital = a.capital;
  traded_period(a, market.coins.front().bars.view().time, options.allocator, options.begin,
                options.end);
  fmt::print(stderr, "portfolio backtest: targets and leg returns over {} bars\n",
             market.coins.front().bars.size());
  const core::WallClock clock;
  // Ages as of the data's last bar, not the wall clock (as portfolio evolve): the same store gives
  // the same result on any day.
  const auto last_bar = market.coins.front().bars.view().time.back();
  const auto prepared = portfolio::prepare_portfolio(
      portfolio::candidate_streams(chosen, market, costs, last_bar), market);
  portfolio::PortfolioBacktestResult result;
  for (const auto policy : {portfolio::Policy::Allocator, portfolio::Policy::EqualWeight,
                            portfolio::Policy::BestSingle, portfolio::Policy::Hrp}) {
    fmt::print(stderr, "portfolio backtest: {} over bars {}..{}\n", portfolio::policy_name(policy),
               options.begin, options.end);
    auto one = portfolio::run_portfolio_backtest(prepared, {policy}, options);
    if (result.policies.empty()) {
      result = std::move(one);
    } else {
      result.policies.push_back(std::move(one.policies.front()));
    }
  }
  // Everything is computed before any file is written: an error leaves no partial output.
  const auto document = portfolio::backtest_document(result, a.capital).dump(2) + "\n";
  const auto csv = portfolio::weights_csv(result.policies.front());
  std::string html;
  if (!a.report.empty()) {
    monitor::PortfolioReportInfo info;
    info.title = fmt::format("{} strategies on {} ({})", result.strategies.size(), fmt::join(spec.coins, ","),
                             spec.interval);
    info.interval = spec.interval;
    info.capital = a.capital;
    info.costs = backtest::describe_costs(costs);
    info.generated_at = core::format_utc(clock.now());
    html = monitor::build_portfolio_report_html(result, info);
  }
  if (!a.json_out.empty()) write_text(a.json_out, document);
  if (!a.weights_out.empty()) write_text(a.weights_out, csv);
  if (!a.report.empty()) write_text(a.report, html);
  const auto& times = result.policies.front().times;
  fmt::print("portfolio backtest of {} strateg{} on {} ({}), {} .. {} ({} bars), capital {}, {}\n",
             result.strategies.size(), result.strategies.size() == 1 ? "y" : "ies",
             fmt::join(spec.coins, ","), spec.interval, core::format_utc(times.front()),
             core::format_utc(times.back()), times.size(), a.capital,
             backtest::describe_costs(costs));
  print_table(result);
}

}  // namespace

void add_portfolio_backtest(CLI::App& portfolio, Registry& registry) {
  auto a = std::make_shared<PortfolioBacktestArgs>();
  CLI::App* cmd = portfolio.add_subcommand("backtest",
                                           "walk-forward backtest of the allocator against equal "
                                           "weights, the best single strategy and HRP");
  cmd->footer(R"(
The stored strategies (default: every one in state validated, paper or production) are run on
their runs' coins at their common interval. At each rebalance (portfolio.rebalance_bars) every
policy sets weights from the strategies' returns before that bar only (portfolio.lookback_bars);
at every bar the strategies' targets times their weights go through the caps
(portfolio.max_asset_exposure per coin, portfolio.max_gross) and each coin's net exposure trades
in ONE account with the cost flags' fees, slippage and funding, so rebalancing and netting pay
costs. Policies: allocator (the multi-factor score, correlation filter and fractional Kelly of
docs/portfolio.md), equal_weight (1/N), best_single (the best Sharpe over the lookback) and hrp
(hierarchical risk parity, Lopez de Prado 2016). Without --from the first rebalance leaves a full
lookback before it. --weights-out writes the allocator's weights at every rebalance:
time,strategy,coin,weight,exposure (weight: the strategy's share of capital on that coin;
exposure: its signed position on the coin / portfolio equity). --json-out writes every policy's
metrics, equity and weights over time, the strategies' correlation and the coins' regimes.
--report writes the same as a self-contained HTML page.)");
  cmd->add_option("--strategies", a->strategies,
                  "validated (default: validated, paper and production) or ID,...");
  cmd->add_option(
      "--from", a->from,
      "first traded bar: UTC date/time or epoch ms (history before it is the lookback)");
  cmd->add_option("--to", a->to,
                  "last traded bar: UTC date/time or epoch ms (default: the last stored)");
  cmd->add_option("--capital", a->capital, "initial capital (default 10000)");
  add_cost_options(cmd,
                   registry);  // --fees --maker-fee --slippage --fill --no-funding (backtest.*)
  cmd->add_option("--json-out", a->json_out,
                  "write every policy's metrics and weights over time as JSON");
  cmd->add_option("--weights-out", a->weights_out,
                  "write the allocator's weights: time,strategy,coin,weight,exposure");
  cmd->add_option("--report", a->report,
                  "write an HTML page: the policies side by side, equity over the coins' regime band, the "
                  "allocator's weights stacked over time, the correlation matrix");
  registry.on(cmd, [a](Context& ctx) { run_portfolio_backtest_command(*a, ctx); });
}

}  // namespace organism::cli
