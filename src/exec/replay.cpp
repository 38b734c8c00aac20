#include "exec/replay.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

#include "core/error.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exchange/sim/market_loader.hpp"
#include "exchange/sim/market_replay.hpp"
#include "exec/allocation_stage.hpp"
#include "exec/bar_broker.hpp"
#include "exec/book_broker.hpp"
#include "exec/book_feed.hpp"
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

namespace {

// The exchange's name of a coin: "ETH" for the series label "hyperliquid:ETH:1h", a bare name as
// it is.
std::string exchange_coin(const std::string& label) {
  const auto first = label.find(':');
  if (first == std::string::npos) return label;
  const auto second = label.find(':', first + 1);
  return label.substr(first + 1, second == std::string::npos ? second : second - first - 1);
}

// The simulator's market over the replay's own bars, from the first bar (no history: the loop
// warms up on the bars it trades, as the backtest does). funding_per_bar[i] is what settles in
// (open_i, open_i + bar] (data/align.hpp): one row at the bar's close, which the simulator pays
// as hourly shares (all of it at that close for 1h bars).
exchange::sim::MarketReplay book_market(const data::Market& market,
                                        const std::vector<std::string>& coins, bool funding,
                                        std::uint64_t seed) {
  namespace sim = exchange::sim;
  const core::TimeMs bar_ms = market.interval.nominal_ms();
  std::vector<sim::CoinMarketData> data;
  for (std::size_t c = 0; c < market.coins.size(); ++c) {
    const auto& coin = market.coins[c];
    sim::CoinMarketData d;
    d.spec = sim::asset_spec_for(coins[c], coin.bars.close().back());
    d.bars = coin.bars;
    if (funding && !coin.funding_per_bar.empty()) {
      data::FundingSeries rates;
      rates.coin = coins[c];
      rates.interval_ms = bar_ms;
      for (std::size_t i = 0; i < coin.bars.size(); ++i) {
        rates.time.push_back(coin.bars.time()[i] + bar_ms);
        rates.rate.push_back(coin.funding_per_bar[i]);
      }
      d.funding = std::move(rates);
    }
    data.push_back(std::move(d));
  }
  sim::MarketConfig config;
  config.interval = market.interval;
  config.from = market.coins.front().bars.time().front();
  config.seed = seed;
  try {
    return sim::MarketReplay(std::move(data), config);
  } catch (const std::invalid_argument& e) {
    throw core::UsageError(fmt::format("replay --fill book: {}", e.what()));
  }
}

// The broker of a replay, and under book the simulator's market that feeds it (held by pointer:
// the feed keeps a reference to it while this moves).
struct ReplayBroker {
  std::unique_ptr<exchange::sim::MarketReplay> market;
  std::unique_ptr<BookFeed> feed;
  std::unique_ptr<Broker> broker;
  BarBroker* bar = nullptr;
  BookBroker* book = nullptr;
};

ReplayBroker make_broker(const data::Market& market, const std::vector<std::string>& coins,
                         const ReplayOptions& options, bool funding) {
  ReplayBroker out;
  if (options.fill == ReplayFill::bar) {
    auto bar = std::make_unique<BarBroker>(funding);
    out.bar = bar.get();
    out.broker = std::move(bar);
    return out;
  }
  out.market = std::make_unique<exchange::sim::MarketReplay>(
      book_market(market, coins, funding, options.book_seed));
  out.feed = std::make_unique<BookFeed>(*out.market);
  BookBrokerOptions paper;
  paper.capital = options.capital;
  paper.latency_ms = options.latency_ms;
  // The cost model's fees, charged by the engine: the books then differ from bar's by fill
  // prices (the book's spread and walk instead of the slippage fraction) and sizes only.
  paper.engine.taker_fee = options.costs.fees.taker;
  paper.engine.maker_fee = options.costs.fees.maker;
  auto book = std::make_unique<BookBroker>(out.market->assets(), paper);
  book->set_book_source(out.feed.get());
  out.book = book.get();
  out.broker = std::move(book);
  return out;
}

// What the backtest records at a close: the equity marked at the closes and the exposure held.
struct CloseMark {
  double equity = 0, exposure = 0;
};
CloseMark mark_at_close(const backtest::Account& account, const std::vector<double>& closes) {
  // As the backtest writes it: one leg's own value (-0 stays -0), several legs summed from 0.
  double exposure = account.legs() == 1 ? account.position(0).exposure() : 0;
  if (account.legs() > 1)
    for (std::size_t j = 0; j < account.legs(); ++j) exposure += account.position(j).exposure();
  if (account.liquidated()) return {0, 0};
  return {account.equity(closes), exposure};
}

// The strategies' marks summed, the first one as it is (one strategy: exactly its own mark).
CloseMark mark_all(const std::vector<backtest::Account>& accounts, const std::vector<double>& closes) {
  CloseMark sum = mark_at_close(accounts.front(), closes);
  for (std::size_t i = 1; i < accounts.size(); ++i) {
    const CloseMark m = mark_at_close(accounts[i], closes);
    sum.equity += m.equity;
    sum.exposure += m.exposure;
  }
  return sum;
}

}  // namespace

ReplayResult replay(const strategy::Genome& genome, const std::string& id,
                    const data::Market& market, const ReplayOptions& options,
                    const backtest::MetricsOptions& metrics) {
  return replay(std::vector<ReplayStrategy>{{id, genome, std::nullopt}}, market, options, metrics);
}

ReplayResult replay(const std::vector<ReplayStrategy>& strategies, const data::Market& market,
                    const ReplayOptions& options, const backtest::MetricsOptions& metrics) {
  if (strategies.empty()) throw core::UsageError("replay: no strategy");
  if (market.coins.empty()) throw core::UsageError("replay: no coin");
  // The bar broker steps the Accounts before the loop decides: the decision fills at the next open.
  if (options.costs.fill != backtest::FillModel::NextOpen)
    throw core::UsageError("replay fills at the next open: the close fill model is not available");
  const auto& first = market.coins.front();
  const std::size_t n = first.bars.size();
  if (n == 0) throw core::Error("replay: no bars");
  const bool book = options.fill == ReplayFill::book;
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
  // The paper exchange knows coins by the exchange's names, and intents carry the loop's.
  std::vector<std::string> coins;
  for (const auto& coin : market.coins) {
    coins.push_back(book ? exchange_coin(coin.label) : coin.label);
    if (std::count(coins.begin(), coins.end(), coins.back()) > 1)
      throw core::UsageError(fmt::format("replay: coin {} is given twice", coins.back()));
  }

  TradingLoopOptions loop_options;
  loop_options.interval = market.interval;
  loop_options.capital = options.capital;
  loop_options.costs = options.costs;
  // The runtime sees a feed exactly when the backtest's MarketView has its column (view_of).
  loop_options.feeds = {!first.funding_per_bar.empty(), sentiment};

  JournalFile file(options.journal_path);
  // A replay is a simulation: its journal need not wait for the disk.
  auto journal = Journal::open(file.path, Journal::Durability::none);
  ReplayBroker brokers = make_broker(market, coins, options, funding);
  Broker& broker = *brokers.broker;
  OrderManager orders(journal, broker);
  std::vector<StrategySlot> slots;
  std::vector<std::optional<core::TimeMs>> born;
  for (const auto& s : strategies) {
    slots.push_back(StrategySlot{s.id, s.genome, coins, 1.0 / static_cast<double>(strategies.size())});
    born.push_back(s.born);
  }
  TradingLoop loop(slots, loop_options, orders);
  if (options.allocation) loop.set_allocation_stage(make_allocation_stage(slots, options.costs, born, *options.allocation));
  if (brokers.bar) brokers.bar->attach(loop);
  orders.reconcile();

  ReplayResult out;
  out.times.assign(first.bars.time().begin(), first.bars.time().end());
  out.equity.resize(n);
  out.exposure.resize(n);
  const auto wall_start = std::chrono::steady_clock::now();
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  std::map<std::string, BarBrokerBar> step;
  const auto& accounts = loop.accounts();
  std::vector<double> closes(market.coins.size());
  std::size_t t = 0;
  // Under book the fills of a decision come back inside on_bar, a moment after the close; the
  // backtest records the close before them. The check (called once a decision has intents, before
  // they are sent) takes that mark, and drops the last close's intents: no next open follows.
  std::optional<CloseMark> before_orders;
  if (book)
    loop.set_pre_trade_check([&](std::vector<OrderIntent> intents) {
      before_orders = mark_all(accounts, closes);
      PreTradeVerdict verdict;
      if (t + 1 == n) {
        out.orders_dropped_at_end += static_cast<std::int64_t>(intents.size());
        verdict.reasons.push_back("the replay ends at this close: no next open to fill at");
      } else {
        verdict.allowed = std::move(intents);
      }
      return verdict;
    });
  for (; t < n; ++t) {
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
      b.coin = coins[c];
      b.bar = coin.bars.bar(t);
      b.funding = coin.funding_per_bar.empty() ? nan : coin.funding_per_bar[t];
      b.sentiment = coin.sentiment.empty() ? nan : coin.sentiment[t];
      closes[c] = b.bar.close;
      step[b.coin] = {b.bar, b.funding};
      closed.push_back(std::move(b));
    }
    double equity = 0;
    if (brokers.bar) {
      const auto each = brokers.bar->on_bars(time, step);
      equity = each.front();  // one strategy: its own value, as the backtest writes it
      for (std::size_t i = 1; i < each.size(); ++i) equity += each[i];
      broker.advance(time);
    } else {
      // The market through this bar's close, which is the next bar's open: the decision meets
      // that book latency_ms later (the backtest's next-open fill, on a book).
      broker.advance(t + 1 < n ? out.times[t + 1] : time + market.interval.nominal_ms());
    }
    orders.poll();
    // poll() takes fills but looks up only orders of unknown outcome: a cancel is learned by the
    // reconciliation's lookups.
    if (brokers.bar && brokers.bar->take_canceled() > 0) orders.reconcile();
    before_orders.reset();
    for (const auto& b : closed) {
      for (const auto& report : loop.on_bar(b)) {
        if (out.first_allocation.empty()) out.first_allocation = report.allocation;
        const auto& submitted = report.submitted;
        out.orders_placed += static_cast<std::int64_t>(submitted.placed.size());
        out.orders_too_small += static_cast<std::int64_t>(submitted.too_small.size());
        out.orders_refused += static_cast<std::int64_t>(submitted.refused.size());
        for (const auto& order : submitted.placed)
          out.orders_rejected += order.state == OrderState::rejected ? 1 : 0;
      }
    }
    const CloseMark mark = before_orders ? *before_orders : mark_all(accounts, closes);
    out.equity[t] = brokers.bar ? equity : mark.equity;
    out.exposure[t] = mark.exposure;
    if (options.progress && (t + 1) % options.progress_every == 0) options.progress(t + 1, n);
  }
  out.orders_open = static_cast<std::int64_t>(orders.open_orders().size());
  out.liquidated = std::all_of(accounts.begin(), accounts.end(), [](const auto& a) { return a.liquidated(); });
  out.allocations = journal.allocations();
  if (brokers.book) {
    out.exchange_account_value =
        exchange::hl::units_to_double(broker.account().margin_summary.account_value);
    for (const auto& payment : broker.funding_since(0))
      out.exchange_funding -= exchange::hl::units_to_double(payment.usdc);  // usdc < 0: paid
    out.stale_book_matches = brokers.book->stale_book_matches();
  }
  for (auto& account : loop.accounts()) {
    for (std::size_t j = 0; j < account.legs(); ++j) {
      if (!account.liquidated()) {
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
  }
  out.metrics = backtest::compute_metrics(out.equity, out.exposure, out.trades, metrics);
  return out;
}

}  // namespace organism::exec
