// Shared pieces of `organism backtest` (single coin and portfolio): its arguments, the market of a
// --data file or a stored coin (data::market_from_files, data::build_market), the config from
// flags, signal and genome files, and writing the equity curve and trades.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backtest/metrics.hpp"
#include "backtest/risk_backtest.hpp"
#include "backtest/run_report.hpp"
#include "backtest/run_settings.hpp"
#include "backtest/simulator.hpp"
#include "backtest/trade.hpp"
#include "cli/context.hpp"
#include "data/market.hpp"
#include "strategy/genome.hpp"

namespace organism::cli {

struct BacktestArgs {
  std::string data, signals, strategy, sentiment, funding_file, funding_interval, coin, interval, venue;
  std::string side = "long";
  backtest::RunSettings run;  // fees, slippage, fill and funding: backtest.* (cost_options.hpp)
  bool json = false, timing = false, stream = false;
  bool risk = false;  // --risk: the risk.* limits and circuit breakers, bar by bar
  std::string equity_out, trades_out;
  std::vector<std::string> legs;  // portfolio: "COIN_OR_FILE,SIGNALS[,WEIGHT]"
};

// The one-coin market of `data_file` (with --funding) when given, else of the stored series of
// `coin` at --interval (with its stored funding). Funding is aligned only when the cost model
// pays it; sentiment only when given (--sentiment: the store's source is not attached unasked).
data::Market load_market(const BacktestArgs& a, Context& ctx, const std::string& data_file, const std::string& coin,
                         bool with_funding, const std::optional<data::SentimentSeries>& sentiment);
// --sentiment: a sentiment file, or else the name of a stored source; none without --sentiment.
std::optional<data::SentimentSeries> load_sentiment(const BacktestArgs& a, Context& ctx);
// The costs of backtest.* (flags included) with the rest of the arguments.
backtest::BacktestConfig make_config(const BacktestArgs& a, const core::Config& cfg);
backtest::MetricsOptions metrics_options(const BacktestArgs& a, const core::Interval& interval,
                                         const backtest::BacktestConfig& c);

// A target per bar, and re-arm events for entry/exit signal files.
struct Signal {
  std::vector<double> target;
  std::vector<std::uint8_t> rearm;
};
// A signal file read and checked against the bars' times.
Signal load_signal(const std::string& path, std::span<const core::TimeMs> times, const std::string& side);
// A genome file (canonical JSON or any key order); errors name the file (exit 1).
strategy::Genome load_genome(const std::string& path);
// The genome's exposures on the market's one coin with its funding and sentiment per bar: batch,
// or with `stream` from strategy::Runtime fed one bar at a time (bit for bit the same).
Signal strategy_signal(const strategy::Genome& genome, const data::Market& market, bool stream);

void write_equity(const std::string& path, std::span<const core::TimeMs> times, std::span<const double> equity,
                  std::span<const double> exposure);
// Trades of one run, or of every leg of a portfolio (then with a leading `leg` column).
struct TradeGroup {
  std::string leg;  // empty for a single coin
  const std::vector<backtest::Trade>* trades;
};
void write_trades(const std::string& path, const std::vector<TradeGroup>& groups);

// --risk. A single coin's run under the limits in the form the single-coin report takes (one leg
// of the risk portfolio is the single-coin run, bit for bit, when nothing trips).
backtest::MeasuredRun single_run_measured(const backtest::PortfolioResult& result,
                                          const backtest::MetricsOptions& options, bool funding);
// The "risk" object of --json: limits, transitions, halt bar and time, counts.
nlohmann::ordered_json risk_document(const backtest::RiskBacktestResult& run,
                                     std::span<const core::TimeMs> times,
                                     const backtest::RiskLimits& limits);
// The "risk:" block of the text report.
void print_risk(const backtest::RiskBacktestResult& run, std::span<const core::TimeMs> times);

}  // namespace organism::cli
