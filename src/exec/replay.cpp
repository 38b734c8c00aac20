#include "exec/replay.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "core/error.hpp"
#include "exec/bar_broker.hpp"
#include "exec/journal.hpp"
#include "exec/order_manager.hpp"
#include "exec/trading_loop.hpp"

namespace organism::exec {
namespace {

// A journal file that is removed with its WAL when the replay ends, unless the user named it.
struct JournalFile {
  std::string path;
  bool temporary = false;
  explicit JournalFile(const std::string& given) : path(given) {
    if (!path.empty()) return;
    static std::atomic<int> counter{0};
    path = (std::filesystem::temp_directory_path() /
            fmt::format("organism-replay-{}-{}.journal.db", ::getpid(), counter++))
               .string();
    temporary = true;
  }
  ~JournalFile() {
    if (!temporary) return;
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(path + suffix, ec);
  }
  JournalFile(const JournalFile&) = delete;
  JournalFile& operator=(const JournalFile&) = delete;
};

}  // namespace

ReplayFill replay_fill_from(const std::string& name) {
  if (name == "bar") return ReplayFill::bar;
  if (name == "book") return ReplayFill::book;
  throw core::UsageError(fmt::format("--fill '{}': bar or book", name));
}

data::Market market_window(const data::Market& market, core::TimeMs from, core::TimeMs to) {
  data::Market out;
  out.interval = market.interval;
  for (const auto& coin : market.coins) {
    data::CoinSeries cut;
    cut.label = coin.label;
    const std::size_t begin = coin.bars.lower_bound(from);
    const std::size_t end = to == std::numeric_limits<core::TimeMs>::max()
                                ? coin.bars.size()
                                : coin.bars.lower_bound(to + 1);
    for (std::size_t i = begin; i < end; ++i) {
      cut.bars.push_back(coin.bars.bar(i));
      if (!coin.funding_per_bar.empty()) cut.funding_per_bar.push_back(coin.funding_per_bar[i]);
      if (!coin.sentiment.empty()) cut.sentiment.push_back(coin.sentiment[i]);
    }
    out.coins.push_back(std::move(cut));
  }
  return out;
}

std::unique_ptr<Broker> make_replay_broker(ReplayFill fill, bool funding) {
  if (fill == ReplayFill::bar) return std::make_unique<BarBroker>(funding);
  throw core::UsageError("--fill book is not available yet in replay (BookBroker); use --fill bar");
}

void attach_replay_broker(Broker& broker, TradingLoop& loop) {
  if (auto* bar = dynamic_cast<BarBroker*>(&broker)) bar->attach(loop);
}

ReplayResult replay(const strategy::Genome& genome, const std::string& id,
                    const data::Market& market, const ReplayOptions& options,
                    const backtest::MetricsOptions& metrics) {
  if (market.coins.empty()) throw core::UsageError("replay: no coin");
  // The bar broker steps the Accounts before the loop decides: the decision fills at the next open.
  if (options.costs.fill != backtest::FillModel::NextOpen)
    throw core::UsageError("replay fills at the next open: the close fill model is not available");
  const auto& first = market.coins.front();
  const std::size_t n = first.bars.size();
  if (n == 0) throw core::Error("replay: no bars");
  bool funding = options.costs.funding;
  bool sentiment = true;
  for (const auto& coin : market.coins) {
    const auto t0 = first.bars.time(), t1 = coin.bars.time();
    if (!std::equal(t0.begin(), t0.end(), t1.begin(), t1.end()))
      throw core::UsageError(
          fmt::format("replay: {}'s bar times differ from {}'s", coin.label, first.label));
    funding = funding && !coin.funding_per_bar.empty();
    sentiment = sentiment && !coin.sentiment.empty();
  }
  std::vector<std::string> coins;
  for (const auto& coin : market.coins) coins.push_back(coin.label);

  TradingLoopOptions loop_options;
  loop_options.interval = market.interval;
  loop_options.capital = options.capital;
  loop_options.costs = options.costs;
  // The runtime sees a feed exactly when the backtest's MarketView has its column (view_of).
  loop_options.feeds = {!first.funding_per_bar.empty(), sentiment};

  JournalFile file(options.journal_path);
  // A replay is a simulation: its journal need not wait for the disk.
  auto journal = Journal::open(file.path, Journal::Durability::none);
  auto broker = make_replay_broker(options.fill, funding);
  OrderManager orders(journal, *broker);
  TradingLoop loop({StrategySlot{id, genome, coins, 1.0}}, loop_options, orders);
  attach_replay_broker(*broker, loop);
  orders.reconcile();
  auto* bars_broker = dynamic_cast<BarBroker*>(broker.get());

  ReplayResult out;
  out.times.assign(first.bars.time().begin(), first.bars.time().end());
  out.equity.resize(n);
  out.exposure.resize(n);
  const auto wall_start = std::chrono::steady_clock::now();
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  std::map<std::string, BarBrokerBar> step;
  auto& account = loop.accounts().front();
  for (std::size_t t = 0; t < n; ++t) {
    const core::TimeMs time = out.times[t];
    if (options.speed > 0) {
      // The market clock runs `speed` times the wall clock from the first bar.
      const auto due = wall_start + std::chrono::duration<double, std::milli>(
                                        static_cast<double>(time - out.times[0]) / options.speed);
      std::this_thread::sleep_until(due);
    }
    std::vector<ClosedBar> closed;
    step.clear();
    for (std::size_t c = 0; c < market.coins.size(); ++c) {
      const auto& coin = market.coins[c];
      ClosedBar b;
      b.coin = coin.label;
      b.bar = coin.bars.bar(t);
      b.funding = coin.funding_per_bar.empty() ? nan : coin.funding_per_bar[t];
      b.sentiment = coin.sentiment.empty() ? nan : coin.sentiment[t];
      step[b.coin] = {b.bar, b.funding};
      closed.push_back(std::move(b));
    }
    double equity = 0;
    if (bars_broker) {
      equity = bars_broker->on_bars(time, step).front();
    }
    broker->advance(time);
    orders.poll();
    // poll() takes fills but looks up only orders of unknown outcome: a cancel is learned by the
    // reconciliation's lookups.
    if (bars_broker && bars_broker->take_canceled() > 0) orders.reconcile();
    for (const auto& b : closed) {
      for (const auto& report : loop.on_bar(b)) {
        out.orders_placed += static_cast<std::int64_t>(report.submitted.placed.size());
        if (!bars_broker) equity = report.equity;
      }
    }
    out.equity[t] = account.liquidated() ? 0 : equity;
    // As the backtest writes it: one leg's own value (-0 stays -0), several legs summed from 0.
    double exposure = account.legs() == 1 ? account.position(0).exposure() : 0;
    if (account.legs() > 1)
      for (std::size_t j = 0; j < account.legs(); ++j) exposure += account.position(j).exposure();
    out.exposure[t] = account.liquidated() ? 0 : exposure;
    if (options.progress && (t + 1) % options.progress_every == 0) options.progress(t + 1, n);
  }
  out.orders_open = static_cast<std::int64_t>(orders.open_orders().size());
  out.liquidated = account.liquidated();
  for (std::size_t j = 0; j < account.legs(); ++j) {
    if (!out.liquidated) {
      const auto& bars = market.coins[j].bars;
      account.close_books(j, bars.close()[n - 1], bars.time()[n - 1]);
    }
    const auto& position = account.position(j);
    out.fees += position.fees();
    out.funding += position.funding();
    out.fills += position.fills();
    auto trades = account.take_trades(j);
    out.trades.insert(out.trades.end(), trades.begin(), trades.end());
  }
  out.metrics = backtest::compute_metrics(out.equity, out.exposure, out.trades, metrics);
  return out;
}

}  // namespace organism::exec
