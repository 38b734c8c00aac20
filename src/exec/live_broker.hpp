// The broker of `organism trade`: orders signed with the agent key and sent to Hyperliquid's API
// (in this issue only `organism exchange-sim` on loopback), the account read back through /info.
// Used by the trade command and the order manager's live tests.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "exchange/client/exchange_client.hpp"
#include "exchange/client/info_client.hpp"
#include "exchange/client/rest_session.hpp"
#include "exec/book_age.hpp"
#include "exec/broker.hpp"

namespace organism::exec {

struct LiveBrokerOptions {
  std::string url{};  // the API's base URL: a loopback host unless real_network
  // Whose positions, orders and fills are read: the account the agent trades for. Default: the
  // key's own address (the key is the account's, or the simulator funds the agent itself).
  std::optional<exchange::hl::Address> account{};
  // Every action is signed with expiresAfter = now + expiry_ms: an action delayed past it is
  // dropped by the exchange, which is what lets the order manager call a lost order expired.
  // Must equal OrderManagerOptions::expiry_ms.
  core::TimeMs expiry_ms = 30'000;
  exchange::client::SessionOptions session{};  // timeouts and retries
  bool mainnet = true;                         // the signing chain (the simulator's --testnet: false)
  // The URL is a real network's (`trade --network`): no loopback check. The CLI decides it, after
  // the explicit risk limits and the typed confirmation.
  bool real_network = false;
};

class LiveBroker final : public Broker {
 public:
  // Reads meta (the lot and tick rules). A URL whose host is not loopback is a core::UsageError
  // unless options.real_network.
  LiveBroker(exchange::hl::PrivateKey key, LiveBrokerOptions options);

  core::TimeMs now() override { return clock_.now(); }
  const exchange::hl::AssetDirectory& assets() override { return exchange_->assets(); }
  // The l2Book mid; NaN when a side is empty. The book's time also goes to the BookAge set.
  double reference_price(const std::string& coin) override;
  // The books reference_price reads are the live session's book-age source (not owned; null:
  // none): the risk manager reads every coin's price each poll, so no request is added.
  void set_book_age(BookAge* ages) { ages_ = ages; }
  std::vector<OrderOutcome> place(const std::vector<BrokerOrder>& orders) override;
  std::vector<bool> cancel(const std::vector<exchange::client::CancelCloidRef>& orders) override;
  std::optional<OrderStatusInfo> order_status(const std::string& cloid) override;
  std::vector<OrderInfo> open_orders() override;
  ClearinghouseState account() override;
  std::vector<Fill> fills_since(core::TimeMs since) override;
  std::vector<FundingPayment> funding_since(core::TimeMs since) override;
  void schedule_cancel(std::optional<core::TimeMs> at) override { exchange_->schedule_cancel(at); }

  const std::string& account_address() const { return user_; }  // lower-case hex
  exchange::client::RestSession& session() { return *session_; }

 private:
  core::WallClock clock_;
  std::shared_ptr<exchange::client::RestSession> session_;
  exchange::client::InfoClient info_;
  std::unique_ptr<exchange::client::ExchangeClient> exchange_;
  std::string user_;
  BookAge* ages_ = nullptr;
};

// Refuses (core::UsageError) a URL whose host is not loopback: 127.0.0.0/8, ::1 or localhost.
void require_loopback_url(const std::string& url);

}  // namespace organism::exec
