// POST /exchange: the signed envelope (PROTOCOL §5.1) and the modelled actions read by hl's wire
// parser, the signer recovered by hl::recover_request_signer (§7), nonces (§8), the account acted
// for, and the dispatch of each action to the engine with §5.2's replies.
#include <algorithm>
#include <array>
#include <limits>
#include <string_view>
#include <variant>

#include "exchange/sim_api/action_convert.hpp"
#include "exchange/sim_api/api_impl.hpp"
#include "exchange/sim_api/request_fields.hpp"

namespace organism::exchange::sim_api {

namespace {

// The text of an order refused by the "rejectOrders" fault (docs/exchange-sim.md).
constexpr const char* kRejectedByFault =
    "Order rejected: the simulator's rejectOrders fault is active.";

Reply err(const std::string& text) {
  return json_reply(Json{{"status", "err"}, {"response", text}});
}
Reply ok_default() {
  return json_reply(Json{{"status", "ok"}, {"response", Json{{"type", "default"}}}});
}
Reply ok_statuses(const char* type, Json statuses) {
  return json_reply(
      Json{{"status", "ok"},
           {"response", Json{{"type", type}, {"data", Json{{"statuses", std::move(statuses)}}}}}});
}

// L1 actions the exchange knows (PROTOCOL §5.8 and the SDKs) that the simulator does not model:
// they are signed and checked like any other, then answered below. The modelled ones are
// hl::L1Action; any other type is a 422.
bool known_unmodelled_l1_action(std::string_view type) {
  static constexpr std::array<std::string_view, 23> kKnown = {
      "topUpIsolatedOnlyMargin", "createSubAccount",  "subAccountTransfer",
      "subAccountSpotTransfer",  "vaultTransfer",     "setReferrer",
      "claimRewards",            "evmUserModify",     "twapOrder",
      "twapCancel",              "reserveRequestWeight", "createVault",
      "vaultModify",             "vaultDistribute",   "spotUser",
      "convertToMultiSigUser",   "multiSig",          "perpDeploy",
      "spotDeploy",              "registerReferrer",  "setDisplayName",
      "CValidatorAction",        "CSignerAction"};
  return std::find(kKnown.begin(), kKnown.end(), type) != kKnown.end();
}

Json order_status_json(const sim::OrderStatus& status) {
  using Kind = sim::OrderStatus::Kind;
  switch (status.kind) {
    case Kind::Resting: {
      Json resting{{"oid", status.oid}};
      if (status.cloid) resting["cloid"] = *status.cloid;
      return Json{{"resting", resting}};
    }
    case Kind::Filled: {
      Json filled{{"totalSz", wire_units(status.total_sz)},
                  {"avgPx", wire_number(status.avg_px)},
                  {"oid", status.oid}};
      if (status.cloid) filled["cloid"] = *status.cloid;
      return Json{{"filled", filled}};
    }
    case Kind::WaitingForFill:
      return "waitingForFill";
    case Kind::WaitingForTrigger:
      return "waitingForTrigger";
    case Kind::Error:
      break;
  }
  return Json{{"error", status.error}};
}

Json cancel_statuses(const std::vector<sim::CancelStatus>& statuses) {
  Json out = Json::array();
  for (const auto& s : statuses) out.push_back(s.ok ? Json("success") : Json{{"error", s.error}});
  return out;
}

// An asset id beyond meta.universe (spot and builder-dex ids included: the simulator lists none).
std::string unknown_asset(std::uint32_t asset) {
  return "Asset " + std::to_string(asset) + " does not exist.";
}

// The modelled actions for the account acted for, each answered as PROTOCOL §5.2 shows.
struct ActionHandler {
  SimApi::Impl& api;
  const hl::Address& account;
  TimeMs now;

  bool known(std::uint32_t asset) const { return asset < api.engine.assets().size(); }
  bool rejecting() const { return api.wall.now() < api.reject_orders_until; }

  Reply operator()(const hl::OrderAction& action) const {
    api.requests_used[account] += action.orders.size();
    Json statuses = Json::array();
    if (rejecting()) {
      for (std::size_t i = 0; i < action.orders.size(); ++i)
        statuses.push_back(Json{{"error", kRejectedByFault}});
      return ok_statuses("order", statuses);
    }
    // Orders for assets outside meta.universe never reach the engine; the rest keep their order.
    std::vector<sim::OrderRequest> placeable;
    for (const auto& o : action.orders) {
      if (known(o.asset)) placeable.push_back(to_order_request(o));
    }
    const auto placed = api.engine.place(account, placeable, to_grouping(action.grouping), now);
    if (placed.size() < placeable.size()) {  // a batch-wide pre-validation error: one status
      for (const auto& s : placed) statuses.push_back(order_status_json(s));
      return ok_statuses("order", statuses);
    }
    std::size_t next = 0;
    for (const auto& o : action.orders) {
      statuses.push_back(known(o.asset) ? order_status_json(placed[next++])
                                        : Json{{"error", unknown_asset(o.asset)}});
    }
    log_orders(placeable, placed);
    return ok_statuses("order", statuses);
  }
  // ApiOptions::order_log: one line per accepted order, written before the reply goes out.
  void log_orders(const std::vector<sim::OrderRequest>& requests,
                  const std::vector<sim::OrderStatus>& placed) const {
    if (!api.order_log) return;
    for (std::size_t i = 0; i < placed.size(); ++i) {
      const auto& s = placed[i];
      if (s.kind == sim::OrderStatus::Kind::Error) continue;
      const auto& r = requests[i];
      const Json line{{"time", now},
                      {"user", account.hex()},
                      {"oid", s.oid},
                      {"cloid", r.cloid ? Json(*r.cloid) : Json(nullptr)},
                      {"coin", api.engine.assets()[static_cast<std::size_t>(r.asset)].coin},
                      {"side", r.is_buy ? "B" : "A"},
                      {"px", r.px},
                      {"sz", r.sz},
                      {"status", s.kind == sim::OrderStatus::Kind::Filled ? "filled" : "resting"}};
      std::fputs((line.dump() + "\n").c_str(), api.order_log.get());
    }
    std::fflush(api.order_log.get());
  }
  template <class CancelsAction, class Cancel>
  Reply cancel(const CancelsAction& action, Cancel engine_cancel) const {
    api.requests_used[account] += action.cancels.size();
    for (const auto& c : action.cancels) {
      if (!known(c.asset)) return err(unknown_asset(c.asset));
    }
    return ok_statuses("cancel", cancel_statuses(engine_cancel(to_cancel_requests(action))));
  }
  Reply operator()(const hl::CancelAction& action) const {
    return cancel(action, [&](const auto& requests) {
      return api.engine.cancel(account, requests, now);
    });
  }
  Reply operator()(const hl::CancelByCloidAction& action) const {
    return cancel(action, [&](const auto& requests) {
      return api.engine.cancel_by_cloid(account, requests, now);
    });
  }
  Reply operator()(const hl::ModifyAction& action) const {
    return modify({hl::ModifyWire{action.oid, action.order}}, /*single=*/true);
  }
  Reply operator()(const hl::BatchModifyAction& action) const {
    return modify(action.modifies, /*single=*/false);
  }
  // The single form answers "default", or its error as a whole-request err; the batch per order.
  Reply modify(const std::vector<hl::ModifyWire>& modifies, bool single) const {
    api.requests_used[account] += modifies.size();
    for (const auto& m : modifies) {
      if (!known(m.order.asset)) return err(unknown_asset(m.order.asset));
    }
    if (rejecting()) {
      if (single) return err(kRejectedByFault);
      Json statuses = Json::array();
      for (std::size_t i = 0; i < modifies.size(); ++i)
        statuses.push_back(Json{{"error", kRejectedByFault}});
      return ok_statuses("batchModify", statuses);
    }
    std::vector<sim::ModifyRequest> requests;
    for (const auto& m : modifies) requests.push_back(to_modify_request(m.oid, m.order));
    const auto results = api.engine.modify(account, requests, now);
    if (single) {
      if (!results.empty() && results.front().kind == sim::OrderStatus::Kind::Error)
        return err(results.front().error);
      return ok_default();
    }
    Json statuses = Json::array();
    for (const auto& s : results) statuses.push_back(order_status_json(s));
    return ok_statuses("batchModify", statuses);
  }
  Reply operator()(const hl::UpdateLeverageAction& action) const {
    if (!known(action.asset)) return err(unknown_asset(action.asset));
    const std::string error =
        api.engine.update_leverage(account, static_cast<int>(action.asset), action.is_cross,
                                   static_cast<int>(std::min<std::uint32_t>(action.leverage, 1000)));
    return error.empty() ? ok_default() : err(error);
  }
  Reply operator()(const hl::UpdateIsolatedMarginAction& action) const {
    if (!known(action.asset)) return err(unknown_asset(action.asset));
    // isBuy is ignored by the exchange (PROTOCOL §5.6).
    const std::string error =
        api.engine.update_isolated_margin(account, static_cast<int>(action.asset), action.ntli);
    return error.empty() ? ok_default() : err(error);
  }
  Reply operator()(const hl::ScheduleCancelAction& action) const {
    std::optional<TimeMs> when;
    if (action.time) {
      when = static_cast<TimeMs>(
          std::min<std::uint64_t>(*action.time, std::numeric_limits<TimeMs>::max()));
    }
    // Checked against the wall clock, as the exchange does (and as nonces and expiresAfter are).
    const std::string error = api.engine.schedule_cancel(account, when, api.wall.now());
    return error.empty() ? ok_default() : err(error);
  }
  Reply operator()(const hl::NoopAction&) const { return ok_default(); }
};

}  // namespace

Reply SimApi::Impl::exchange(const Json& body) {
  // The exchange deserializes the whole body before it looks at the signature: a malformed
  // envelope or modelled action is the 422 (hl::WireError, sim_api.cpp) and spends no nonce.
  const hl::ExchangeRequest request = hl::parse_exchange_request(body);
  const Json& action = request.action;
  const std::string type = *hl::action_type(action);
  const auto user_type = hl::user_signed_type(type);
  std::optional<hl::L1Action> l1;
  if (hl::is_modelled_l1_action(type)) {
    l1 = hl::parse_l1_action(action);
  } else if (!user_type && !known_unmodelled_l1_action(type)) {
    throw BadRequest("unknown action type");
  }

  // User-signed actions by their EIP-712 type, L1 actions by the phantom agent over the action's
  // msgpack in the order received.
  const auto signer = hl::recover_request_signer(request, options.mainnet);
  if (!signer) {
    // No address recovers from it: the exchange names the one it derived; the simulator, having
    // none, names the zero address (docs/exchange-sim.md).
    return err("User or API Wallet " + hl::Address{}.hex() + " does not exist.");
  }
  if (user_type) {
    const std::string chain = action.value("hyperliquidChain", std::string());
    if (chain != (options.mainnet ? "Mainnet" : "Testnet"))
      return err("Invalid hyperliquidChain: " + chain);
    const char* nonce_field = action.contains("time") ? "time" : "nonce";
    if (uint_field(action, nonce_field) != request.nonce)
      return err("Nonce in action does not match the request nonce");
  }
  if (request.expires_after && static_cast<TimeMs>(*request.expires_after) < wall.now()) {
    return err("Action expired: expiresAfter " + std::to_string(*request.expires_after) +
               " is in the past");
  }
  if (const std::string nonce_error = nonces.accept(*signer, request.nonce, wall.now());
      !nonce_error.empty()) {
    return err(nonce_error);
  }

  // The account acted for: an agent acts for its master; every other signer is its own account,
  // opened with the starting balance the first time it signs (the rule, which is also why
  // a wrong key or a testnet signature acts on some other, empty account).
  const auto agent = agent_master.find(*signer);
  const hl::Address account = agent == agent_master.end() ? *signer : agent->second;
  if (request.vault_address) return err("Vault not registered: " + request.vault_address->hex());
  engine.ensure_account(account);
  if (l1) return std::visit(ActionHandler{*this, account, market.now()}, *l1);

  if (type == "approveAgent") {
    const auto agent_address = hl::Address::parse(string_field(action, "agentAddress"));
    if (!agent_address) throw BadRequest("bad agentAddress");
    if (agent != agent_master.end()) return err("Only the master account can approve an agent.");
    agent_master[*agent_address] = account;
    agent_name[*agent_address] = action.value("agentName", std::string());
    return ok_default();
  }
  if (type == "approveBuilderFee" || type == "setReferrer" || type == "evmUserModify" ||
      type == "reserveRequestWeight" || type == "claimRewards") {
    return ok_default();  // accepted; nothing the simulator models changes
  }
  // Known actions the simulator does not model: transfers, withdrawals, sub-accounts, vaults,
  // TWAP, staking, deploys. The exchange would move funds or create objects; the simulator says so.
  return err("Action " + type + " is not supported by the simulator.");
}

}  // namespace organism::exchange::sim_api
