// The trading engine's durable journal: every intent, order event, fill and position change is
// written (and fsynced) before the caller acts on it, and load() rebuilds the open orders, the
// positions and the reconciliation marks after a restart or a kill -9. Used by the order manager,
// the paper and live brokers and `organism orders | positions | fills`.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "exchange/client/account_types.hpp"
#include "exec/order.hpp"

namespace organism::exec {

// A position of one strategy (or of the whole account, strategy_id empty) in one coin, after a
// change. Money is cumulative since the position's journal began.
struct PositionChange {
  std::string strategy_id{};
  std::string coin{};
  Units size = 0;  // signed: negative is short
  Units entry_price = 0;
  Units realized_pnl = 0, fees = 0, funding = 0;
  core::TimeMs time = 0;
  std::string cause{};  // "fill 123", "funding", "reconcile", ... for the operator
  bool operator==(const PositionChange&) const = default;
};

// The newest fill journaled for a coin: userFills are asked from this time on after a restart.
struct LastFill {
  core::TimeMs time = 0;
  std::uint64_t tid = 0;
  bool operator==(const LastFill&) const = default;
};

// One booking on a strategy's ledger, in journal order: a fill of one of its orders (size signed,
// positive bought) or a funding payment the trading loop booked (funding > 0: paid).
struct LedgerEntry {
  std::string strategy_id{};
  std::string coin{};
  core::TimeMs time = 0;
  Units size = 0, price = 0, fee = 0;  // a fill; 0 for funding
  Units funding = 0;                   // a funding payment; 0 for a fill
  bool operator==(const LedgerEntry&) const = default;
};

// One leg of a rebalance of the allocation stage (allocation_stage.hpp): the leg's share of
// capital and its target exposure (a fraction of portfolio equity).
struct AllocationRow {
  core::TimeMs time = 0;
  std::string strategy{}, coin{};
  double weight = 0;
  double exposure = 0;
  bool operator==(const AllocationRow&) const = default;
};

// What a restart starts from.
struct JournalState {
  std::vector<Order> open_orders{};        // not in a final state, oldest first
  std::vector<PositionChange> positions{};  // the latest per (strategy, coin), by strategy then coin
  std::map<std::string, LastFill> last_fill_by_coin{};
  std::set<std::string> cloids{};  // of every order ever journaled: ask orderStatus, never re-place
  std::int64_t duplicate_fills = 0;  // fills offered again with a tid already journaled
};

class Journal {
 public:
  // Whether a commit waits for the disk. Trading always does; a replay, which simulates the
  // exchange and its own clock and can simply be run again, need not (synchronous=OFF: the same
  // writes and reads, none fsynced).
  enum class Durability { fsync_each_commit, none };
  // Opens or creates the journal file (SQLite, WAL, synchronous=FULL by default: a commit returns
  // after the log is fsynced). A file that is not an organism journal is refused.
  static Journal open(const std::string& path, Durability durability = Durability::fsync_each_commit);
  // The journal that goes with a store: "DIR/NAME.db" -> "DIR/NAME.journal.db". A separate file
  // because its durability (an fsync per event) and its write lock must not be shared with bar
  // imports and evolution runs writing the store.
  static std::string path_for_store(const std::string& store_path);

  Journal(Journal&&) noexcept;
  Journal& operator=(Journal&&) noexcept;
  ~Journal();

  // A new order (state "new") for an intent. false, writing nothing, when its cloid was
  // journaled before: the caller then looks the order up by cloid instead of placing it.
  bool record_intent(const Order& order);
  // The order after `update` (apply()), written with the event before it is returned; an
  // illegal transition throws and writes nothing. `order` must be the journal's current record.
  Order record_event(const Order& order, const OrderUpdate& update);
  // A fill by its exchange tid; false (and counted) when that tid was already journaled.
  bool record_fill(const exchange::client::Fill& fill);
  void record_position(const PositionChange& change);
  // Funding a strategy paid (negative: received) on its position in a coin, as the trading loop
  // booked it at a bar's close; restored by ledger().
  void record_funding(const std::string& strategy_id, const std::string& coin, Units paid,
                      core::TimeMs time);
  // A rebalance's rows (allocations table), before the intents it causes are sent.
  void record_allocations(const std::vector<AllocationRow>& rows);
  // Every allocation row, in journal order.
  std::vector<AllocationRow> allocations();
  // Every fill of an order of ours (joined to its strategy through the cloid) and every funding
  // payment, in journal order: the trading loop rebuilds its books from it after a restart.
  std::vector<LedgerEntry> ledger();
  // The journal's record of one order, final or not; nullopt when the cloid was never journaled.
  std::optional<Order> find_order(const std::string& cloid);

  // Runs `writes` (calls of the record_* functions above) as one transaction: all of them are
  // durable when batch returns, none if it throws. For the events of one decision, which are
  // then acted on together.
  void batch(const std::function<void()>& writes);

  JournalState load();
  // Every event of one order, oldest first (for `organism orders` and the tests).
  std::vector<std::pair<OrderUpdate, OrderState>> events_of(const std::string& cloid);
  // SQLite's integrity_check: "ok" or its first complaint.
  std::string integrity_check();
  const std::string& path() const;

 private:
  struct Impl;  // the connection and its prepared statements
  explicit Journal(std::unique_ptr<Impl> impl);
  void write_event(const Order& order, const Order& after, const OrderUpdate& update);
  bool write_fill(const exchange::client::Fill& fill);
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::exec
