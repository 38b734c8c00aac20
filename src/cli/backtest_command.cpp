// `organism backtest`: one coin (or a portfolio of legs), a signal file each, the named cost and
// fill models; prints every metric (text or JSON) and optionally the equity curve and trades.
#include <chrono>
#include <filesystem>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/backtest_support.hpp"
#include "cli/cost_options.hpp"
#include "evolve/genome_config.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::cli {
namespace {

void print_header(const std::string& label, const data::Candles& bars, const backtest::BacktestConfig& c, bool funding) {
  fmt::print("backtest of {}: {} bars, {} .. {}\n", label, bars.size(), core::format_utc(bars.time().front()),
             core::format_utc(bars.time().back()));
  for (const auto& [k, v] : backtest::describe(c, funding)) fmt::print("  {:<16} {}\n", k, v);
}

void print_metrics(const backtest::Metrics& m) {
  backtest::for_each_metric(m, [](std::string_view name, double v) { fmt::print("  {:<22} {:.6g}\n", name, v); });
}

void put_models(nlohmann::ordered_json& out, const backtest::BacktestConfig& c, bool funding) {
  for (const auto& [k, v] : backtest::describe(c, funding)) out[k] = v;
}

void run_single(const BacktestArgs& a, Context& ctx) {
  if (a.signals.empty() == a.strategy.empty()) {
    throw core::UsageError("give one of --signals FILE or --strategy FILE.json (or --leg for a portfolio)");
  }
  std::optional<strategy::Genome> genome;
  if (!a.strategy.empty()) genome = load_genome(a.strategy);
  // The genome's risk block replaces --sl/--tp/--trail/--leverage.
  const auto config = genome ? evolve::backtest_config(*genome, make_config(a, ctx.config)) : make_config(a, ctx.config);
  const auto market = load_market(a, ctx, a.data, a.coin);
  if (market.bars.empty()) throw core::Error("no bars to backtest");
  const auto funding = funding_for(market, config);
  if (!a.sentiment.empty() && !genome) throw core::UsageError("--sentiment goes with --strategy");
  const auto sentiment = sentiment_for(a, ctx, market);
  if (a.stream && !genome) throw core::UsageError("--stream goes with --strategy");
  const auto signal = !genome   ? load_signal(a.signals, market, a.side)
                      : a.stream ? streamed_strategy_signal(*genome, market, funding, sentiment)
                                 : strategy_signal(*genome, market, funding, sentiment);
  const backtest::BacktestInput input{market.bars.view(), signal.target, signal.rearm, funding};
  backtest::BacktestResult result;
  const auto start = std::chrono::steady_clock::now();
  backtest::run_backtest(input, config, result);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double bars_per_second = seconds > 0 ? static_cast<double>(market.bars.size()) / seconds : 0.0;
  const auto mo = metrics_options(a, market, config);
  const auto metrics = backtest::compute_metrics(result.equity, result.exposure, result.trades, mo);

  if (!a.equity_out.empty()) write_equity(a.equity_out, market.bars.time(), result.equity, result.exposure);
  if (!a.trades_out.empty()) write_trades(a.trades_out, {{"", &result.trades}});
  if (a.json) {
    nlohmann::ordered_json out;
    out["series"] = market.label;
    if (genome) out["strategy"] = strategy::genome_id(*genome);
    out["bars"] = market.bars.size();
    out["first"] = market.bars.time().front();
    out["last"] = market.bars.time().back();
    put_metrics(out, metrics);
    out["fees_paid"] = result.fees;
    out["funding_paid"] = result.funding;
    out["fills"] = result.fills;
    out["liquidated"] = result.liquidated;
    out["bars_per_year"] = mo.bars_per_year;
    put_models(out, config, !funding.empty());
    if (a.timing) out["bars_per_second"] = bars_per_second;
    fmt::print("{}\n", out.dump(2));
    return;
  }
  print_header(market.label, market.bars, config, !funding.empty());
  if (genome) fmt::print("  {:<16} {}\n", "strategy", strategy::genome_id(*genome));
  print_metrics(metrics);
  fmt::print("  {:<22} {:.6g}\n  {:<22} {:.6g}\n  {:<22} {}\n", "fees_paid", result.fees, "funding_paid", result.funding,
             "fills", result.fills);
  if (result.liquidated) fmt::print("  LIQUIDATED: equity reached 0\n");
  if (a.timing) fmt::print("  {:<22} {:.4g}\n", "bars_per_second", bars_per_second);
}

void run_portfolio(const BacktestArgs& a, Context& ctx) {
  if (!a.signals.empty() || !a.strategy.empty() || !a.sentiment.empty() || a.stream || !a.data.empty() || !a.coin.empty()) {
    throw core::UsageError("--leg replaces --data/--coin/--signals: give every leg as --leg SOURCE,SIGNALS[,WEIGHT]");
  }
  const auto config = make_config(a, ctx.config);
  std::vector<Market> markets;
  std::vector<Signal> signals;
  std::vector<std::vector<double>> funding;
  std::vector<double> weights;
  for (const auto& spec : a.legs) {
    const auto parts = core::split_list(spec);
    if (parts.size() < 2 || parts.size() > 3) {
      throw core::UsageError(fmt::format("--leg '{}': expected SOURCE,SIGNALS[,WEIGHT] (SOURCE a candle file or a stored coin)", spec));
    }
    const bool file = std::filesystem::exists(parts[0]);
    markets.push_back(load_market(a, ctx, file ? parts[0] : "", file ? "" : parts[0]));
    if (markets.back().bars.empty()) throw core::Error(fmt::format("--leg '{}': no bars", spec));
    signals.push_back(load_signal(parts[1], markets.back(), a.side));
    funding.push_back(funding_for(markets.back(), config));
    const auto w = parts.size() == 3 ? core::parse_double(parts[2]) : std::optional<double>(1.0 / static_cast<double>(a.legs.size()));
    if (!w || !(*w >= 0)) throw core::UsageError(fmt::format("--leg '{}': weight must be a number >= 0", spec));
    weights.push_back(*w);
  }
  std::vector<backtest::Leg> legs;
  for (std::size_t j = 0; j < markets.size(); ++j) {
    legs.push_back({markets[j].label, {markets[j].bars.view(), signals[j].target, signals[j].rearm, funding[j]}, weights[j]});
  }
  const auto result = backtest::run_portfolio(legs, config);
  const auto mo = metrics_options(a, markets[0], config);
  // Trade statistics of a portfolio are over every leg's trades.
  std::vector<backtest::Trade> all_trades;
  for (const auto& leg : result.legs) all_trades.insert(all_trades.end(), leg.trades.begin(), leg.trades.end());
  const auto metrics = backtest::compute_metrics(result.equity, result.exposure, all_trades, mo);
  std::vector<TradeGroup> groups;
  for (const auto& leg : result.legs) groups.push_back({leg.name, &leg.trades});
  if (!a.equity_out.empty()) write_equity(a.equity_out, markets[0].bars.time(), result.equity, result.exposure);
  if (!a.trades_out.empty()) write_trades(a.trades_out, groups);

  nlohmann::ordered_json out;
  out["bars"] = markets[0].bars.size();
  put_metrics(out, metrics);
  out["fees_paid"] = result.fees;
  out["funding_paid"] = result.funding;
  out["fills"] = result.fills;
  out["liquidated"] = result.liquidated;
  nlohmann::ordered_json legs_json = nlohmann::ordered_json::array();
  for (std::size_t j = 0; j < result.legs.size(); ++j) {
    const auto& leg = result.legs[j];
    nlohmann::ordered_json l;
    l["series"] = leg.name;
    l["weight"] = weights[j];
    l["pnl"] = leg.pnl;
    l["fees_paid"] = leg.fees;
    l["funding_paid"] = leg.funding;
    l["fills"] = leg.fills;
    l["trades"] = leg.trades.size();
    legs_json.push_back(std::move(l));
  }
  out["legs"] = std::move(legs_json);
  bool any_funding = false;
  for (const auto& f : funding) any_funding = any_funding || !f.empty();
  put_models(out, config, any_funding);
  if (a.json) {
    fmt::print("{}\n", out.dump(2));
    return;
  }
  fmt::print("portfolio of {} legs, {} bars\n", legs.size(), markets[0].bars.size());
  print_metrics(metrics);
  for (const auto& l : out["legs"]) {
    fmt::print("  leg {:<24} weight {:<6} pnl {:<14.6g} fees {:<12.6g} trades {}\n", l["series"].get<std::string>(),
               l["weight"].get<double>(), l["pnl"].get<double>(), l["fees_paid"].get<double>(), l["trades"].get<std::size_t>());
  }
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
a time (the paper/live Runtime; identical results). Models and formulas: docs/backtest.md.)");
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
  cmd->add_option("--parity", a->parity, "vectorbt: close fills, stops from the entry close, no slippage on stop exits");
  add_cost_options(cmd, registry);  // --fees --maker-fee --slippage --fill --no-funding (backtest.*)
  cmd->add_option("--sl", a->sl, "stop-loss fraction (0: off)");
  cmd->add_option("--tp", a->tp, "take-profit fraction (0: off)");
  cmd->add_option("--trail", a->trail, "trailing stop fraction (0: off)");
  cmd->add_option("--init-cash", a->init_cash, "initial cash (default 10000)");
  cmd->add_option("--leverage", a->leverage, "leverage cap: exposure 1 = leverage x equity (default 1)");
  cmd->add_option("--min-trade", a->min_trade, "smallest resize worth a fill, in quote currency (default 0)");
  cmd->add_option("--rebalance", a->rebalance, "on_change (default) or every_bar");
  cmd->add_option("--funding", a->funding_file, "funding file (time,rate) for --data");
  cmd->add_option("--funding-interval", a->funding_interval, "funding interval of --funding (default: from the rows)");
  cmd->add_option("--bars-per-year", a->bars_per_year, "annualization (default: from the interval; vectorbt's 1min is 525600)");
  cmd->add_option("--consistency-windows", a->windows, "K windows for consistency (default 12)");
  cmd->add_flag("--json", a->json, "print one JSON object with every metric and model");
  cmd->add_option("--equity-out", a->equity_out, "write time,equity,exposure");
  cmd->add_option("--trades-out", a->trades_out, "write the trades");
  cmd->add_flag("--timing", a->timing, "add the simulation's bars_per_second");
  registry.on(cmd, [a](Context& ctx) { a->legs.empty() ? run_single(*a, ctx) : run_portfolio(*a, ctx); });
}

}  // namespace organism::cli
