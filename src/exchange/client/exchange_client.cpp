// Each call: checked locally, built as hl's typed action, signed with a fresh nonce, posted
// through RestSession::action (which re-sends the same signed body only when no byte of a reply
// came back), and its reply read into typed outcomes. Errors are sorted into "refused, not
// applied" and "unknown whether applied" (PROTOCOL §9: the caller then asks orderStatus by cloid).
#include "exchange/client/exchange_client.hpp"

#include <fmt/format.h>

#include <cmath>

#include "core/json_input.hpp"
#include "exchange/hyperliquid/decimal.hpp"

namespace organism::exchange::client {

namespace {

// "Order must have minimum value of $10." (PROTOCOL §11): checked before signing, so a doomed
// order costs neither a nonce nor a request of the address budget.
constexpr std::int64_t kMinOrderUsd = 10;

Units units_of_double(double x) { return std::llround(x * static_cast<double>(hl::kUnitsPerOne)); }

std::string reply_text(const Json& reply) { return core::quoted_text(reply.dump(), 200); }

Units units_field(const Json& item, const char* field, const std::string& what) {
  const auto it = item.find(field);
  std::optional<std::int64_t> parsed;
  if (it != item.end() && it->is_string())
    parsed = hl::parse_units(it->get_ref<const std::string&>());
  if (!parsed)
    throw ActionOutcomeUnknown(
        fmt::format("{}: reply field '{}' is not a decimal: {}", what, field, reply_text(item)));
  return *parsed;
}

std::uint64_t oid_field(const Json& item, const std::string& what) {
  const auto it = item.find("oid");
  if (it == item.end() || !it->is_number_unsigned()) {
    throw ActionOutcomeUnknown(fmt::format("{}: reply without an oid: {}", what, reply_text(item)));
  }
  return it->get<std::uint64_t>();
}

std::optional<std::string> echoed_cloid(const Json& item) {
  const auto it = item.find("cloid");
  if (it == item.end() || !it->is_string()) return std::nullopt;
  return hl::parse_cloid(it->get_ref<const std::string&>());
}

OrderOutcome parse_order_outcome(const Json& status, const std::string& what) {
  OrderOutcome out;
  if (status.is_string()) {
    const auto& text = status.get_ref<const std::string&>();
    if (text == "waitingForFill")
      out.kind = OrderOutcome::Kind::waiting_for_fill;
    else if (text == "waitingForTrigger")
      out.kind = OrderOutcome::Kind::waiting_for_trigger;
    else
      throw ActionOutcomeUnknown(
          fmt::format("{}: unknown order status {}", what, reply_text(status)));
    return out;
  }
  if (status.is_object() && status.size() == 1) {
    const auto& [key, value] = *status.items().begin();
    if (key == "error" && value.is_string()) {
      out.error = value.get<std::string>();
      return out;
    }
    if (key == "resting" && value.is_object()) {
      out.kind = OrderOutcome::Kind::resting;
      out.oid = oid_field(value, what);
      out.cloid = echoed_cloid(value);
      return out;
    }
    if (key == "filled" && value.is_object()) {
      out.kind = OrderOutcome::Kind::filled;
      out.oid = oid_field(value, what);
      out.cloid = echoed_cloid(value);
      out.total_sz = units_field(value, "totalSz", what);
      out.avg_px = units_field(value, "avgPx", what);
      return out;
    }
  }
  throw ActionOutcomeUnknown(fmt::format("{}: unknown order status {}", what, reply_text(status)));
}

// response.data.statuses, checked to be an array.
const Json& statuses_of(const Json& response, const std::string& what) {
  if (response.is_object()) {
    const auto data = response.find("data");
    if (data != response.end() && data->is_object()) {
      const auto statuses = data->find("statuses");
      if (statuses != data->end() && statuses->is_array()) return *statuses;
    }
  }
  throw ActionOutcomeUnknown(
      fmt::format("{}: reply without statuses: {}", what, reply_text(response)));
}

}  // namespace

hl::Int128 notional_units(Units px, Units sz) {
  return static_cast<hl::Int128>(px) * static_cast<hl::Int128>(sz) / hl::kUnitsPerOne;
}

ExchangeClient::ExchangeClient(std::shared_ptr<RestSession> session, hl::PrivateKey key,
                               hl::AssetDirectory assets, ExchangeClientOptions options,
                               std::shared_ptr<NonceSource> nonces)
    : session_(std::move(session)),
      key_(std::move(key)),
      assets_(std::move(assets)),
      options_(std::move(options)),
      nonces_(nonces ? std::move(nonces) : std::make_shared<NonceSource>()) {}

const hl::AssetInfo& ExchangeClient::asset(const std::string& coin) const {
  const auto* info = assets_.by_coin(coin);
  if (!info) throw InvalidOrder(fmt::format("unknown coin '{}': not in the exchange's meta", coin));
  return *info;
}

Units ExchangeClient::price(const std::string& coin, double px) const {
  const auto& info = asset(coin);
  return units_of_double(hl::round_price(px, info.sz_decimals, info.perp));
}

Units ExchangeClient::size(const std::string& coin, double sz) const {
  return units_of_double(hl::round_size(sz, asset(coin).sz_decimals));
}

hl::OrderWire ExchangeClient::wire_of(const OrderSpec& order) const {
  const auto& info = asset(order.coin);
  const std::string side = order.is_buy ? "buy" : "sell";
  if (order.px <= 0 || order.sz <= 0) {
    throw InvalidOrder(fmt::format("{} {} {} at {}: price and size must be positive", side,
                                   hl::format_units(order.sz), order.coin,
                                   hl::format_units(order.px)));
  }
  if (notional_units(order.px, order.sz) <
      static_cast<hl::Int128>(kMinOrderUsd) * hl::kUnitsPerOne) {
    throw InvalidOrder(fmt::format(
        "{} {} {} at {}: order value under the exchange's ${} minimum (not sent)", side,
        hl::format_units(order.sz), order.coin, hl::format_units(order.px), kMinOrderUsd));
  }
  hl::OrderWire wire;
  wire.asset = info.asset;
  wire.is_buy = order.is_buy;
  wire.px = hl::WireDecimal::of_units(order.px);
  wire.sz = hl::WireDecimal::of_units(order.sz);
  wire.reduce_only = order.reduce_only;
  if (order.trigger) {
    if (order.trigger->trigger_px <= 0)
      throw InvalidOrder(fmt::format("{} trigger: trigger price must be positive", order.coin));
    wire.type = hl::TriggerWire{order.trigger->is_market,
                                hl::WireDecimal::of_units(order.trigger->trigger_px),
                                order.trigger->take_profit};
  } else {
    wire.type = hl::LimitWire{order.tif};
  }
  if (order.cloid) {
    wire.cloid = hl::parse_cloid(*order.cloid);
    if (!wire.cloid)
      throw InvalidOrder(
          fmt::format("{}: cloid '{}' is not 0x and 32 hex digits", order.coin, *order.cloid));
  }
  return wire;
}

Json ExchangeClient::submit(const Json& action, std::size_t batch, const std::string& what) {
  const std::uint64_t nonce = nonces_->next();
  const bool user_signed = hl::user_signed_type(action.value("type", std::string())).has_value();
  std::optional<std::uint64_t> expires;
  if (options_.expires_after_ms && !user_signed) {
    expires = static_cast<std::uint64_t>(
        std::max<core::TimeMs>(static_cast<core::TimeMs>(nonce) + *options_.expires_after_ms, 0));
  }
  Json signed_action = action;
  if (user_signed) signed_action["nonce"] = nonce;  // the action's nonce must equal the request's
  const auto request = hl::sign_request(signed_action, nonce, options_.mainnet, key_,
                                        user_signed ? std::nullopt : options_.vault, expires);
  Json reply;
  try {
    reply = session_->action(hl::to_json(request).dump(), batch, what);
  } catch (const HttpStatusError& e) {
    if (e.status() == 429 || e.status() >= 500) throw ActionOutcomeUnknown(e.what());
    throw ActionRefused(e.what());  // 4xx: the body was not accepted, nothing applied
  } catch (const core::Error& e) {
    throw ActionOutcomeUnknown(
        e.what());  // transport failure after sending, or an unreadable reply
  }
  const std::string status =
      reply.is_object() ? reply.value("status", std::string()) : std::string();
  if (status == "err") {
    const auto response = reply.find("response");
    const std::string text = response != reply.end() && response->is_string()
                                 ? response->get<std::string>()
                                 : reply.dump();
    throw ActionRefused(fmt::format("{}: refused by the exchange: {}", what, text));
  }
  if (status != "ok" || !reply.contains("response")) {
    throw ActionOutcomeUnknown(fmt::format("{}: unexpected reply {}", what, reply_text(reply)));
  }
  return reply["response"];
}

std::vector<OrderOutcome> ExchangeClient::order_outcomes(const Json& response, std::size_t count,
                                                         const std::string& what) const {
  const Json& statuses = statuses_of(response, what);
  std::vector<OrderOutcome> out;
  for (const auto& status : statuses) out.push_back(parse_order_outcome(status, what));
  // A pre-validation failure answers one error for the whole batch (PROTOCOL §5.2).
  if (out.size() == 1 && count > 1 && out.front().kind == OrderOutcome::Kind::error)
    out.resize(count, out.front());
  if (out.size() != count) {
    throw ActionOutcomeUnknown(fmt::format("{}: {} statuses for {} orders: {}", what, out.size(),
                                           count, reply_text(statuses)));
  }
  return out;
}

std::vector<CancelOutcome> ExchangeClient::cancel_outcomes(const Json& response, std::size_t count,
                                                           const std::string& what) const {
  const Json& statuses = statuses_of(response, what);
  std::vector<CancelOutcome> out;
  for (const auto& status : statuses) {
    if (status.is_string() && status.get_ref<const std::string&>() == "success") {
      out.push_back({true, ""});
    } else if (status.is_object() && status.contains("error") && status["error"].is_string()) {
      out.push_back({false, status["error"].get<std::string>()});
    } else {
      throw ActionOutcomeUnknown(
          fmt::format("{}: unknown cancel status {}", what, reply_text(status)));
    }
  }
  if (out.size() != count) {
    throw ActionOutcomeUnknown(
        fmt::format("{}: {} statuses for {} cancels", what, out.size(), count));
  }
  return out;
}

std::vector<OrderOutcome> ExchangeClient::place(const std::vector<OrderSpec>& orders,
                                                hl::Grouping grouping) {
  if (orders.empty()) return {};
  hl::OrderAction action;
  action.grouping = grouping;
  for (const auto& order : orders) action.orders.push_back(wire_of(order));
  const std::string what = fmt::format("order ({} orders)", orders.size());
  return order_outcomes(submit(hl::to_json(hl::L1Action{action}), orders.size(), what),
                        orders.size(), what);
}

std::vector<CancelOutcome> ExchangeClient::cancel(const std::vector<CancelRef>& cancels) {
  if (cancels.empty()) return {};
  hl::CancelAction action;
  for (const auto& c : cancels) action.cancels.push_back({asset(c.coin).asset, c.oid});
  const std::string what = fmt::format("cancel ({} orders)", cancels.size());
  return cancel_outcomes(submit(hl::to_json(hl::L1Action{action}), cancels.size(), what),
                         cancels.size(), what);
}

std::vector<CancelOutcome> ExchangeClient::cancel_by_cloid(
    const std::vector<CancelCloidRef>& cancels) {
  if (cancels.empty()) return {};
  hl::CancelByCloidAction action;
  for (const auto& c : cancels) {
    const auto cloid = hl::parse_cloid(c.cloid);
    if (!cloid)
      throw InvalidOrder(
          fmt::format("cancelByCloid {}: '{}' is not 0x and 32 hex digits", c.coin, c.cloid));
    action.cancels.push_back({asset(c.coin).asset, *cloid});
  }
  const std::string what = fmt::format("cancelByCloid ({} orders)", cancels.size());
  return cancel_outcomes(submit(hl::to_json(hl::L1Action{action}), cancels.size(), what),
                         cancels.size(), what);
}

void ExchangeClient::modify(const ModifySpec& modify) {
  const hl::ModifyAction action{modify.order, wire_of(modify.replacement)};
  submit(hl::to_json(hl::L1Action{action}), 1, "modify");
}

std::vector<OrderOutcome> ExchangeClient::batch_modify(const std::vector<ModifySpec>& modifies) {
  if (modifies.empty()) return {};
  hl::BatchModifyAction action;
  for (const auto& m : modifies) action.modifies.push_back({m.order, wire_of(m.replacement)});
  const std::string what = fmt::format("batchModify ({} orders)", modifies.size());
  return order_outcomes(submit(hl::to_json(hl::L1Action{action}), modifies.size(), what),
                        modifies.size(), what);
}

void ExchangeClient::schedule_cancel(std::optional<core::TimeMs> time) {
  hl::ScheduleCancelAction action;
  if (time) action.time = static_cast<std::uint64_t>(std::max<core::TimeMs>(*time, 0));
  submit(hl::to_json(hl::L1Action{action}), 1, "scheduleCancel");
}

void ExchangeClient::update_leverage(const std::string& coin, bool cross, int leverage) {
  if (leverage < 1)
    throw InvalidOrder(fmt::format("updateLeverage {}: leverage {} is under 1", coin, leverage));
  const hl::UpdateLeverageAction action{asset(coin).asset, cross,
                                        static_cast<std::uint32_t>(leverage)};
  submit(hl::to_json(hl::L1Action{action}), 1, fmt::format("updateLeverage {}", coin));
}

void ExchangeClient::update_isolated_margin(const std::string& coin, std::int64_t usd_micros) {
  const hl::UpdateIsolatedMarginAction action{asset(coin).asset, true,
                                              usd_micros};  // isBuy is ignored (§5.6)
  submit(hl::to_json(hl::L1Action{action}), 1, fmt::format("updateIsolatedMargin {}", coin));
}

void ExchangeClient::noop() { submit(hl::to_json(hl::L1Action{hl::NoopAction{}}), 1, "noop"); }

void ExchangeClient::approve_agent(const hl::Address& agent, const std::string& name) {
  Json action{{"type", "approveAgent"},
              {"signatureChainId", "0x66eee"},  // the Python SDK's; any EVM chain id signs
              {"hyperliquidChain", options_.mainnet ? "Mainnet" : "Testnet"},
              {"agentAddress", agent.hex()}};
  if (!name.empty()) action["agentName"] = name;
  action["nonce"] = 0;  // set by submit to the request's nonce
  submit(action, 1, "approveAgent");
}

}  // namespace organism::exchange::client
