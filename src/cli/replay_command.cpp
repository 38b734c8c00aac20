// `organism replay`: a strategy through the real trading loop (runtime, order manager, journal,
// broker) over stored history on a simulated clock; prints the backtest's metrics, writes the
// backtest's JSON names and equity columns. The work is exec::replay (src/exec/replay.hpp).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "backtest/run_report.hpp"
#include "cli/allocation_option.hpp"
#include "cli/backtest_support.hpp"
#include "cli/cost_options.hpp"
#include "cli/series_args.hpp"
#include "cli/strategy_source.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "data/file_writer.hpp"
#include "data/store.hpp"
#include "evolve/genome_config.hpp"
#include "exec/replay.hpp"
#include "strategy/genome.hpp"

namespace organism::cli {
namespace {

struct ReplayArgs {
  std::string strategy, coins, interval, venue, from, to, fill = "bar", json_out, equity_out,
                                                          journal, allocation = "identity";
  double speed = 0, capital = 10'000;
  std::int64_t latency_ms = 50;
  int windows = 12;
};

nlohmann::ordered_json trade_json(const backtest::Trade& t) {
  nlohmann::ordered_json j;
  j["entry_time"] = t.entry_time;
  j["exit_time"] = t.exit_time;
  j["side"] = t.side > 0 ? "long" : "short";
  j["size"] = t.size;
  j["entry_price"] = t.entry_price;
  j["exit_price"] = t.exit_price;
  j["pnl"] = t.pnl;
  j["fees"] = t.fees;
  j["funding"] = t.funding;
  j["exit_reason"] = backtest::exit_reason_name(t.reason);
  j["open"] = t.open;
  return j;
}

void run_replay(const ReplayArgs& a, Context& ctx) {
  if (a.strategy.empty() || a.coins.empty() || a.interval.empty()) {
    throw core::UsageError("give --strategy ID_OR_FILE, --coins and --interval");
  }
  if (a.speed < 0) throw core::UsageError("--speed must be >= 0");
  std::vector<exec::ReplayStrategy> strategies;
  for (const auto& name : core::split_list(a.strategy)) {
    auto source = strategy_source(name, ctx, "--strategy");
    const std::string id = strategy::genome_id(source.genome);
    for (const auto& other : strategies)
      if (other.id == id) throw core::UsageError(fmt::format("--strategy: {} is given twice", id));
    strategies.push_back({id, source.genome, source.created});
  }
  if (strategies.empty()) throw core::UsageError("--strategy: give a strategy id or genome file");
  const auto& genome = strategies.front().genome;
  auto costs = backtest::costs_from_config(ctx.config);
  costs.fill = backtest::FillModel::NextOpen;  // a decision at a close is sent at once
  const auto interval = core::Interval::parse_or_throw(a.interval);
  auto store = data::Store::open_existing(ctx.db());
  data::MarketSpec spec;
  spec.interval = interval.name();
  spec.coins = core::split_list(a.coins);
  for (const auto& coin : spec.coins)
    spec.venues.push_back(resolve_venue(store, ctx, a.venue, coin, interval.name()));
  spec.funding = costs.funding;
  spec.store_sentiment = false;  // as `backtest --strategy` without --sentiment
  const auto market =
      exec::market_window(data::build_market(store, spec), time_flag(a.from, "--from", 0),
                          time_flag(a.to, "--to", std::numeric_limits<core::TimeMs>::max()));
  const auto& first = market.coins.front();
  if (first.bars.empty()) throw core::Error("no bars to replay in the --from/--to window");

  exec::ReplayOptions options;
  options.costs = costs;
  options.capital = a.capital;
  options.fill = exec::replay_fill_from(a.fill);
  options.speed = a.speed;
  options.journal_path = a.journal;
  options.allocation = allocation_from(a.allocation, ctx.config, interval);
  if (a.latency_ms < 0) throw core::UsageError("--latency must be >= 0 ms");
  options.latency_ms = a.latency_ms;
  options.progress = [](std::size_t done, std::size_t total) {
    fmt::print(stderr, "replay: {}/{} bars\n", done, total);
  };
  backtest::MetricsOptions mo;
  mo.bars_per_year = interval.bars_per_year();
  mo.consistency_windows = a.windows;
  mo.initial_equity = a.capital;
  std::string id = strategies.front().id;
  for (std::size_t i = 1; i < strategies.size(); ++i) id += "," + strategies[i].id;
  const auto result = exec::replay(strategies, market, options, mo);

  if (!a.equity_out.empty())
    write_equity(a.equity_out, result.times, result.equity, result.exposure);
  if (!a.json_out.empty()) {
    // The names of `backtest --json` (run_document) plus the trade list.
    auto config = evolve::backtest_config(genome, costs);
    config.initial_cash = a.capital;
    backtest::MeasuredRun run;
    run.result.equity = result.equity;
    run.result.exposure = result.exposure;
    run.result.fees = result.fees;
    run.result.funding = result.funding;
    run.result.fills = result.fills;
    run.result.liquidated = result.liquidated;
    run.metrics = result.metrics;
    run.options = mo;
    run.funding = costs.funding && !first.funding_per_bar.empty();
    auto doc = backtest::run_document(run, result.times, config, {first.label, id, false});
    doc["fill"] = a.fill;
    doc["orders_placed"] = result.orders_placed;
    doc["orders_too_small"] = result.orders_too_small;
    doc["orders_rejected"] = result.orders_rejected;
    if (options.fill == exec::ReplayFill::book) {
      doc["latency_ms"] = options.latency_ms;
      doc["orders_dropped_at_end"] = result.orders_dropped_at_end;
      doc["exchange_account_value"] = result.exchange_account_value;
      doc["exchange_funding"] = result.exchange_funding;
    }
    if (options.allocation) {
      doc["allocation"] = a.allocation;
      doc["first_allocation"] = result.first_allocation;
      auto& rows = doc["allocations"] = nlohmann::ordered_json::array();
      for (const auto& r : result.allocations) {
        rows.push_back({{"time", r.time}, {"strategy", r.strategy}, {"coin", r.coin}, {"weight", r.weight},
                        {"exposure", r.exposure}});
      }
    }
    // "trades" is already the backtest's count of trades: the list goes beside it.
    auto& trades = doc["trade_list"] = nlohmann::ordered_json::array();
    for (const auto& t : result.trades) trades.push_back(trade_json(t));
    data::AtomicFileWriter out(a.json_out);
    out.write(doc.dump(2) + "\n");
    out.commit();
  }
  fmt::print("replay of {} on {}: {} bars, {} .. {}, --fill {}\n", id, a.coins, result.times.size(),
             core::format_utc(result.times.front()), core::format_utc(result.times.back()), a.fill);
  for (const auto& line : result.first_allocation) fmt::print("  {}\n", line);
  backtest::for_each_metric(result.metrics, [](std::string_view name, double v) {
    fmt::print("  {:<22} {:.6g}\n", name, v);
  });
  fmt::print("  {:<22} {:.6g}\n  {:<22} {:.6g}\n  {:<22} {}\n  {:<22} {}\n", "fees_paid",
             result.fees, "funding_paid", result.funding, "fills", result.fills, "orders_placed",
             result.orders_placed);
  fmt::print("  {:<22} {}\n  {:<22} {}\n", "orders_too_small", result.orders_too_small,
             "orders_rejected", result.orders_rejected);
  if (options.fill == exec::ReplayFill::book) {
    // The paper exchange's own books: they differ from the strategy's by its funding settlements
    // (hourly at the mark, where the strategy pays the bar's rate at the close).
    fmt::print("  {:<22} {} ms\n  {:<22} {}\n  {:<22} {:.6g}\n  {:<22} {:.6g}\n", "latency",
               options.latency_ms, "orders_dropped_at_end", result.orders_dropped_at_end,
               "exchange_account_value", result.exchange_account_value, "exchange_funding",
               result.exchange_funding);
  }
  if (result.liquidated) fmt::print("  LIQUIDATED: equity reached 0\n");
}

}  // namespace

void add_replay_command(CLI::App& app, Registry& registry) {
  auto a = std::make_shared<ReplayArgs>();
  CLI::App* cmd =
      app.add_subcommand("replay", "run a strategy through the trading loop over stored history");
  cmd->footer(R"(
Replay runs the engine paper and live trading use (the strategy's streaming Runtime, the order
manager, the journal and a broker) over stored bars, one bar time after another on a simulated
clock. --fill bar fills as the backtest does (the next bar's open, stops, funding): its metrics,
trades and equity equal `organism backtest --strategy` on the same bars and costs, bit for bit.
--fill book fills on the exchange simulator's matching engine against its synthetic book built
from the same bars (docs/exchange-sim.md), --latency ms after each close: the same decisions at
other prices (spread and walk instead of --slippage), lot rounding and the $10 minimum; the last
close's orders are dropped (no next open). The journal is a temporary file
unless --journal names one. --json-out has `backtest --json`'s names (its "trades" is the count)
plus "trade_list" (every trade) and "orders_placed"; --equity-out the backtest's columns
(time,equity,exposure). Several --coins share the strategy's capital (weight 1/coins); their
bars must have the same times. Sentiment is not fed (as `backtest` without --sentiment).
Several --strategy (comma separated) trade the same coins, each on capital / strategies; the
metrics are of their summed equity. --allocation allocator puts the portfolio allocator between
them and their orders (the portfolio.* keys, docs/portfolio.md): it prints the first allocation,
journals every rebalance (the allocations table) and --json-out lists them under "allocations".)");
  cmd->add_option("--strategy", a->strategy, "stored strategy ids or genome files, comma separated")->required();
  add_allocation_option(cmd, a->allocation);
  cmd->add_option("--coins", a->coins, "stored coins, comma separated")->required();
  cmd->add_option("--interval", a->interval, "stored interval")->required();
  cmd->add_option("--venue", a->venue, "stored venue (needed when a coin is on several)");
  cmd->add_option("--from", a->from,
                  "first bar: UTC date/time or epoch ms (default: the first stored)");
  cmd->add_option("--to", a->to, "last bar: UTC date/time or epoch ms (default: the last stored)");
  cmd->add_option("--speed", a->speed,
                  "market ms per wall ms; 0 = as fast as possible (default 0)");
  cmd->add_option("--capital", a->capital, "initial cash (default 10000)");
  cmd->add_option("--fill", a->fill,
                  "the broker: bar (the backtest's next-open fill, default) or book");
  cmd->add_option("--latency", a->latency_ms,
                  "--fill book: ms from a close to the order at the exchange (default 50)");
  add_cost_options(cmd, registry,
                   false);  // --fees --maker-fee --slippage --no-funding (backtest.*)
  cmd->add_option("--json-out", a->json_out, "write the metrics and trades as JSON");
  cmd->add_option("--equity-out", a->equity_out, "write time,equity,exposure");
  cmd->add_option("--journal", a->journal, "keep the journal in this file");
  registry.on(cmd, [a](Context& ctx) { run_replay(*a, ctx); });
}

}  // namespace organism::cli
