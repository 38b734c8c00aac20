#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include "exec/trading_session.hpp"

#include "exec/allocation_stage.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "data/market.hpp"
#include "exec/allocation_stage.hpp"
#include "data/store.hpp"
#include "exchange/client/endpoints.hpp"
#include "exchange/client/info_client.hpp"
#include "exchange/client/market_data_source.hpp"
#include "exchange/client/ws_client.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exec/agent_key.hpp"
#include "exec/bar_broker.hpp"
#include "exec/book_age.hpp"
#include "exec/dead_man_switch.hpp"
#include "exec/book_broker.hpp"
#include "exec/journal.hpp"
#include "exec/live_broker.hpp"
#include "exec/book_feed.hpp"
#include "exec/risk_journal.hpp"
#include "exec/risk_manager.hpp"

namespace organism::exec {
namespace {

namespace client = exchange::client;

std::vector<std::string> session_coins(const std::vector<StrategySlot>& slots) {
  std::set<std::string> coins;
  for (const auto& slot : slots) coins.insert(slot.coins.begin(), slot.coins.end());
  return {coins.begin(), coins.end()};
}

std::vector<exchange::sim::AssetSpec> asset_specs(const exchange::hl::AssetDirectory& directory,
                                                  const std::vector<std::string>& coins) {
  std::vector<exchange::sim::AssetSpec> specs;
  for (const auto& coin : coins) {
    const auto* info = directory.by_coin(coin);
    if (!info || !info->perp) throw core::UsageError(fmt::format("coin '{}' is not a perpetual of the exchange", coin));
    specs.push_back({coin, info->sz_decimals, info->max_leverage, info->only_isolated});
  }
  return specs;
}

// The stored history of the session's coins (venue hyperliquid), oldest first, one entry per
// bar time with every coin's bar. Coins with nothing stored yet give no history.
std::map<core::TimeMs, std::vector<ClosedBar>> stored_history(data::Store& store,
                                                             const std::vector<std::string>& coins,
                                                             const core::Interval& interval) {
  std::map<core::TimeMs, std::vector<ClosedBar>> history;
  data::MarketSpec spec;
  spec.interval = interval.name();
  spec.coins = coins;
  spec.venues.assign(coins.size(), client::kHyperliquidVenue);
  spec.store_sentiment = true;
  data::Market market;
  try {
    market = data::build_market(store, spec, client::kHyperliquidVenue);
  } catch (const core::Error& e) {
    spdlog::info("no stored history to warm up from ({}): the runtimes start cold", e.what());
    return history;
  }
  for (std::size_t c = 0; c < market.coins.size(); ++c) {
    const auto& coin = market.coins[c];  // in spec.coins order
    for (std::size_t i = 0; i < coin.bars.size(); ++i) {
      ClosedBar bar{coins[c], coin.bars.bar(i)};
      if (!coin.funding_per_bar.empty()) bar.funding = coin.funding_per_bar[i];
      if (!coin.sentiment.empty()) bar.sentiment = coin.sentiment[i];
      history[bar.bar.time].push_back(std::move(bar));
    }
  }
  // Only times every coin has: the loop decides a strategy once all its coins are in.
  std::erase_if(history, [&](const auto& entry) { return entry.second.size() != coins.size(); });
  return history;
}

// Whether these strategies traded from this journal before: then the start is a restart.
bool traded_before(const JournalState& state, const std::vector<LedgerEntry>& ledger,
                   const std::vector<StrategySlot>& slots) {
  std::set<std::string> ids;
  for (const auto& slot : slots) ids.insert(slot.id);
  for (const auto& order : state.open_orders) {
    if (ids.contains(order.intent.strategy_id)) return true;
  }
  for (const auto& entry : ledger) {
    if (ids.contains(entry.strategy_id)) return true;
  }
  return false;
}

// The strategies that started a session on this journal, one id a line, in a file beside it. A
// kill after a bar was stored but before its decision journaled anything (a strategy's first
// trade, or a bar with nothing to do) must still count as a restart, or that stored bar would
// never be decided: the stream resumes after the store's last bar.
std::string started_path(const std::string& journal_path) { return journal_path + ".started"; }

bool started_before(const std::string& journal_path, const std::vector<StrategySlot>& slots) {
  std::ifstream in(started_path(journal_path));
  std::set<std::string> ids;
  for (std::string line; std::getline(in, line);) ids.insert(line);
  for (const auto& slot : slots) {
    if (ids.contains(slot.id)) return true;
  }
  return false;
}

void mark_started(const std::string& journal_path, const std::vector<StrategySlot>& slots) {
  std::ofstream out(started_path(journal_path), std::ios::app);
  for (const auto& slot : slots) out << slot.id << '\n';
  out.flush();
  if (!out) throw core::Error(fmt::format("cannot write {}", started_path(journal_path)));
}

// The risk manager's start: the newest stored bar's close time and each coin's close then.
void start_risk(RiskManager& risk, core::TimeMs wall_now, core::TimeMs interval_ms,
                const std::map<core::TimeMs, std::vector<ClosedBar>>& history) {
  core::TimeMs last_close = -1;
  std::map<std::string, double> closes;
  if (!history.empty()) {
    last_close = history.rbegin()->first + interval_ms;
    for (const auto& b : history.rbegin()->second) closes[b.coin] = b.bar.close;
  }
  risk.start(wall_now, last_close, closes);
}

std::map<std::string, double> closes_of(const std::vector<ClosedBar>& bars) {
  std::map<std::string, double> closes;
  for (const auto& b : bars) closes[b.coin] = b.bar.close;
  return closes;
}

bool books_flat(const TradingLoop& loop) {
  for (const auto& status : loop.status()) {
    for (const double units : status.units) {
      if (units != 0) return false;
    }
  }
  return true;
}

// SessionOptions::flatten_on_exit: rounds of reduce-only closes (the risk manager's identities,
// keyed by the stop's time, so a round sent again is the same order), polled until final.
void flatten_books(const SessionOptions& o, OrderManager& orders, TradingLoop& loop, RiskManager& risk,
                   Broker& broker, BookBroker* book_broker, SessionSummary& summary,
                   const std::function<void(const std::string&)>& note) {
  const core::TimeMs stop_time = broker.now();
  for (int round = 0; round < 5 && !books_flat(loop); ++round) {
    if (book_broker) book_broker->advance(broker.now());
    const auto intents = risk.flatten_intents(stop_time);
    if (intents.empty()) break;
    const auto report = orders.submit(intents);
    summary.flatten_orders += static_cast<std::int64_t>(report.placed.size());
    for (const auto& order : report.placed) {
      note(fmt::format("flatten at stop: {} {} {} for strategy {}: {}", order.intent.coin, name_of(order.intent.side),
                       exchange::hl::format_units(order.intent.size), order.intent.strategy_id.substr(0, 12), name_of(order.state)));
    }
    for (const auto& why : report.refused) note("flatten at stop refused: " + why);
    for (int p = 0; p < 20; ++p) {
      if (book_broker) book_broker->advance(broker.now());
      orders.poll();
      loop.book_fills();
      if (orders.open_orders().empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(o.poll_every.count() > 0 ? 100 : 0));
    }
  }
  summary.flat = books_flat(loop);
  if (!summary.flat) note("flatten at stop: positions left (see `organism positions`)");
}

}  // namespace

std::string format_status(const BarReport& report, std::size_t open_orders) {
  std::string line = fmt::format("{} equity {:.2f}", core::format_utc(report.time), report.equity);
  for (const auto& s : report.strategies) {
    line += fmt::format(" | {} {:.2f}", s.id.substr(0, 12), s.equity);
    if (s.closing) line += " closing";
    for (std::size_t j = 0; j < s.units.size(); ++j) {
      if (s.units[j] != 0) line += fmt::format(" {} {:+.6g}", s.coins[j], s.units[j]);
    }
  }
  line += fmt::format(" | orders {} sent, {} open", report.submitted.placed.size(), open_orders);
  if (!report.submitted.too_small.empty()) line += fmt::format(", {} under $10", report.submitted.too_small.size());
  if (!report.submitted.refused.empty()) line += fmt::format(", {} refused", report.submitted.refused.size());
  return line;
}

SessionSummary run_trading_session(const SessionOptions& o, const SessionCallbacks& cb,
                                   const std::atomic<bool>& stop) {
  if (o.slots.empty()) throw core::UsageError("no strategies to trade");
  const auto coins = session_coins(o.slots);
  const std::string url = client::rest_url(o.url);
  auto note = [&](const std::string& text) {
    if (cb.note) cb.note(text);
  };

  client::SessionOptions rest_options;
  rest_options.transport.proxy = o.proxy;
  auto budget = client::WeightBudget::make(o.weight_per_minute);
  auto rest = std::make_shared<client::RestSession>(url, budget, rest_options);
  auto info = std::make_shared<client::InfoClient>(rest);
  auto store = data::Store::open(o.store_path);
  const std::string journal_path = o.journal_path.empty() ? Journal::path_for_store(o.store_path) : o.journal_path;
  if (o.risk.price_collar > 0 && o.orders.collar > o.risk.price_collar) {
    throw core::UsageError(fmt::format("--collar {} is wider than risk.price_collar {}: every market order would be "
                                       "refused by the pre-trade check",
                                       o.orders.collar, o.risk.price_collar));
  }
  auto journal = Journal::open(journal_path);
  auto risk_journal = RiskJournal::open(journal_path);

  // The broker of the mode.
  static const core::WallClock wall;
  std::unique_ptr<Broker> broker;
  BarBroker* bar_broker = nullptr;
  BookBroker* book_broker = nullptr;
  std::unique_ptr<L2BookPoller> book_source;
  LiveBroker* live_broker = nullptr;
  if (o.mode == SessionMode::live) {
    LiveBrokerOptions live;
    live.url = url;  // refused unless loopback or a real network the CLI confirmed
    live.real_network = o.real_network;
    live.mainnet = o.mainnet;
    live.expiry_ms = o.orders.expiry_ms;
    live.session = rest_options;
    if (!o.account.empty()) {
      live.account = exchange::hl::Address::parse(o.account);
      if (!live.account) throw core::UsageError(fmt::format("--account '{}': not an address (0x + 40 hex digits)", o.account));
    }
    auto b = std::make_unique<LiveBroker>(load_agent_key(o.key_file), live);
    live_broker = b.get();
    broker = std::move(b);
  } else if (o.fill == ReplayFill::bar) {
    auto b = std::make_unique<BarBroker>(o.loop.costs.funding);
    bar_broker = b.get();
    broker = std::move(b);
  } else {
    BookBrokerOptions paper;
    paper.capital = o.loop.capital;
    paper.latency_ms = o.latency_ms;
    paper.state_path = journal_path + ".paper.json";
    paper.clock = &wall;
    auto b = std::make_unique<BookBroker>(BookBroker::restore(asset_specs(info->meta(), coins), paper));
    book_source = std::make_unique<L2BookPoller>(
        coins, [info](const std::string& coin) { return info->l2_book(coin); }, wall);
    b->set_book_source(book_source.get());
    book_broker = b.get();
    broker = std::move(b);
  }

  OrderManager orders(journal, *broker, o.orders);
  TradingLoop loop(o.slots, o.loop, orders);
  if (o.allocation) loop.set_allocation_stage(make_allocation_stage(o.slots, o.loop.costs, o.born, *o.allocation));
  if (bar_broker) bar_broker->attach(loop);

  const auto start_report = orders.reconcile();
  if (cb.reconciled) cb.reconciled(start_report);
  // The dead man's switch, armed before anything is placed (live only; paper brokers ignore it).
  SessionSummary summary;
  RiskManager* risk_manager = nullptr;  // set below: a failed refresh counts as an exchange error
  DeadManSwitch dead_man(*broker, wall, o.mode == SessionMode::live ? o.risk.dead_man_seconds : 0,
                         [&](const std::string& what) {
                           ++summary.dead_man_failures;
                           note(what);
                           if (risk_manager) risk_manager->on_request_failed(broker->now());
                         });
  dead_man.start();
  if (dead_man.enabled()) note(fmt::format("dead man's switch armed: the exchange cancels every order {} s after "
                                           "the last refresh", o.risk.dead_man_seconds));
  const auto ledger = journal.ledger();
  const bool restart = traded_before(journal.load(), ledger, o.slots) || started_before(journal_path, o.slots);
  loop.restore(ledger);
  RiskManager risk(o.risk, coins, o.loop.interval.nominal_ms(), risk_journal, orders, loop, note);
  risk_manager = &risk;
  loop.set_pre_trade_check([&risk](std::vector<OrderIntent> intents) { return risk.check(std::move(intents)); });

  auto decide = [&](core::TimeMs time, const std::vector<ClosedBar>& bars) {
    // The paper book at the decision: the reference price the orders are sized and collared at.
    if (book_broker) book_broker->advance(broker->now());
    if (bar_broker) {
      std::map<std::string, BarBrokerBar> step;
      for (const auto& b : bars) step[b.coin] = {b.bar, b.funding};
      bar_broker->on_bars(time, step);
    }
    for (const auto& b : bars) {
      for (auto& report : loop.on_bar(b)) {
        ++summary.bars;
        summary.orders_placed += static_cast<std::int64_t>(report.submitted.placed.size());
        summary.equity = report.equity;
        for (const auto& line : report.allocation) note(line);  // the allocation, before its status line
        risk.on_bar(report, closes_of(bars), broker->now());
        if (cb.bar) cb.bar(report, orders.open_orders().size());
      }
    }
  };

  // Warm-up: every stored bar but, on a restart, the newest, which is decided again.
  auto history = stored_history(store, coins, o.loop.interval);
  std::optional<std::pair<core::TimeMs, std::vector<ClosedBar>>> redo;
  if (restart && o.decide_newest_again && !history.empty()) {
    redo.emplace(history.rbegin()->first, std::move(history.rbegin()->second));
    history.erase(std::prev(history.end()));
  }
  // Stored bars after decide_after were stored by another stream while this session started: they
  // are decided, not only warmed up on.
  std::vector<std::pair<core::TimeMs, std::vector<ClosedBar>>> catch_up;
  if (o.decide_after) {
    for (auto it = history.upper_bound(*o.decide_after); it != history.end();) {
      catch_up.emplace_back(it->first, std::move(it->second));
      it = history.erase(it);
    }
  }
  for (const auto& [time, bars] : history) {
    for (const auto& b : bars) loop.warm_up(b);
  }
  note(fmt::format("warmed up on {} stored bars{}", history.size(),
                   redo ? fmt::format(", deciding {} again (restart)", core::format_utc(redo->first)) : ""));
  start_risk(risk, broker->now(), o.loop.interval.nominal_ms(), history);
  if (redo) decide(redo->first, redo->second);
  for (const auto& [time, bars] : catch_up) {
    note(fmt::format("deciding {} (stored while the session started)", core::format_utc(time)));
    decide(time, bars);
  }
  mark_started(journal_path, o.slots);  // before the stream can store a bar

  // The book's age for the stale-book breaker (book_age.hpp: wall time since its time last
  // changed), from the books the session reads anyway; from here, so the warm-up does not count.
  // --fill bar has no book: -1.
  BookAge book_age(coins, wall.now());
  if (book_source) book_source->set_book_age(&book_age);
  if (live_broker) live_broker->set_book_age(&book_age);
  const bool has_book = book_source || live_broker;

  boost::asio::io_context ioc;
  client::WsClientOptions ws_options;
  ws_options.url = client::websocket_url(url);
  ws_options.proxy = o.proxy;
  client::WsClient ws(ioc, ws_options);
  client::MarketDataOptions data_options;
  data_options.coins = coins;
  data_options.interval = o.loop.interval;
  data_options.funding = o.loop.costs.funding;

  bool done = false;
  std::map<core::TimeMs, std::vector<ClosedBar>> pending;  // bar times not complete yet
  client::MarketDataSource source(ioc, &ws, info, store, data_options, [&](const client::LiveBar& live) {
    auto& at = pending[live.bar.time];
    at.push_back(ClosedBar{live.coin, live.bar, live.funding, live.sentiment});
    if (at.size() < coins.size()) return;
    auto bars = std::move(at);
    pending.erase(live.bar.time);
    if (redo && live.bar.time <= redo->first) return;  // decided at start
    decide(live.bar.time, bars);
    if ((o.until && live.bar.time >= *o.until) || (o.max_bars > 0 && summary.bars >= o.max_bars)) {
      summary.stop_reason = o.until && live.bar.time >= *o.until ? "until" : "bars";
      done = true;
    }
  });
  source.on_reconnect([&](std::uint64_t n, const std::string& reason) {
    ++summary.reconnects;
    note(fmt::format("reconnect {}: {}; reconciling", n, reason));
    const auto report = orders.reconcile();
    if (cb.reconciled) cb.reconciled(report);
  });

  // Between bars: stop requests, the order manager's timers, the paper book for resting orders.
  boost::asio::steady_timer timer(ioc);
  auto next_poll = std::chrono::steady_clock::now();
  std::function<void()> watch = [&] {
    timer.expires_after(std::chrono::milliseconds(50));
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      if (stop.load() || done) {
        source.stop();
        ws.stop();
        ioc.stop();
        return;
      }
      if (std::chrono::steady_clock::now() >= next_poll) {
        next_poll = std::chrono::steady_clock::now() + o.poll_every;
        try {
          dead_man.refresh();  // first: it never throws, and nothing else must delay it
          // The book every poll: the risk manager marks the equity at it (a crash within a bar).
          if (book_broker) book_broker->advance(broker->now());
          orders.poll();
          loop.book_fills();
          // Live: the books read by the previous poll's marking (one request per coin per poll).
          risk.on_poll(broker->now(), has_book ? book_age.age_ms(wall.now()) : -1);
        } catch (const core::Error& e) {
          note(fmt::format("poll: {} (retried at the next poll)", e.what()));
          risk.on_request_failed(broker->now());
        }
      }
      watch();
    });
  };
  if (cb.started) cb.started();
  source.start();
  ws.start();
  watch();
  note(fmt::format("trading {} strategies on {} ({}), journal {}", o.slots.size(), fmt::join(coins, ","),
                   o.loop.interval.name(), journal_path));
  ioc.run();

  if (summary.stop_reason.empty()) summary.stop_reason = "signal";
  if (o.cancel_on_exit) {
    summary.canceled_at_exit = orders.cancel_all();
  }
  orders.poll();
  loop.book_fills();
  if (o.cancel_on_exit && o.flatten_on_exit) flatten_books(o, orders, loop, risk, *broker, book_broker, summary, note);
  dead_man.clear();
  return summary;
}

}  // namespace organism::exec
