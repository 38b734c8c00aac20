// Emergency flatten: cancel every open order of an account and close every position with
// reduce-only IOC orders, with no trading process needed (it may be dead). With a trading journal
// it first halts and closes the strategies' books through the journal (flatten_journal.hpp), then
// sweeps what is left straight through the exchange client. Used by `organism flatten`
// (src/cli/flatten_command.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "exchange/client/account_types.hpp"
#include "exchange/client/exchange_client.hpp"
#include "exchange/hyperliquid/signing.hpp"
#include "exec/flatten_journal.hpp"

namespace organism::exec {

struct FlattenOptions {
  std::string url{};          // the API's base URL (the CLI applies the network rules)
  bool mainnet = true;        // the signing chain
  bool real_network = false;  // the URL is a real network's (the CLI confirmed it): no loopback check
  // The trading journal: halted and flattened through first (empty: none, the sweep alone).
  std::string journal_path{};
  std::optional<exchange::hl::Address> account{};  // default: the key's own address
  std::vector<std::string> coins{};                // only these coins; empty: every coin
  // A closing order's worst price: this fraction beyond the mid (buy above, sell below), so the
  // IOC crosses the book yet cannot fill at an absurd price on a thin book.
  double collar = 0.05;
  int max_attempts = 5;  // cancel + close rounds before giving up
  core::TimeMs pause_ms = 500;  // between rounds, for fills and cancels to show in /info
};

struct FlattenClose {
  int attempt = 0;
  std::string coin;
  bool is_buy = false;
  exchange::client::Units size = 0;   // what was asked
  exchange::client::Units price = 0;  // the collar price
  std::string cloid;
  exchange::client::OrderOutcome outcome;
};

struct FlattenReport {
  std::string account;  // lower-case hex
  std::vector<exchange::client::OrderInfo> canceled;
  std::vector<std::string> cancel_errors;  // "COIN oid N: why"
  std::vector<FlattenClose> closes;
  std::vector<std::string> notes;  // anything skipped (no book to price a close on, ...)
  // After the last round: the positions and open orders left (of the chosen coins).
  std::vector<exchange::client::Position> positions;
  std::vector<exchange::client::OrderInfo> open_orders;
  int attempts = 0;
  std::optional<JournalFlattenReport> journal{};  // with a journal: what went through it
  bool flat() const { return positions.empty() && open_orders.empty(); }
};

// The cloid of a close: derived from ("flatten", coin, the flatten's start time, attempt) through
// cloid_of, so a round sent again is the same order, and two rounds or two runs never collide.
std::string flatten_cloid(const std::string& coin, core::TimeMs started, int attempt);

// With a journal, flatten_journal first (a core::Error there stops before the sweep). Then it
// cancels, closes and checks clearinghouseState again, up to max_attempts rounds, until flat with
// no open order. `progress` gets one line per action as it happens. Throws core::Error when the
// exchange cannot be reached at all; refused orders are reported, not thrown.
FlattenReport flatten_account(exchange::hl::PrivateKey key, const FlattenOptions& options,
                              const core::Clock& clock,
                              const std::function<void(const std::string&)>& progress = {});

}  // namespace organism::exec
