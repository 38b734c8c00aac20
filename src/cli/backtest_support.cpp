#include "cli/backtest_support.hpp"

#include <cerrno>
#include <cmath>
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
#include "data/align.hpp"
#include "strategy/runtime.hpp"

namespace organism::cli {

Market load_market(const BacktestArgs& a, Context& ctx, const std::string& data_file, const std::string& coin) {
  Market m;
  if (!data_file.empty()) {
    data::ImportOptions o;
    o.kind = data::DataKind::Candles;
    const auto hints = data::hints_from_path(data_file);
    o.venue = !a.venue.empty() ? a.venue : hints.venue.value_or("file");
    o.coin = !coin.empty() ? coin : hints.coin.value_or("input");
    if (!a.interval.empty()) o.interval = a.interval;
    auto parsed = data::parse_file(data_file, o);
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
  if (coin.empty() || a.interval.empty()) throw core::UsageError("give --data FILE, or --coin and --interval of a stored series");
  if (!a.funding_file.empty()) throw core::UsageError("--funding goes with --data; a stored series uses the stored funding");
  auto store = data::Store::open_existing(ctx.db());
  m.interval = core::Interval::parse_or_throw(a.interval);
  const auto venue = resolve_venue(store, ctx, a.venue, coin, m.interval.name());
  const data::SeriesKey key{venue, coin, m.interval};
  auto bars = store.load_candles(key);
  if (!bars || bars->empty()) throw core::Error(fmt::format("no candles {} in store {} (see 'organism data list')", key.label(), store.path()));
  m.bars = std::move(*bars);
  m.label = key.label();
  m.funding = store.load_funding(venue, coin);
  return m;
}

backtest::BacktestConfig make_config(const BacktestArgs& a, const core::Config& cfg) {
  auto c = costs_from_config(cfg);
  c.initial_cash = a.init_cash;
  c.leverage = a.leverage;
  c.stops.stop_loss = a.sl;
  c.stops.take_profit = a.tp;
  c.stops.trailing = a.trail;
  c.min_trade = a.min_trade;
  if (a.rebalance == "every_bar") {
    c.rebalance = backtest::Rebalance::EveryBar;
  } else if (a.rebalance != "on_change") {
    throw core::UsageError("--rebalance is on_change or every_bar");
  }
  if (!a.parity.empty()) {
    if (a.parity != "vectorbt") throw core::UsageError(fmt::format("unknown --parity '{}' (vectorbt)", a.parity));
    backtest::apply_vectorbt_parity(c);
  }
  backtest::check_config(c);
  return c;
}

Signal load_signal(const std::string& path, const Market& market, const std::string& side) {
  const auto signals = data::read_signals(path);
  data::require_aligned(signals, market.bars.time());
  if (!signals.events) return {signals.target, {}};
  if (side != "long" && side != "short") throw core::UsageError("--side is long or short");
  return {backtest::signals_to_target(signals.entry, signals.exit, side == "long" ? 1 : -1), signals.entry};
}

std::vector<double> funding_for(const Market& market, const backtest::BacktestConfig& config) {
  if (!market.funding || !config.funding) return {};
  return data::funding_per_bar(market.bars.time(), market.interval.nominal_ms(), *market.funding);
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

std::vector<double> sentiment_for(const BacktestArgs& a, Context& ctx, const Market& market) {
  if (a.sentiment.empty()) return {};
  std::optional<data::SentimentSeries> series;
  if (std::filesystem::exists(a.sentiment)) {
    data::ImportOptions o;
    o.kind = data::DataKind::Sentiment;
    series = data::parse_file(a.sentiment, o).sentiment;
  } else {
    auto store = data::Store::open_existing(ctx.db());
    series = store.load_sentiment(a.sentiment);
    if (!series) throw core::UsageError(fmt::format("--sentiment '{}': neither a file nor a stored sentiment source", a.sentiment));
  }
  return data::sentiment_per_bar(market.bars.time(), *series);
}

Signal strategy_signal(const strategy::Genome& genome, const Market& market, std::span<const double> funding,
                       std::span<const double> sentiment) {
  strategy::MarketView view;
  view.bars = market.bars.view();
  view.interval = market.interval;
  view.funding_per_bar = funding;
  view.sentiment = sentiment;
  return {strategy::exposures(genome, view), {}};
}

Signal streamed_strategy_signal(const strategy::Genome& genome, const Market& market, std::span<const double> funding,
                                std::span<const double> sentiment) {
  // An empty span is a feed the Runtime does not have, as it is a series exposures() does not see.
  strategy::Runtime runtime(genome, market.interval, {!funding.empty(), !sentiment.empty()});
  const auto bars = market.bars.view();
  const double unknown = std::nan("");
  std::vector<double> target(bars.size());
  for (std::size_t i = 0; i < bars.size(); ++i) {
    target[i] = runtime.on_bar(bars.bar(i), funding.empty() ? unknown : funding[i], sentiment.empty() ? unknown : sentiment[i]);
  }
  return {std::move(target), {}};
}

backtest::MetricsOptions metrics_options(const BacktestArgs& a, const Market& market, const backtest::BacktestConfig& c) {
  backtest::MetricsOptions mo;
  mo.bars_per_year = a.bars_per_year > 0 ? a.bars_per_year : market.interval.bars_per_year();
  mo.consistency_windows = a.windows;
  mo.initial_equity = c.initial_cash;
  return mo;
}

void put_metrics(nlohmann::ordered_json& out, const backtest::Metrics& metrics) {
  backtest::for_each_metric(metrics, [&](std::string_view name, double v) {
    if (name == "trades" || name == "max_drawdown_duration") {
      out[std::string(name)] = static_cast<std::int64_t>(v);  // counts are whole numbers
    } else if (std::isfinite(v)) {
      out[std::string(name)] = v;
    } else {
      out[std::string(name)] = nullptr;  // JSON has no inf or NaN
    }
  });
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

}  // namespace organism::cli
