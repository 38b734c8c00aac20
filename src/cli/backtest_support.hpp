// Shared pieces of `organism backtest` (single coin and portfolio): its arguments, loading bars
// and funding from a file or the store, the config from flags, and writing results.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/align.hpp"
#include "backtest/metrics.hpp"
#include "backtest/simulator.hpp"
#include "cli/context.hpp"
#include "data/series.hpp"
#include "strategy/genome.hpp"

namespace organism::cli {

struct BacktestArgs {
  std::string data, signals, strategy, sentiment, funding_file, funding_interval, coin, interval, venue;
  std::string parity, side = "long", rebalance = "on_change";
  double sl = 0, tp = 0, trail = 0;  // fees, slippage, fill and funding: backtest.* (cost_options.hpp)
  double init_cash = 10'000, leverage = 1, min_trade = 0, bars_per_year = 0;
  int windows = 12;
  bool json = false, timing = false, stream = false;
  std::string equity_out, trades_out;
  std::vector<std::string> legs;  // portfolio: "COIN_OR_FILE,SIGNALS[,WEIGHT]"
};

struct Market {
  data::Candles bars;
  core::Interval interval = *core::Interval::parse("1h");
  std::optional<data::FundingSeries> funding;
  std::string label;
};

// Bars (and funding) from `data_file` when given, else the stored series of `coin` at --interval.
Market load_market(const BacktestArgs& a, Context& ctx, const std::string& data_file, const std::string& coin);
// The costs of backtest.* (flags included) with the rest of the arguments.
backtest::BacktestConfig make_config(const BacktestArgs& a, const core::Config& cfg);

// A signal file read and checked against the bars: target, and re-arm events for entry/exit files.
struct Signal {
  std::vector<double> target;
  std::vector<std::uint8_t> rearm;
};
Signal load_signal(const std::string& path, const Market& market, const std::string& side);
std::vector<double> funding_for(const Market& market, const backtest::BacktestConfig& config);
// A genome file (canonical JSON or any key order); errors name the file (exit 1).
strategy::Genome load_genome(const std::string& path);
// --sentiment: a sentiment file, or else the name of a stored source, aligned to the market's
// bars (data::sentiment_per_bar); empty without --sentiment.
std::vector<double> sentiment_for(const BacktestArgs& a, Context& ctx, const Market& market);
// The genome's exposures on the market with its funding and sentiment per bar, as a Signal.
Signal strategy_signal(const strategy::Genome& genome, const Market& market, std::span<const double> funding,
                       std::span<const double> sentiment);
// The same exposures from strategy::Runtime fed the bars one at a time (--stream), as paper and
// live trading feed it; bit for bit strategy_signal's.
Signal streamed_strategy_signal(const strategy::Genome& genome, const Market& market, std::span<const double> funding,
                                std::span<const double> sentiment);

backtest::MetricsOptions metrics_options(const BacktestArgs& a, const Market& market, const backtest::BacktestConfig& c);
// Every metric under its snake_case name (counts as integers, non-finite values as null).
void put_metrics(nlohmann::ordered_json& out, const backtest::Metrics& metrics);
void write_equity(const std::string& path, std::span<const core::TimeMs> times, std::span<const double> equity,
                  std::span<const double> exposure);
// Trades of one run, or of every leg of a portfolio (then with a leading `leg` column).
struct TradeGroup {
  std::string leg;  // empty for a single coin
  const std::vector<backtest::Trade>* trades;
};
void write_trades(const std::string& path, const std::vector<TradeGroup>& groups);

}  // namespace organism::cli
