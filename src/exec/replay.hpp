// Replay: the real trading loop (runtime, order manager, journal, broker) over stored history,
// one bar time after another on a simulated clock: the bridge between the backtest and live.
// Used by `organism replay` and the replay-equals-backtest tests.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "backtest/metrics.hpp"
#include "backtest/models.hpp"
#include "backtest/trade.hpp"
#include "core/time.hpp"
#include "data/market.hpp"
#include "exec/journal.hpp"
#include "portfolio/allocator.hpp"
#include "strategy/genome.hpp"

namespace organism::exec {

// bar: BarBroker, the backtest's own next-open fills (replay equals backtest, bit for bit).
// book: BookBroker on the exchange simulator's matching engine, against the synthetic book that
//       exchange::sim::MarketReplay builds from the same bars (docs/exchange-sim.md), reached
//       latency_ms after the close: the same decisions, other fill prices (and lot rounding, the
//       $10 minimum, taker fees of the engine's schedule unless costs say otherwise).
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
  // book: order sent -> order at the exchange (BookBrokerOptions::latency_ms), and the seed of
  // the synthetic book (MarketConfig::seed).
  core::TimeMs latency_ms = 50;
  std::uint64_t book_seed = 1;
  // The portfolio allocator between the strategies and their orders (allocation_stage.hpp);
  // nullopt: identity (each strategy trades its capital share at its own target).
  std::optional<portfolio::AllocatorOptions> allocation{};
};

// One strategy of a replay: its id, genome and birth (stored creation time; nullopt: age 0).
struct ReplayStrategy {
  std::string id{};
  strategy::Genome genome{};
  std::optional<core::TimeMs> born{};
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
  // Intents the order manager did not send: under $10 after lot rounding (or rounded to zero),
  // and refused before sending (no price, unknown coin); orders the broker rejected.
  std::int64_t orders_too_small = 0, orders_refused = 0, orders_rejected = 0;
  // book: the last close's intents, dropped (no next open to fill at, as bar leaves them open).
  std::int64_t orders_dropped_at_end = 0;
  // book: the paper exchange's own view of the account at the end (account value at the mark,
  // with the engine's funding settlements): NaN under bar. It differs from the final equity by
  // funding alone: the exchange settles hourly at the mark (the next open) and not the hour that
  // closes the data, where the strategy pays every bar's rate at its close.
  double exchange_account_value = std::numeric_limits<double>::quiet_NaN();
  double exchange_funding = 0;           // book: what its hourly settlements made the account pay
  std::uint64_t stale_book_matches = 0;  // book: orders matched on an older book (0 in replay)
  // With an allocation stage: the lines of its first allocation (one per strategy), and every
  // row it journaled (the journal's allocations table).
  std::vector<std::string> first_allocation{};
  std::vector<AllocationRow> allocations{};
};

// The bars of `market` with open times in [from, to] (funding and sentiment cut alike).
data::Market market_window(const data::Market& market, core::TimeMs from, core::TimeMs to);

// Replays `genome` (named `id`) on every coin of `market` (one Account leg per coin, weight
// 1/coins; all coins on the same bar times) with the costs of `options`; metrics with `metrics`.
// Funding is paid when options.costs.funding and the market has funding per bar: under book it
// is booked once, on the loop's Accounts from the bar's rate as the backtest does; the paper
// exchange settles its own hourly funding (exchange_account_value), never added to the result.
// Under book the coins trade under the exchange's names ("ETH" for "hyperliquid:ETH:1h").
ReplayResult replay(const strategy::Genome& genome, const std::string& id,
                    const data::Market& market, const ReplayOptions& options,
                    const backtest::MetricsOptions& metrics);
// Several strategies on the same coins, each an Account of capital / strategies: equity and
// exposure are their sums, trades strategy by strategy. One strategy is the replay above.
ReplayResult replay(const std::vector<ReplayStrategy>& strategies, const data::Market& market,
                    const ReplayOptions& options, const backtest::MetricsOptions& metrics);

}  // namespace organism::exec
