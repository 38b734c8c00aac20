#include "cli/backtest_support.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cli/cost_options.hpp"
#include "cli/series_args.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "data/file_writer.hpp"
#include "data/import.hpp"
#include "data/signals.hpp"
#include "data/store.hpp"
#include "strategy/coin_view.hpp"
#include "data/align.hpp"
#include "data/market.hpp"
#include "strategy/streamed_exposures.hpp"

namespace organism::cli {

data::Market load_market(const BacktestArgs& a, Context& ctx, const std::string& data_file, const std::string& coin,
                         bool with_funding, const std::optional<data::SentimentSeries>& sentiment) {
  if (!data_file.empty()) {
    const data::CoinFiles files{data_file, a.funding_file, a.funding_interval, a.venue, coin, a.interval};
    return data::market_from_files(files, with_funding, sentiment);
  }
  if (coin.empty() || a.interval.empty()) throw core::UsageError("give --data FILE, or --coin and --interval of a stored series");
  if (!a.funding_file.empty()) throw core::UsageError("--funding goes with --data; a stored series uses the stored funding");
  auto store = data::Store::open_existing(ctx.db());
  const auto interval = core::Interval::parse_or_throw(a.interval);
  data::MarketSpec spec;
  spec.interval = interval.name();
  spec.coins = {coin};
  spec.venues = {resolve_venue(store, ctx, a.venue, coin, interval.name())};
  spec.funding = with_funding;
  spec.store_sentiment = false;
  auto market = data::build_market(store, spec);
  if (sentiment) {
    for (auto& c : market.coins) c.sentiment = data::sentiment_per_bar(c.bars.time(), *sentiment);
  }
  return market;
}

std::optional<data::SentimentSeries> load_sentiment(const BacktestArgs& a, Context& ctx) {
  if (a.sentiment.empty()) return std::nullopt;
  if (std::filesystem::exists(a.sentiment)) {
    data::ImportOptions o;
    o.kind = data::DataKind::Sentiment;
    return data::parse_file(a.sentiment, o).sentiment;
  }
  auto store = data::Store::open_existing(ctx.db());
  auto series = store.load_sentiment(a.sentiment);
  if (!series) throw core::UsageError(fmt::format("--sentiment '{}': neither a file nor a stored sentiment source", a.sentiment));
  return series;
}

backtest::BacktestConfig make_config(const BacktestArgs& a, const core::Config& cfg) {
  return backtest::make_config(a.run, backtest::costs_from_config(cfg));
}

Signal load_signal(const std::string& path, std::span<const core::TimeMs> times, const std::string& side) {
  const auto signals = data::read_signals(path);
  data::require_aligned(signals, times);
  if (!signals.events) return {signals.target, {}};
  if (side != "long" && side != "short") throw core::UsageError("--side is long or short");
  return {backtest::signals_to_target(signals.entry, signals.exit, side == "long" ? 1 : -1), signals.entry};
}

strategy::Genome load_genome(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::Error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return strategy::from_json(text.str());
  } catch (const core::Error& e) {
    throw core::Error(fmt::format("{}: {}", path, e.what()));
  }
}

Signal strategy_signal(const strategy::Genome& genome, const data::Market& market, bool stream) {
  const auto view = strategy::view_of(market.coins.front(), market.interval);
  return {stream ? strategy::streamed_exposures(genome, view) : strategy::exposures(genome, view), {}};
}

backtest::MetricsOptions metrics_options(const BacktestArgs& a, const core::Interval& interval,
                                         const backtest::BacktestConfig& c) {
  return backtest::metrics_options(a.run, interval, c);
}

void write_equity(const std::string& path, std::span<const core::TimeMs> times, std::span<const double> equity,
                  std::span<const double> exposure) {
  data::AtomicFileWriter out(path);
  out.write("time,equity,exposure\n");
  std::string line;
  for (std::size_t i = 0; i < times.size(); ++i) {
    line = std::to_string(times[i]) + ",";
    core::append_number(line, equity[i]);
    line += ',';
    core::append_number(line, exposure[i]);
    line += '\n';
    out.write(line);
  }
  out.commit();
}

void write_trades(const std::string& path, const std::vector<TradeGroup>& groups) {
  const bool legs = groups.size() != 1 || !groups[0].leg.empty();
  data::AtomicFileWriter out(path);
  out.write(std::string(legs ? "leg," : "") +
            "entry_time,exit_time,side,size,entry_price,exit_price,pnl,fees,funding,exit_reason,open\n");
  for (const auto& g : groups) {
    for (const auto& t : *g.trades) {
      out.write(fmt::format("{}{},{},{},{},{},{},{},{},{},{},{}\n", legs ? g.leg + "," : "", t.entry_time, t.exit_time,
                            t.side > 0 ? "long" : "short", core::format_number(t.size),
                            core::format_number(t.entry_price), core::format_number(t.exit_price),
                            core::format_number(t.pnl), core::format_number(t.fees), core::format_number(t.funding),
                            backtest::exit_reason_name(t.reason), t.open ? 1 : 0));
    }
  }
  out.commit();
}

backtest::MeasuredRun single_run_measured(const backtest::PortfolioResult& result,
                                          const backtest::MetricsOptions& options, bool funding) {
  backtest::MeasuredRun run;
  run.options = options;
  run.funding = funding;
  const auto& leg = result.legs.at(0);
  run.result.equity = result.equity;
  run.result.exposure = result.exposure;
  run.result.trades = leg.trades;
  run.result.fees = leg.fees;
  run.result.funding = leg.funding;
  run.result.fills = leg.fills;
  run.result.liquidated = result.liquidated;
  run.metrics = backtest::compute_metrics(run.result.equity, run.result.exposure, run.result.trades, options);
  return run;
}

namespace {

// The transition that began the halt (its time is the halt bar's close).
const backtest::Transition* halt_transition(const backtest::RiskBacktestResult& run) {
  for (const auto& t : run.transitions) {
    if (t.to == backtest::TradingState::halted) return &t;
  }
  return nullptr;
}

}  // namespace

nlohmann::ordered_json risk_document(const backtest::RiskBacktestResult& run, std::span<const core::TimeMs> times,
                                     const backtest::RiskLimits& limits) {
  nlohmann::ordered_json out;
  out["limits"] = {{"max_drawdown", limits.max_drawdown}, {"reduce_at", limits.reduce_at},
                   {"hysteresis", limits.hysteresis},     {"daily_loss", limits.daily_loss},
                   {"losing_streak", limits.losing_streak}, {"vol_k", limits.vol_k},
                   {"vol_window", limits.vol_window},     {"vol_median_window", limits.vol_median_window},
                   {"asset_cap", limits.asset_cap},       {"max_leverage", limits.max_leverage}};
  auto transitions = nlohmann::ordered_json::array();
  for (const auto& t : run.transitions) {
    nlohmann::ordered_json figures = nlohmann::ordered_json::object();
    for (const auto& [name, value] : t.figures) figures[name] = value;
    transitions.push_back({{"time", t.time},
                           {"from", std::string(backtest::name_of(t.from))},
                           {"to", std::string(backtest::name_of(t.to))},
                           {"reason", std::string(backtest::name_of(t.reason))},
                           {"figures", figures},
                           {"text", t.describe()}});
  }
  out["transitions"] = transitions;
  const auto* halt = halt_transition(run);
  out["halt_bar"] = run.halt_bar ? nlohmann::ordered_json(*run.halt_bar) : nlohmann::ordered_json(nullptr);
  out["halt_bar_time"] = run.halt_bar ? nlohmann::ordered_json(times[*run.halt_bar]) : nlohmann::ordered_json(nullptr);
  out["halt_time"] = halt ? nlohmann::ordered_json(halt->time) : nlohmann::ordered_json(nullptr);
  out["bars_reducing"] = run.bars_reducing;
  out["bars_halted"] = run.bars_halted;
  out["targets_capped"] = run.targets_capped;
  return out;
}

void print_risk(const backtest::RiskBacktestResult& run, std::span<const core::TimeMs> times) {
  fmt::print("risk:\n");
  for (const auto& t : run.transitions) fmt::print("  {}  {}\n", core::format_utc(t.time), t.describe());
  if (const auto* halt = halt_transition(run); halt && run.halt_bar) {
    fmt::print("  halted at the close of bar {} (opened {}, closed {}); flat from the next open\n", *run.halt_bar,
               core::format_utc(times[*run.halt_bar]), core::format_utc(halt->time));
  } else {
    fmt::print("  never halted\n");
  }
  fmt::print("  {:<22} {}\n  {:<22} {}\n  {:<22} {}\n", "bars_reducing", run.bars_reducing, "bars_halted",
             run.bars_halted, "targets_capped", run.targets_capped);
}

}  // namespace organism::cli
