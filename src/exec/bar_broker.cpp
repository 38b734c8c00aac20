#include "exec/bar_broker.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace organism::exec {
namespace {

// Every coin the loop trades, with szDecimals 8: sizes in 1e-8 are never rounded further.
exchange::hl::AssetDirectory directory_of(const std::vector<StrategySlot>& slots) {
  exchange::hl::Json universe = exchange::hl::Json::array();
  std::vector<std::string> seen;
  for (const auto& slot : slots) {
    for (const auto& coin : slot.coins) {
      if (std::find(seen.begin(), seen.end(), coin) != seen.end()) continue;
      seen.push_back(coin);
      universe.push_back({{"name", coin}, {"szDecimals", 8}, {"maxLeverage", 50}});
    }
  }
  return exchange::hl::AssetDirectory::from_meta({{"universe", universe}});
}

}  // namespace

BarBroker::BarBroker(bool funding) : funding_(funding) {}

void BarBroker::attach(TradingLoop& loop) {
  loop_ = &loop;
  assets_ = directory_of(loop.slots());
  loop.set_books_kept_by_broker(true);
}

std::vector<double> BarBroker::on_bars(core::TimeMs time,
                                       const std::map<std::string, BarBrokerBar>& bars) {
  if (loop_ == nullptr) throw core::Error("bar broker: no trading loop attached");
  now_ = time;
  auto& accounts = loop_->accounts();
  const auto& slots = loop_->slots();
  std::vector<double> equity;
  std::vector<data::Bar> legs;
  std::vector<double> rates;
  for (std::size_t s = 0; s < slots.size(); ++s) {
    auto& account = accounts[s];
    const auto& coins = slots[s].coins;
    legs.clear();
    rates.clear();
    for (const auto& coin : coins) {
      const auto it = bars.find(coin);
      if (it == bars.end())
        throw core::Error(fmt::format("bar broker: no {} bar at {}", coin, time));
      legs.push_back(it->second.bar);
      rates.push_back(std::isfinite(it->second.funding) ? it->second.funding : 0.0);
    }
    std::vector<double> before(coins.size()), fees_before(coins.size());
    for (std::size_t j = 0; j < coins.size(); ++j) {
      before[j] = account.position(j).units();
      fees_before[j] = account.position(j).fees();
    }
    equity.push_back(
        account.step(legs, funding_ ? std::span<const double>(rates) : std::span<const double>()));
    for (std::size_t j = 0; j < coins.size(); ++j) {
      const double delta = account.position(j).units() - before[j];
      // The order resting for this strategy and coin: filled when the leg traded, else canceled
      // (the Account did not act on it, e.g. a blocked re-entry after a stop).
      // The Account's fill rarely has the order's size (sized at the close, filled at the open):
      // at least the order's size fills it; less fills that much and cancels the rest, as an IOC
      // the book could not fill whole. Either way the order ends final.
      const Units filled = units_of(std::abs(delta));
      std::optional<std::string> cloid;
      for (auto& [id, order] : orders_) {
        if (order.status != "open" || order.strategy_id != slots[s].id ||
            order.info.coin != coins[j])
          continue;
        const bool same_side = delta != 0 && (delta > 0) == order.info.buy;
        order.status = same_side && filled >= order.info.orig_sz ? "filled" : "canceled";
        if (order.status == "canceled") ++canceled_;
        if (same_side) {
          cloid = id;
          order.info.sz = std::max<Units>(order.info.orig_sz - filled, 0);
        }
      }
      if (delta == 0) continue;
      Fill fill;
      fill.coin = coins[j];
      fill.buy = delta > 0;
      fill.sz = filled;
      fill.px = units_of(legs[j].open);
      fill.time = time;
      fill.start_position = units_of(before[j]);
      fill.fee = units_of(account.position(j).fees() - fees_before[j]);
      fill.crossed = true;
      fill.tid = next_tid_++;
      fill.cloid = cloid;
      if (cloid) fill.oid = orders_[*cloid].info.oid;
      fills_.push_back(std::move(fill));
    }
  }
  for (const auto& [coin, b] : bars) last_close_[coin] = b.bar.close;
  return equity;
}

double BarBroker::reference_price(const std::string& coin) {
  const auto it = last_close_.find(coin);
  return it == last_close_.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

std::vector<OrderOutcome> BarBroker::place(const std::vector<BrokerOrder>& orders) {
  std::vector<OrderOutcome> out;
  for (const auto& o : orders) {
    OrderOutcome outcome;
    if (!o.spec.cloid) {
      outcome.error = "bar broker: an order needs a cloid";
      out.push_back(outcome);
      continue;
    }
    KnownOrder known;
    known.info.coin = o.spec.coin;
    known.info.buy = o.spec.is_buy;
    known.info.limit_px = o.spec.px;
    known.info.sz = known.info.orig_sz = o.spec.sz;
    known.info.oid = next_oid_++;
    known.info.timestamp = now_;
    known.info.cloid = o.spec.cloid;
    known.strategy_id = o.strategy_id;
    known.status = "open";
    outcome.kind = OrderOutcome::Kind::resting;
    outcome.oid = known.info.oid;
    outcome.cloid = o.spec.cloid;
    orders_[*o.spec.cloid] = std::move(known);
    out.push_back(outcome);
  }
  return out;
}

std::vector<bool> BarBroker::cancel(const std::vector<exchange::client::CancelCloidRef>& orders) {
  std::vector<bool> out;
  for (const auto& ref : orders) {
    const auto it = orders_.find(ref.cloid);
    const bool open = it != orders_.end() && it->second.status == "open";
    if (open) it->second.status = "canceled";
    out.push_back(open);
  }
  return out;
}

std::optional<OrderStatusInfo> BarBroker::order_status(const std::string& cloid) {
  const auto it = orders_.find(cloid);
  if (it == orders_.end()) return std::nullopt;
  return OrderStatusInfo{it->second.info, it->second.status, now_};
}

std::vector<OrderInfo> BarBroker::open_orders() {
  std::vector<OrderInfo> out;
  for (const auto& [cloid, order] : orders_)
    if (order.status == "open") out.push_back(order.info);
  return out;
}

ClearinghouseState BarBroker::account() {
  // The account as one exchange account: positions summed over strategies, per coin.
  ClearinghouseState state;
  state.time = now_;
  if (loop_ == nullptr) return state;
  std::map<std::string, double> units;
  auto& accounts = loop_->accounts();
  const auto& slots = loop_->slots();
  for (std::size_t s = 0; s < slots.size(); ++s)
    for (std::size_t j = 0; j < slots[s].coins.size(); ++j)
      units[slots[s].coins[j]] += accounts[s].position(j).units();
  for (const auto& [coin, u] : units) {
    if (u == 0) continue;
    exchange::client::Position p;
    p.coin = coin;
    p.szi = units_of(u);
    state.positions.push_back(p);
  }
  return state;
}

std::vector<Fill> BarBroker::fills_since(core::TimeMs since) {
  std::vector<Fill> out;
  for (const auto& f : fills_)
    if (f.time >= since) out.push_back(f);
  return out;
}

std::vector<FundingPayment> BarBroker::funding_since(core::TimeMs) { return {}; }

}  // namespace organism::exec
