// `organism backtest`: one coin, a signal file, the named cost and fill models; prints every
// metric (text or JSON) and optionally writes the equity curve and the trades.
#include <chrono>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backtest/metrics.hpp"
#include "backtest/simulator.hpp"
#include "cli/context.hpp"
#include "cli/series_args.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "data/file_writer.hpp"
#include "data/import.hpp"
#include "data/signals.hpp"
#include "data/store.hpp"

namespace organism::cli {
namespace {

struct BacktestArgs {
  std::string data, signals, funding_file, funding_interval, coin, interval, venue;
  std::string fill = "next_open", parity, side = "long", rebalance = "on_change";
  double fees = 0.0005, maker_fee = 0.0002, slippage = 0.0005, sl = 0, tp = 0, trail = 0;
  double init_cash = 10'000, leverage = 1, min_trade = 0, bars_per_year = 0;
  int windows = 12;
  bool no_funding = false, json = false, timing = false;
  std::string equity_out, trades_out;
};

struct Loaded {
  data::Candles bars;
  core::Interval interval = *core::Interval::parse("1h");
  std::optional<data::FundingSeries> funding;
  std::string label;
};

Loaded load_market(const BacktestArgs& a, Context& ctx) {
  Loaded m;
  if (!a.data.empty()) {
    data::ImportOptions o;
    o.kind = data::DataKind::Candles;
    const auto hints = data::hints_from_path(a.data);
    o.venue = !a.venue.empty() ? a.venue : hints.venue.value_or("file");
    o.coin = !a.coin.empty() ? a.coin : hints.coin.value_or("input");
    if (!a.interval.empty()) o.interval = a.interval;
    auto parsed = data::parse_file(a.data, o);
    m.bars = std::move(parsed.candles->bars);
    m.interval = parsed.candles->key.interval;
    m.label = parsed.candles->key.label();
    if (!a.funding_file.empty()) {
      data::ImportOptions fo;
      fo.kind = data::DataKind::Funding;
      fo.venue = *o.venue;
      fo.coin = *o.coin;
      if (!a.funding_interval.empty()) fo.funding_interval_ms = core::Interval::parse_or_throw(a.funding_interval).nominal_ms();
      m.funding = data::parse_file(a.funding_file, fo).funding;
    }
    return m;
  }
  if (a.coin.empty() || a.interval.empty()) throw core::UsageError("give --data FILE, or --coin and --interval of a stored series");
  auto store = data::Store::open_existing(ctx.db());
  m.interval = core::Interval::parse_or_throw(a.interval);
  const auto venue = resolve_venue(store, ctx, a.venue, a.coin, m.interval.name());
  const data::SeriesKey key{venue, a.coin, m.interval};
  m.bars = *store.load_candles(key);
  m.label = key.label();
  m.funding = store.load_funding(venue, a.coin);
  if (!a.funding_file.empty()) throw core::UsageError("--funding goes with --data; a stored series uses the stored funding");
  return m;
}

backtest::BacktestConfig make_config(const BacktestArgs& a) {
  backtest::BacktestConfig c;
  c.initial_cash = a.init_cash;
  c.leverage = a.leverage;
  c.fill = backtest::parse_fill_model(a.fill);
  c.fees.taker = a.fees;
  c.fees.maker = a.maker_fee;
  c.slippage.fraction = a.slippage;
  c.stops.stop_loss = a.sl;
  c.stops.take_profit = a.tp;
  c.stops.trailing = a.trail;
  c.min_trade = a.min_trade;
  c.funding = !a.no_funding;
  if (a.rebalance == "every_bar") c.rebalance = backtest::Rebalance::EveryBar;
  else if (a.rebalance != "on_change") throw core::UsageError("--rebalance is on_change or every_bar");
  if (!a.parity.empty()) {
    if (a.parity != "vectorbt") throw core::UsageError(fmt::format("unknown --parity '{}' (vectorbt)", a.parity));
    backtest::apply_vectorbt_parity(c);
  }
  backtest::validate(c);
  return c;
}

// JSON cannot hold inf or NaN: such a metric is written as null.
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

void write_equity(const std::string& path, const data::Candles& bars, const backtest::BacktestResult& r) {
  data::AtomicFileWriter out(path);
  out.write("time,equity,exposure\n");
  std::string line;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    line = std::to_string(bars.time()[i]) + ",";
    core::append_number(line, r.equity[i]);
    line += ',';
    core::append_number(line, r.exposure[i]);
    line += '\n';
    out.write(line);
  }
  out.commit();
}

void write_trades(const std::string& path, const std::vector<backtest::Trade>& trades) {
  data::AtomicFileWriter out(path);
  out.write("entry_time,exit_time,side,size,entry_price,exit_price,pnl,fees,funding,exit_reason,open\n");
  for (const auto& t : trades) {
    out.write(fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", t.entry_time, t.exit_time, t.side > 0 ? "long" : "short",
                          core::format_number(t.size), core::format_number(t.entry_price),
                          core::format_number(t.exit_price), core::format_number(t.pnl), core::format_number(t.fees),
                          core::format_number(t.funding), backtest::exit_reason_name(t.reason), t.open ? 1 : 0));
  }
  out.commit();
}

void run_backtest_command(const BacktestArgs& a, Context& ctx) {
  if (a.signals.empty()) throw core::UsageError("--signals FILE is required");
  const auto config = make_config(a);
  const auto market = load_market(a, ctx);
  if (market.bars.empty()) throw core::Error("no bars to backtest");
  const auto signals = data::read_signals(a.signals);
  data::require_aligned(signals, market.bars.time());

  std::vector<double> target = signals.target;
  std::vector<std::uint8_t> rearm;
  if (signals.events) {
    if (a.side != "long" && a.side != "short") throw core::UsageError("--side is long or short");
    target = backtest::signals_to_target(signals.entry, signals.exit, a.side == "long" ? 1 : -1);
    rearm = signals.entry;
  }
  std::vector<double> funding;
  if (market.funding && config.funding) {
    funding = backtest::funding_per_bar(market.bars.time(), market.interval.nominal_ms(), *market.funding);
  }
  backtest::BacktestInput input{market.bars.view(), target, rearm, funding};
  backtest::BacktestResult result;
  const auto start = std::chrono::steady_clock::now();
  backtest::run_backtest(input, config, result);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  backtest::MetricsOptions mo;
  mo.bars_per_year = a.bars_per_year > 0 ? a.bars_per_year : market.interval.bars_per_year();
  mo.consistency_windows = a.windows;
  mo.initial_equity = config.initial_cash;
  const auto metrics = backtest::compute_metrics(result.equity, result.exposure, result.trades, mo);

  if (!a.equity_out.empty()) write_equity(a.equity_out, market.bars, result);
  if (!a.trades_out.empty()) write_trades(a.trades_out, result.trades);

  const auto models = backtest::describe(config, !funding.empty());
  if (a.json) {
    nlohmann::ordered_json out;
    out["series"] = market.label;
    out["bars"] = market.bars.size();
    out["first"] = market.bars.time().front();
    out["last"] = market.bars.time().back();
    backtest::for_each_metric(metrics, [&](std::string_view name, double v) { out[std::string(name)] = number(v); });
    out["fees_paid"] = result.fees;
    out["funding_paid"] = result.funding;
    out["fills"] = result.fills;
    out["liquidated"] = result.liquidated;
    out["bars_per_year"] = mo.bars_per_year;
    for (const auto& [k, v] : models) out[k] = v;
    if (a.timing) out["bars_per_second"] = seconds > 0 ? static_cast<double>(market.bars.size()) / seconds : 0.0;
    fmt::print("{}\n", out.dump(2));
    return;
  }
  fmt::print("backtest of {}: {} bars, {} .. {}\n", market.label, market.bars.size(),
             core::format_utc(market.bars.time().front()), core::format_utc(market.bars.time().back()));
  for (const auto& [k, v] : models) fmt::print("  {:<16} {}\n", k, v);
  backtest::for_each_metric(metrics, [](std::string_view name, double v) { fmt::print("  {:<22} {:.6g}\n", name, v); });
  fmt::print("  {:<22} {:.6g}\n  {:<22} {:.6g}\n  {:<22} {}\n", "fees_paid", result.fees, "funding_paid", result.funding,
             "fills", result.fills);
  if (result.liquidated) fmt::print("  LIQUIDATED: equity reached 0\n");
  if (a.timing) fmt::print("  {:<22} {:.4g}\n", "bars_per_second", static_cast<double>(market.bars.size()) / seconds);
}

}  // namespace

void add_backtest_command(CLI::App& app, Registry& registry) {
  auto a = std::make_shared<BacktestArgs>();
  CLI::App* cmd = app.add_subcommand("backtest", "backtest a signal file on one coin with fees, slippage, funding and stops");
  cmd->footer(R"(
SIG.csv is `time,target` (exposure in [-1, 1]) or `time,entry,exit` (0/1 or true/false; --side
long or short); its times must be exactly the bars' times. A decision at bar t's close fills at
t+1's open (--fill next_open) or, for parity with vectorized tools, at t's close (--fill close).
--parity vectorbt selects every vectorbt from_signals semantic at once. Models and formulas:
docs/backtest.md.)");
  cmd->add_option("--data", a->data, "candle file (.csv/.gz; `time,close` accepted)")->check(CLI::ExistingFile);
  cmd->add_option("--coin", a->coin, "stored coin (instead of --data)");
  cmd->add_option("--interval", a->interval, "stored interval (or the --data file's, if its path does not say)");
  cmd->add_option("--venue", a->venue, "stored venue (needed when the coin is on several)");
  cmd->add_option("--signals", a->signals, "signal file: time,target or time,entry,exit")->check(CLI::ExistingFile);
  cmd->add_option("--side", a->side, "long (default) or short, for entry/exit signals");
  cmd->add_option("--fill", a->fill, "next_open (default) or close");
  cmd->add_option("--parity", a->parity, "vectorbt: close fills, stops from the entry close, no slippage on stop exits");
  cmd->add_option("--fees", a->fees, "taker fee per fill (default 0.0005)");
  cmd->add_option("--maker-fee", a->maker_fee, "maker fee (default 0.0002; reported, market fills pay taker)");
  cmd->add_option("--slippage", a->slippage, "slippage fraction per market fill (default 0.0005)");
  cmd->add_option("--sl", a->sl, "stop-loss fraction (0: off)");
  cmd->add_option("--tp", a->tp, "take-profit fraction (0: off)");
  cmd->add_option("--trail", a->trail, "trailing stop fraction (0: off)");
  cmd->add_option("--init-cash", a->init_cash, "initial cash (default 10000)");
  cmd->add_option("--leverage", a->leverage, "leverage cap: exposure 1 = leverage x equity (default 1)");
  cmd->add_option("--min-trade", a->min_trade, "smallest resize worth a fill, in quote currency (default 0)");
  cmd->add_option("--rebalance", a->rebalance, "on_change (default) or every_bar");
  cmd->add_option("--funding", a->funding_file, "funding file (time,rate) for --data")->check(CLI::ExistingFile);
  cmd->add_option("--funding-interval", a->funding_interval, "funding interval of --funding (default: from the rows)");
  cmd->add_flag("--no-funding", a->no_funding, "ignore funding");
  cmd->add_option("--bars-per-year", a->bars_per_year, "annualization (default: from the interval; vectorbt's 1min is 525600)");
  cmd->add_option("--consistency-windows", a->windows, "K windows for consistency (default 12)");
  cmd->add_flag("--json", a->json, "print one JSON object with every metric and model");
  cmd->add_option("--equity-out", a->equity_out, "write time,equity,exposure");
  cmd->add_option("--trades-out", a->trades_out, "write the trades");
  cmd->add_flag("--timing", a->timing, "add the simulation's bars_per_second");
  registry.on(cmd, [a](Context& ctx) { run_backtest_command(*a, ctx); });
}

}  // namespace organism::cli
