// The paper broker: orders fill against an order book (the live l2Book for `paper`, the
// simulator's synthetic book for `replay --fill book`) with the exchange simulator's own matching
// engine (exchange/sim/sim_engine.hpp) holding one funded paper account: walking the levels,
// partial fills, taker fees on IOC, maker fees on resting post-only fills, funding, a latency
// model, and a state file that survives kill -9. Used by the trading loop's paper and replay
// drivers through the Broker interface (broker.hpp); book_feed.hpp drives it from a MarketReplay.
//
// Matching rules (the simulator's, docs/exchange-sim.md):
//  * an IOC walks the book best price first down to its limit (the collar); what the book does not
//    hold at or inside the limit is canceled (a partial fill), nothing at all is an error outcome;
//  * a post-only (Alo) that would cross is refused with the exchange's text; resting, it fills in
//    full at its price as a maker once a later book's price (the mid, or the replay's path price)
//    reaches it: conservative, a real queue can fill earlier when the touch reaches the price;
//  * fees are the engine's schedule (EngineConfig: taker 0.045 %, maker 0.015 %), the
//    exchange's base tier, unless the options change them; the $10 minimum and margin apply.
//
// Latency: an order placed at t (now()) meets the book the market shows at t + latency_ms. With a
// BookSource attached, place() first asks it to feed every book up to t + latency_ms (a replay
// steps its market there, so replays stay deterministic; paper waits and takes a fresh snapshot),
// then matches against the latest book of the coin and answers as the exchange would after
// matching, stamped t + latency_ms. Without a source the order matches the latest book the broker
// has (it cannot wait for a later one: the order manager needs the answer now) and
// stale_book_matches() counts it, so a paper run can say how often its fills used an older book.
// latency_ms = 0: the current book, at t. Cancels take the same way (a resting order may fill
// while the cancel travels: the cancel then answers false, as on the exchange).
//
// Persistence: with BookBrokerOptions::state_path set, the paper exchange's whole state (engine,
// clock, latest books) is written atomically (temporary file renamed over the target) before any
// call that changed an order, a fill, a position or the balance returns: place, cancel, a book
// that filled a resting order, funding. The rule is the real exchange's: it commits before it
// answers, so the journal (written by the order manager only after the broker answered) can be
// behind the paper exchange after a kill -9 — which reconcile() repairs by cloid lookups and
// fills_since, as against a live exchange — but never ahead of it: no order the journal thinks
// placed is missing on restart, so nothing is placed twice. Books that changed nothing of the
// account are not saved (the next book replaces them). A rename survives kill -9; power loss is
// not covered (no fsync). Cost: the whole state is rewritten each time, about 20 us per fill it
// holds (measured: 30 ms at 1,000 fills, 210 ms at 10,000, 620 ms at 30,000, 0.67 KB a fill):
// fine for a paper run of a few strategies, too slow for 50 strategies x 10 coins over weeks,
// where a snapshot plus an append-only log of the broker's inputs is the next step.
//
// One thread calls everything; books from another thread must be handed over by the driver.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "exchange/sim/sim_engine.hpp"
#include "exec/broker.hpp"

namespace organism::exchange::client {
struct L2BookReply;
}

namespace organism::exec {

class BookBroker;

// Brings books (and funding) to a BookBroker when it needs the market at a later time.
class BookSource {
 public:
  virtual ~BookSource() = default;
  // Hands `broker` (on_book / on_tick, settle_funding, in time order) every book the market shows
  // up to `time`: a replay its ticks at or before `time`; paper waits until `time` and hands a
  // fresh snapshot (stamped when taken, so possibly a little after `time`).
  virtual void feed_through(core::TimeMs time, BookBroker& broker) = 0;
};

struct BookBrokerOptions {
  double capital = 10'000;       // USDC of the paper account (the engine's starting balance)
  core::TimeMs latency_ms = 50;  // order sent -> order at the exchange; 0 = the current book
  // Fees, minimum order value, default leverage; starting_balance is replaced by `capital`.
  exchange::sim::EngineConfig engine{};
  // Null: now() is the book clock (the time of the latest book or advance, for replay). Set: the
  // wall clock for paper (now() = clock->now(), books stamped by their source).
  const core::Clock* clock = nullptr;
  // Empty: nothing is saved. Set: see "Persistence" above.
  std::string state_path{};
};

class BookBroker final : public Broker {
 public:
  // `assets`: the coins that may trade, with their lot rules (szDecimals) and max leverage.
  // Throws core::UsageError for no assets, capital <= 0 or latency < 0.
  BookBroker(std::vector<exchange::sim::AssetSpec> assets, BookBrokerOptions options);
  // The broker as saved at options.state_path (assets and options must be the ones it ran with);
  // a fresh broker when no file exists there. Throws core::Error naming the file when it cannot
  // be read or does not fit the assets.
  static BookBroker restore(std::vector<exchange::sim::AssetSpec> assets,
                            BookBrokerOptions options);

  // The account every paper order trades for (fixed: "0x" + "7061706572" ("paper") + zeros).
  static exchange::hl::Address paper_address();

  // --- The market side (drivers and BookSources call these) ---
  // A new book of `coin` at `time` (best first on both sides; it replaces the previous one).
  // Resting orders its mid reaches fill. A time before the coin's previous book is a core::Error;
  // a book without levels is ignored (nothing to price or match).
  void on_book(const std::string& coin, core::TimeMs time, std::vector<exchange::sim::Level> bids,
               std::vector<exchange::sim::Level> asks);
  // A live l2Book snapshot (InfoClient::l2_book), its decimal prices and sizes in exact units.
  void on_book(const exchange::client::L2BookReply& book);
  // The simulator's tick as it is (its path price and mark instead of the mid): replay --fill book.
  void on_tick(const std::string& coin, exchange::sim::MarketTick tick);
  // One hourly funding settlement: every position pays or receives notional(mark) x rate.
  void settle_funding(const std::string& coin, double rate, core::TimeMs time);
  void set_book_source(BookSource* source) { source_ = source; }

  // --- Broker ---
  core::TimeMs now() override;
  const exchange::hl::AssetDirectory& assets() override { return directory_; }
  double reference_price(const std::string& coin) override;  // the latest book's mid; NaN: none
  std::vector<OrderOutcome> place(const std::vector<BrokerOrder>& orders) override;
  std::vector<bool> cancel(const std::vector<exchange::client::CancelCloidRef>& orders) override;
  std::optional<OrderStatusInfo> order_status(const std::string& cloid) override;
  std::vector<OrderInfo> open_orders() override;  // the frontend form (tif, reduce-only, type)
  ClearinghouseState account() override;
  std::vector<Fill> fills_since(core::TimeMs since) override;
  std::vector<FundingPayment> funding_since(core::TimeMs since) override;
  // Feeds books up to `now` from the source (if any), moves the book clock there and runs the
  // engine's scheduled cancels.
  void advance(core::TimeMs now) override;

  // Orders matched against a book older than their time + latency (see "Latency" above).
  std::uint64_t stale_book_matches() const { return stale_book_matches_; }
  // Writes the state to `path` atomically (done by itself when options.state_path is set).
  void save(const std::string& path) const;
  const exchange::sim::Engine& engine() const { return engine_; }

 private:
  struct Book {
    core::TimeMs time = 0;
    std::vector<exchange::sim::Level> bids{}, asks{};
  };
  BookBroker(std::vector<exchange::sim::AssetSpec> assets, BookBrokerOptions options,
             exchange::sim::Engine engine);
  int asset_of(const std::string& coin) const;  // core::Error for a coin the broker lacks
  const std::string& coin_of(int asset) const;
  void feed(int asset, const exchange::sim::MarketTick& tick);
  void move_clock(core::TimeMs time);
  // Brings the market to when a request sent now reaches the exchange (now + latency: the source
  // feeds books up to then) and returns that time, the engine time of the request.
  core::TimeMs arrival_time();
  // Drains the engine's events; saves when one of them touched the account.
  void after_engine_call(bool force_save = false);

  std::vector<exchange::sim::AssetSpec> specs_;
  BookBrokerOptions options_;
  exchange::sim::Engine engine_;
  exchange::hl::AssetDirectory directory_;
  exchange::hl::Address user_;
  std::map<int, Book> books_;  // the latest book per asset
  core::TimeMs book_clock_ = 0;
  std::uint64_t stale_book_matches_ = 0;
  BookSource* source_ = nullptr;
};

}  // namespace organism::exec
