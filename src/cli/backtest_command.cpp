// `organism backtest`: one coin (or a portfolio of legs), a signal file each, the named cost and
// fill models; prints every metric (text or JSON) and optionally the equity curve and trades.
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "backtest/run_report.hpp"
#include "cli/backtest_support.hpp"
#include "cli/cost_options.hpp"
#include "evolve/genome_config.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::cli {
namespace {

void print_models(const backtest::BacktestConfig& c, bool funding) {
  for (const auto& [k, v] : backtest::describe(c, funding)) fmt::print("  {:<16} {}\n", k, v);
}

void print_metrics(const backtest::Metrics& m) {
  backtest::for_each_metric(m, [](std::string_view name, double v) { fmt::print("  {:<22} {:.6g}\n", name, v); });
}

void run_single(const BacktestArgs& a, Context& ctx) {
  if (a.signals.empty() == a.strategy.empty()) {
    throw core::UsageError("give one of --signals FILE or --strategy FILE.json (or --leg for a portfolio)");
  }
  if (!a.sentiment.empty() && a.strategy.empty()) throw core::UsageError("--sentiment goes with --strategy");
  if (a.stream && a.strategy.empty()) throw core::UsageError("--stream goes with --strategy");
  std::optional<strategy::Genome> genome;
  if (!a.strategy.empty()) genome = load_genome(a.strategy);
  // The genome's risk block replaces --sl/--tp/--trail/--leverage.
  const auto config = genome ? evolve::backtest_config(*genome, make_config(a, ctx.config)) : make_config(a, ctx.config);
  const auto market = load_market(a, ctx, a.data, a.coin, config.funding, load_sentiment(a, ctx));
  const auto& coin = market.coins.front();
  if (coin.bars.empty()) throw core::Error("no bars to backtest");
  const auto signal = genome ? strategy_signal(*genome, market, a.stream) : load_signal(a.signals, coin.bars.time(), a.side);
  const backtest::BacktestInput input{coin.bars.view(), signal.target, signal.rearm, coin.funding_per_bar};
  const auto options = metrics_options(a, market.interval, config);
  // --risk: the same loop under the limits, its one leg reported as the single-coin run.
  std::optional<backtest::RiskBacktestResult> risk;
  const auto limits = a.risk ? backtest::risk_limits_from(ctx.config) : backtest::RiskLimits{};
  if (a.risk) {
    const backtest::Leg leg{coin.label, input, 1.0};
    risk = backtest::run_portfolio_with_risk({&leg, 1}, config, limits);
  }
  const auto run = risk ? single_run_measured(risk->portfolio, options, !input.funding.empty())
                        : backtest::run_measured(input, config, options, a.timing);
  if (!a.equity_out.empty()) write_equity(a.equity_out, coin.bars.time(), run.result.equity, run.result.exposure);
  if (!a.trades_out.empty()) write_trades(a.trades_out, {{"", &run.result.trades}});
  const std::string id = genome ? strategy::genome_id(*genome) : "";
  if (a.json) {
    auto doc = backtest::run_document(run, coin.bars.time(), config, {coin.label, id, a.timing && !risk});
    if (risk) doc["risk"] = risk_document(*risk, coin.bars.time(), limits);
    fmt::print("{}\n", doc.dump(2));
    return;
  }
  fmt::print("backtest of {}: {} bars, {} .. {}\n", coin.label, coin.bars.size(), core::format_utc(coin.bars.time().front()),
             core::format_utc(coin.bars.time().back()));
  print_models(config, run.funding);
  if (genome) fmt::print("  {:<16} {}\n", "strategy", id);
  print_metrics(run.metrics);
  fmt::print("  {:<22} {:.6g}\n  {:<22} {:.6g}\n  {:<22} {}\n", "fees_paid", run.result.fees, "funding_paid",
             run.result.funding, "fills", run.result.fills);
  if (run.result.liquidated) fmt::print("  LIQUIDATED: equity reached 0\n");
  if (a.timing && !risk) fmt::print("  {:<22} {:.4g}\n", "bars_per_second", run.bars_per_second);
  if (risk) print_risk(*risk, coin.bars.time());
}

void run_portfolio(const BacktestArgs& a, Context& ctx) {
  if (!a.signals.empty() || !a.strategy.empty() || !a.sentiment.empty() || a.stream || !a.data.empty() || !a.coin.empty()) {
    throw core::UsageError("--leg replaces --data/--coin/--signals: give every leg as --leg SOURCE,SIGNALS[,WEIGHT]");
  }
  const auto config = make_config(a, ctx.config);
  std::vector<data::Market> markets;
  std::vector<Signal> signals;
  std::vector<double> weights;
  for (const auto& spec : a.legs) {
    const auto parts = core::split_list(spec);
    if (parts.size() < 2 || parts.size() > 3) {
      throw core::UsageError(fmt::format("--leg '{}': expected SOURCE,SIGNALS[,WEIGHT] (SOURCE a candle file or a stored coin)", spec));
    }
    const bool file = std::filesystem::exists(parts[0]);
    markets.push_back(load_market(a, ctx, file ? parts[0] : "", file ? "" : parts[0], config.funding, std::nullopt));
    const auto& coin = markets.back().coins.front();
    if (coin.bars.empty()) throw core::Error(fmt::format("--leg '{}': no bars", spec));
    signals.push_back(load_signal(parts[1], coin.bars.time(), a.side));
    const auto w = parts.size() == 3 ? core::parse_double(parts[2]) : std::optional<double>(1.0 / static_cast<double>(a.legs.size()));
    if (!w || !(*w >= 0)) throw core::UsageError(fmt::format("--leg '{}': weight must be a number >= 0", spec));
    weights.push_back(*w);
  }
  std::vector<backtest::Leg> legs;
  for (std::size_t j = 0; j < markets.size(); ++j) {
    const auto& coin = markets[j].coins.front();
    legs.push_back({coin.label, {coin.bars.view(), signals[j].target, signals[j].rearm, coin.funding_per_bar}, weights[j]});
  }
  const auto options = metrics_options(a, markets[0].interval, config);
  // --risk: legs of one coin (one series label) share the per-coin cap.
  std::optional<backtest::RiskBacktestResult> risk;
  const auto limits = a.risk ? backtest::risk_limits_from(ctx.config) : backtest::RiskLimits{};
  if (a.risk) {
    std::vector<std::size_t> coin_of_leg;
    for (std::size_t j = 0; j < legs.size(); ++j) {
      std::size_t c = j;
      for (std::size_t i = 0; i < j; ++i) {
        if (legs[i].name == legs[j].name) {
          c = coin_of_leg[i];
          break;
        }
      }
      coin_of_leg.push_back(c);
    }
    risk = backtest::run_portfolio_with_risk(legs, config, limits, coin_of_leg);
  }
  const auto run = risk ? backtest::measure_portfolio(risk->portfolio, legs, options)
                        : backtest::run_portfolio_measured(legs, config, options);
  std::vector<TradeGroup> groups;
  for (const auto& leg : run.result.legs) groups.push_back({leg.name, &leg.trades});
  if (!a.equity_out.empty()) write_equity(a.equity_out, markets[0].coins.front().bars.time(), run.result.equity, run.result.exposure);
  if (!a.trades_out.empty()) write_trades(a.trades_out, groups);
  auto out = backtest::portfolio_document(run, config);
  if (risk) out["risk"] = risk_document(*risk, markets[0].coins.front().bars.time(), limits);
  if (a.json) {
    fmt::print("{}\n", out.dump(2));
    return;
  }
  fmt::print("portfolio of {} legs, {} bars\n", legs.size(), run.bars);
  print_metrics(run.metrics);
  for (const auto& l : out["legs"]) {
    fmt::print("  leg {:<24} weight {:<6} pnl {:<14.6g} fees {:<12.6g} trades {}\n", l["series"].get<std::string>(),
               l["weight"].get<double>(), l["pnl"].get<double>(), l["fees_paid"].get<double>(), l["trades"].get<std::size_t>());
  }
  if (risk) print_risk(*risk, markets[0].coins.front().bars.time());
}

}  // namespace

void add_backtest_command(CLI::App& app, Registry& registry) {
  auto a = std::make_shared<BacktestArgs>();
  CLI::App* cmd = app.add_subcommand("backtest", "backtest a signal file on one coin, or a portfolio of legs");
  cmd->footer(R"(
SIG.csv is `time,target` (exposure in [-1, 1]) or `time,entry,exit` (0/1 or true/false; --side
long or short); its times must be exactly the bars' times. A decision at bar t's close fills at
t+1's open (--fill next_open) or, for parity with vectorized tools, at t's close (--fill close).
--parity vectorbt selects every vectorbt from_signals semantic at once. Portfolio: repeat
--leg SOURCE,SIGNALS[,WEIGHT] (SOURCE a candle file or a stored coin at --interval; weights
default to 1/legs); the legs share one cash account. --strategy FILE.json replaces --signals by a
genome's exposures (docs/strategies.md); its risk block replaces --sl, --tp, --trail and
--leverage; --sentiment feeds its Fear & Greed filter; --stream computes its exposures one bar at
a time (the paper/live Runtime; identical results). Models and formulas: docs/backtest.md.
--risk applies the risk manager's limits bar by bar (the risk.* keys of the --config file or
their ORGANISM_RISK_* variables; docs/risk.md): the circuit breakers see each bar's close
(drawdown from the peak and the UTC day's loss halt, the drawdown band, a losing streak and a
volatility spike reduce), HALTED flattens at the next open and stays flat to the end (exposure 0
in --equity-out), REDUCING never grows a position, and each coin's |exposure| is capped at
risk.asset_cap and the gross at risk.max_leverage. The report gains a "risk" block: every
transition, the halt bar and its time, bars reducing and halted, targets capped.)");
  cmd->add_option("--data", a->data, "candle file (.csv/.gz; `time,close` accepted)");
  cmd->add_option("--coin", a->coin, "stored coin (instead of --data)");
  cmd->add_option("--interval", a->interval, "stored interval (or the --data file's, if its path does not say)");
  cmd->add_option("--venue", a->venue, "stored venue (needed when the coin is on several)");
  cmd->add_option("--signals", a->signals, "signal file: time,target or time,entry,exit");
  cmd->add_option("--strategy", a->strategy, "genome file (organism strategy new): its exposures and risk block");
  cmd->add_option("--sentiment", a->sentiment, "with --strategy: Fear & Greed file, or stored source (e.g. fear_greed)");
  cmd->add_flag("--stream", a->stream, "with --strategy: exposures from the one-bar-at-a-time Runtime (same results)");
  cmd->add_option("--leg", a->legs, "portfolio leg SOURCE,SIGNALS[,WEIGHT] (repeat)");
  cmd->add_option("--side", a->side, "long (default) or short, for entry/exit signals");
  cmd->add_option("--parity", a->run.parity, "vectorbt: close fills, stops from the entry close, no slippage on stop exits");
  add_cost_options(cmd, registry);  // --fees --maker-fee --slippage --fill --no-funding (backtest.*)
  cmd->add_option("--sl", a->run.sl, "stop-loss fraction (0: off)");
  cmd->add_option("--tp", a->run.tp, "take-profit fraction (0: off)");
  cmd->add_option("--trail", a->run.trail, "trailing stop fraction (0: off)");
  cmd->add_option("--init-cash", a->run.init_cash, "initial cash (default 10000)");
  cmd->add_option("--leverage", a->run.leverage, "leverage cap: exposure 1 = leverage x equity (default 1)");
  cmd->add_option("--min-trade", a->run.min_trade, "smallest resize worth a fill, in quote currency (default 0)");
  cmd->add_option("--rebalance", a->run.rebalance, "on_change (default) or every_bar");
  cmd->add_option("--funding", a->funding_file, "funding file (time,rate) for --data");
  cmd->add_option("--funding-interval", a->funding_interval, "funding interval of --funding (default: from the rows)");
  cmd->add_option("--bars-per-year", a->run.bars_per_year, "annualization (default: from the interval; vectorbt's 1min is 525600)");
  cmd->add_option("--consistency-windows", a->run.consistency_windows, "K windows for consistency (default 12)");
  cmd->add_flag("--json", a->json, "print one JSON object with every metric and model");
  cmd->add_option("--equity-out", a->equity_out, "write time,equity,exposure");
  cmd->add_option("--trades-out", a->trades_out, "write the trades");
  cmd->add_flag("--timing", a->timing, "add bars_per_second: bars / the fastest of 3 repeats of the simulation into buffers a first, untimed run allocated (loading, checks of the files and metrics not timed)");
  cmd->add_flag("--risk", a->risk,
                "apply the risk.* limits and circuit breakers bar by bar (halt: flat from the next open)");
  registry.on(cmd, [a](Context& ctx) { a->legs.empty() ? run_single(*a, ctx) : run_portfolio(*a, ctx); });
}

}  // namespace organism::cli
