#include "exec/flatten.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "exchange/client/info_client.hpp"
#include "exchange/client/rest_session.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exec/live_broker.hpp"
#include "exec/order.hpp"

namespace organism::exec {
namespace {

namespace client = exchange::client;

bool chosen(const FlattenOptions& o, const std::string& coin) {
  return o.coins.empty() || std::find(o.coins.begin(), o.coins.end(), coin) != o.coins.end();
}

std::vector<client::OrderInfo> open_orders_of(client::InfoClient& info, const std::string& user,
                                              const FlattenOptions& o) {
  auto orders = info.open_orders(user);
  std::erase_if(orders, [&](const client::OrderInfo& order) { return !chosen(o, order.coin); });
  return orders;
}

std::vector<client::Position> positions_of(client::InfoClient& info, const std::string& user,
                                           const FlattenOptions& o) {
  auto positions = info.clearinghouse_state(user).positions;
  std::erase_if(positions, [&](const client::Position& p) { return p.szi == 0 || !chosen(o, p.coin); });
  return positions;
}

}  // namespace

std::string flatten_cloid(const std::string& coin, core::TimeMs started, int attempt) {
  OrderIntent identity;
  identity.strategy_id = "flatten";
  identity.coin = coin;
  identity.bar_time = started;
  identity.sequence = static_cast<std::uint32_t>(attempt);
  return cloid_of(identity);
}

FlattenReport flatten_account(exchange::hl::PrivateKey key, const FlattenOptions& o,
                              const core::Clock& clock,
                              const std::function<void(const std::string&)>& progress) {
  if (!(o.collar > 0 && o.collar < 1)) throw core::UsageError("flatten: the collar must be in (0, 1)");
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  FlattenReport report;
  if (!o.journal_path.empty()) {
    LiveBrokerOptions live;
    live.url = o.url;
    live.account = o.account;
    live.mainnet = o.mainnet;
    live.real_network = o.real_network;
    LiveBroker broker(key, live);
    JournalFlattenOptions jo;
    jo.journal_path = o.journal_path;
    jo.pause_ms = o.pause_ms;
    jo.max_attempts = o.max_attempts;
    jo.coins = o.coins;
    jo.orders.collar = o.collar;
    report.journal = flatten_journal(jo, broker, progress);
  }
  auto session = std::make_shared<client::RestSession>(o.url, nullptr);
  client::InfoClient info(session);
  client::ExchangeClientOptions client_options;
  client_options.mainnet = o.mainnet;
  client::ExchangeClient exchange(session, std::move(key), info.meta(), client_options);

  report.account = o.account ? o.account->hex() : exchange.address().hex();
  const std::string& user = report.account;
  const core::TimeMs started = clock.now();

  for (int attempt = 0; attempt < o.max_attempts; ++attempt) {
    // Orders first: a resting order could otherwise reopen what the closes flatten.
    const auto open = open_orders_of(info, user, o);
    if (!open.empty()) {
      std::vector<client::CancelRef> refs;
      for (const auto& order : open) refs.push_back({order.coin, order.oid});
      const auto outcomes = exchange.cancel(refs);
      for (std::size_t i = 0; i < open.size() && i < outcomes.size(); ++i) {
        if (outcomes[i].ok) {
          report.canceled.push_back(open[i]);
          say(fmt::format("canceled {} {} {} @ {} (oid {})", open[i].coin, open[i].buy ? "buy" : "sell",
                          exchange::hl::format_units(open[i].sz), exchange::hl::format_units(open[i].limit_px),
                          open[i].oid));
        } else {
          // Filled or canceled meanwhile: the next round sees what is left.
          report.cancel_errors.push_back(fmt::format("{} oid {}: {}", open[i].coin, open[i].oid, outcomes[i].error));
        }
      }
    }
    const auto positions = positions_of(info, user, o);
    if (positions.empty() && open.empty()) break;
    report.attempts = attempt + 1;

    std::vector<client::OrderSpec> closes;
    std::vector<FlattenClose> records;
    for (const auto& position : positions) {
      const auto book = info.l2_book(position.coin);
      if (book.bids.empty() || book.asks.empty()) {
        report.notes.push_back(fmt::format("round {}: {} has no two-sided book to price a close on", attempt + 1,
                                           position.coin));
        continue;
      }
      const double mid = (book.bids.front().price + book.asks.front().price) / 2;
      FlattenClose close;
      close.attempt = attempt + 1;
      close.coin = position.coin;
      close.is_buy = position.szi < 0;
      close.size = position.szi < 0 ? -position.szi : position.szi;
      close.price = exchange.price(position.coin, close.is_buy ? mid * (1 + o.collar) : mid * (1 - o.collar));
      close.cloid = flatten_cloid(position.coin, started, attempt);
      closes.push_back(client::OrderSpec{.coin = close.coin,
                                         .is_buy = close.is_buy,
                                         .px = close.price,
                                         .sz = close.size,
                                         .reduce_only = true,
                                         .tif = exchange::hl::WireTif::Ioc,
                                         .cloid = close.cloid});
      records.push_back(std::move(close));
    }
    if (!closes.empty()) {
      const auto outcomes = exchange.place(closes);
      for (std::size_t i = 0; i < records.size() && i < outcomes.size(); ++i) {
        records[i].outcome = outcomes[i];
        const auto& r = records[i];
        say(r.outcome.kind == client::OrderOutcome::Kind::filled
                ? fmt::format("closed {} {} {} at {} (reduce-only IOC, limit {})", r.coin, r.is_buy ? "buy" : "sell",
                              exchange::hl::format_units(r.outcome.total_sz),
                              exchange::hl::format_units(r.outcome.avg_px), exchange::hl::format_units(r.price))
                : fmt::format("close {} {} {} not filled: {}", r.coin, r.is_buy ? "buy" : "sell",
                              exchange::hl::format_units(r.size),
                              r.outcome.ok() ? "no liquidity inside the collar" : r.outcome.error));
        report.closes.push_back(r);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(o.pause_ms));
  }
  report.positions = positions_of(info, user, o);
  report.open_orders = open_orders_of(info, user, o);
  return report;
}

}  // namespace organism::exec
