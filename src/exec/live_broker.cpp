#include "exec/live_broker.hpp"

#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "exchange/client/http_transport.hpp"

namespace organism::exec {
namespace {

// userFillsByTime answers at most this many fills per request (PROTOCOL §3.9).
constexpr std::size_t kFillsPerPage = 2000;

}  // namespace

void require_loopback_url(const std::string& url) {
  const exchange::client::BaseUrl base = exchange::client::parse_base_url(url);
  if (!exchange::client::is_loopback_host(base.host)) {
    throw core::UsageError(fmt::format(
        "{}: live trading is allowed only against the local simulator (loopback) without --network "
        "testnet|mainnet (explicit risk limits and a typed confirmation)",
        url));
  }
}

LiveBroker::LiveBroker(exchange::hl::PrivateKey key, LiveBrokerOptions options)
    : session_((options.real_network ? void() : require_loopback_url(options.url),
                std::make_shared<exchange::client::RestSession>(options.url, nullptr, options.session))),
      info_(session_) {
  user_ = options.account ? options.account->hex() : key.address().hex();
  exchange::client::ExchangeClientOptions client_options;
  client_options.mainnet = options.mainnet;
  client_options.expires_after_ms = options.expiry_ms;
  exchange_ = std::make_unique<exchange::client::ExchangeClient>(session_, std::move(key), info_.meta(),
                                                                 client_options);
}

double LiveBroker::reference_price(const std::string& coin) {
  const exchange::client::L2BookReply book = info_.l2_book(coin);
  if (ages_) ages_->saw(coin, book.time, clock_.now());
  if (book.bids.empty() || book.asks.empty()) return std::nan("");
  return (book.bids.front().price + book.asks.front().price) / 2;
}

std::vector<OrderOutcome> LiveBroker::place(const std::vector<BrokerOrder>& orders) {
  std::vector<exchange::client::OrderSpec> specs;
  specs.reserve(orders.size());
  for (const BrokerOrder& order : orders) specs.push_back(order.spec);
  return exchange_->place(specs);
}

std::vector<bool> LiveBroker::cancel(const std::vector<exchange::client::CancelCloidRef>& orders) {
  std::vector<bool> canceled;
  // A per-order error ("never placed, already canceled, or filled") is an answer: not open.
  for (const exchange::client::CancelOutcome& outcome : exchange_->cancel_by_cloid(orders)) {
    canceled.push_back(outcome.ok);
  }
  return canceled;
}

std::optional<OrderStatusInfo> LiveBroker::order_status(const std::string& cloid) {
  return info_.order_status_by_cloid(user_, cloid);
}

std::vector<OrderInfo> LiveBroker::open_orders() { return info_.open_orders(user_); }

ClearinghouseState LiveBroker::account() { return info_.clearinghouse_state(user_); }

std::vector<Fill> LiveBroker::fills_since(core::TimeMs since) {
  std::vector<Fill> fills;
  core::TimeMs from = since;
  for (;;) {
    std::vector<Fill> page = info_.user_fills_by_time(user_, from);
    const bool full = page.size() >= kFillsPerPage;
    // A page boundary inside one millisecond repeats its fills: the order manager drops tids it
    // has seen, and the next page starts at the last time, so none is skipped.
    for (Fill& fill : page) fills.push_back(std::move(fill));
    if (!full || fills.back().time <= from) break;
    from = fills.back().time;
  }
  return fills;
}

std::vector<FundingPayment> LiveBroker::funding_since(core::TimeMs since) {
  return info_.user_funding(user_, since);
}

}  // namespace organism::exec
