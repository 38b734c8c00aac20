// Replay: the real trading loop (runtime, order manager, journal, broker) over stored history,
// one bar time after another on a simulated clock: the bridge between the backtest and live.
// Used by `organism replay` and the replay-equals-backtest tests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backtest/metrics.hpp"
#include "backtest/models.hpp"
#include "backtest/trade.hpp"
#include "data/market.hpp"
#include "exec/broker.hpp"
#include "strategy/genome.hpp"

namespace organism::exec {

class TradingLoop;

// bar: BarBroker, the backtest's own next-open fills (replay equals backtest, bit for bit).
// book: BookBroker against a synthetic book (not in this build yet: make_replay_broker throws).
enum class ReplayFill { bar, book };
ReplayFill replay_fill_from(const std::string& name);  // "bar" | "book", else core::UsageError

struct ReplayOptions {
  backtest::BacktestConfig costs{};  // the backtest's cost model; the genome's risk block is added
  double capital = 10'000;           // the strategy's initial cash
  ReplayFill fill = ReplayFill::bar;
  // Market ms per wall ms; 0: as fast as possible.
  double speed = 0;
  // The journal file; empty: a temporary file removed at the end.
  std::string journal_path{};
  // Called every `progress_every` bars with (bars done, bars in all); may be empty.
  std::function<void(std::size_t, std::size_t)> progress{};
  std::size_t progress_every = 1000;
};

struct ReplayResult {
  std::vector<core::TimeMs> times{};
  std::vector<double> equity{};           // at each close, as backtest's BacktestResult::equity
  std::vector<double> exposure{};         // summed over the legs, as BacktestResult::exposure
  std::vector<backtest::Trade> trades{};  // leg by leg; the open one closed at the last close
  backtest::Metrics metrics{};            // backtest::compute_metrics, the backtest's function
  double fees = 0, funding = 0;
  std::int64_t fills = 0;
  bool liquidated = false;
  std::int64_t orders_placed = 0;  // orders the order manager sent (the journal's mirror)
  std::int64_t orders_open = 0;    // not final at the end (bar mode: those of the last close)
};

// The bars of `market` with open times in [from, to] (funding and sentiment cut alike).
data::Market market_window(const data::Market& market, core::TimeMs from, core::TimeMs to);

// A broker for `fill`, for the loop made next (attach_replay_broker): the seam BookBroker joins.
std::unique_ptr<Broker> make_replay_broker(ReplayFill fill, bool funding);
void attach_replay_broker(Broker& broker, TradingLoop& loop);

// Replays `genome` (named `id`) on every coin of `market` (one Account leg per coin, weight
// 1/coins; all coins on the same bar times) with the costs of `options`; metrics with `metrics`.
// Funding is paid when options.costs.funding and the market has funding per bar.
ReplayResult replay(const strategy::Genome& genome, const std::string& id,
                    const data::Market& market, const ReplayOptions& options,
                    const backtest::MetricsOptions& metrics);

}  // namespace organism::exec
