// POST /exchange: the signed envelope (PROTOCOL §5.1), signer recovery (§7), nonces (§8), the
// account acted for, and the dispatch of each action type to the engine with §5.2's replies.
#include <algorithm>

#include "exchange/hyperliquid/decimal.hpp"
#include "exchange/sim_api/action_parse.hpp"
#include "exchange/sim_api/api_impl.hpp"

namespace organism::exchange::sim_api {

namespace {

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

// L1 actions the exchange knows (PROTOCOL §5.3-5.8 and the SDKs); anything else is a 422.
bool known_l1_action(const std::string& type) {
  static const char* const kKnown[] = {"order",
                                       "cancel",
                                       "cancelByCloid",
                                       "modify",
                                       "batchModify",
                                       "updateLeverage",
                                       "updateIsolatedMargin",
                                       "topUpIsolatedOnlyMargin",
                                       "scheduleCancel",
                                       "noop",
                                       "createSubAccount",
                                       "subAccountTransfer",
                                       "subAccountSpotTransfer",
                                       "vaultTransfer",
                                       "setReferrer",
                                       "claimRewards",
                                       "evmUserModify",
                                       "twapOrder",
                                       "twapCancel",
                                       "reserveRequestWeight",
                                       "createVault",
                                       "vaultModify",
                                       "vaultDistribute",
                                       "spotUser",
                                       "convertToMultiSigUser",
                                       "multiSig",
                                       "perpDeploy",
                                       "spotDeploy",
                                       "registerReferrer",
                                       "setDisplayName",
                                       "CValidatorAction",
                                       "CSignerAction"};
  return std::any_of(std::begin(kKnown), std::end(kKnown),
                     [&](const char* k) { return type == k; });
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

std::optional<std::uint64_t> optional_uint(const Json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  return uint_field(body, name);
}

// An asset id beyond meta.universe (spot and builder-dex ids included: the simulator lists none).
std::string unknown_asset(int asset) {
  return "Asset " + std::to_string(asset) + " does not exist.";
}

}  // namespace

// The text of an order refused by the "rejectOrders" fault (docs/exchange-sim.md).
constexpr const char* kRejectedByFault =
    "Order rejected: the simulator's rejectOrders fault is active.";

Reply SimApi::Impl::exchange(const Json& body) {
  if (!body.is_object()) throw BadRequest("not an object");
  const Json& action = field(body, "action");
  const std::string type = string_field(action, "type");
  const std::uint64_t nonce = uint_field(body, "nonce");
  const auto signature = hl::Signature::from_json(field(body, "signature"));
  if (!signature) throw BadRequest("bad signature");
  std::optional<hl::Address> vault;
  if (const auto it = body.find("vaultAddress"); it != body.end() && !it->is_null()) {
    vault = hl::Address::parse(it->is_string() ? it->get<std::string>() : std::string());
    if (!vault) throw BadRequest("bad vaultAddress");
  }
  const auto expires_after = optional_uint(body, "expiresAfter");

  // The digest the client signed: user-signed actions by their EIP-712 type, L1 actions by the
  // phantom agent over the action's msgpack in the order received.
  const auto user_type = hl::user_signed_type(type);
  if (!user_type && !known_l1_action(type)) throw BadRequest("unknown action type");
  hl::Bytes32 digest{};
  try {
    digest = user_type ? hl::user_signed_digest(action, *user_type)
                       : hl::l1_digest(hl::l1_connection_id(action, nonce, vault, expires_after),
                                       options.mainnet);
  } catch (const std::invalid_argument& e) {
    throw BadRequest(e.what());
  }
  const auto signer = hl::recover_signer(digest, *signature);
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
    if (uint_field(action, nonce_field) != nonce)
      return err("Nonce in action does not match the request nonce");
  }
  if (expires_after && static_cast<TimeMs>(*expires_after) < wall.now()) {
    return err("Action expired: expiresAfter " + std::to_string(*expires_after) +
               " is in the past");
  }
  if (const std::string nonce_error = nonces.accept(*signer, nonce, wall.now());
      !nonce_error.empty()) {
    return err(nonce_error);
  }

  // The account acted for: an agent acts for its master; every other signer is its own account,
  // opened with the starting balance the first time it signs (the rule, which is also why
  // a wrong key or a testnet signature acts on some other, empty account).
  const auto agent = agent_master.find(*signer);
  const hl::Address account = agent == agent_master.end() ? *signer : agent->second;
  if (vault) return err("Vault not registered: " + vault->hex());
  engine.ensure_account(account);
  const TimeMs now = market.now();

  if (type == "approveAgent") {
    const auto agent_address = hl::Address::parse(string_field(action, "agentAddress"));
    if (!agent_address) throw BadRequest("bad agentAddress");
    if (agent != agent_master.end()) return err("Only the master account can approve an agent.");
    agent_master[*agent_address] = account;
    agent_name[*agent_address] = action.value("agentName", std::string());
    return ok_default();
  }
  if (type == "approveBuilderFee" || type == "setReferrer" || type == "noop" ||
      type == "evmUserModify" || type == "reserveRequestWeight" || type == "claimRewards") {
    return ok_default();  // accepted; nothing the simulator models changes
  }
  if (type == "order") {
    const Json& wires = field(action, "orders");
    if (!wires.is_array()) throw BadRequest("orders is not an array");
    std::vector<sim::OrderRequest> orders;
    for (const auto& wire : wires) orders.push_back(parse_order_wire(wire));
    const auto grouping = parse_grouping(field(action, "grouping"));
    requests_used[account] += orders.size();
    Json statuses = Json::array();
    if (wall.now() < reject_orders_until) {
      for (std::size_t i = 0; i < orders.size(); ++i)
        statuses.push_back(Json{{"error", kRejectedByFault}});
      return ok_statuses("order", statuses);
    }
    // Orders for assets outside meta.universe never reach the engine; the rest keep their order.
    std::vector<sim::OrderRequest> known;
    for (const auto& o : orders) {
      if (valid_asset(o.asset)) known.push_back(o);
    }
    const auto placed = engine.place(account, known, grouping, now);
    if (placed.size() < known.size()) {  // a batch-wide pre-validation error: one status
      for (const auto& s : placed) statuses.push_back(order_status_json(s));
      return ok_statuses("order", statuses);
    }
    std::size_t next = 0;
    for (const auto& o : orders) {
      statuses.push_back(valid_asset(o.asset) ? order_status_json(placed[next++])
                                              : Json{{"error", unknown_asset(o.asset)}});
    }
    return ok_statuses("order", statuses);
  }
  if (type == "cancel") {
    const auto cancels = parse_cancels(action);
    requests_used[account] += cancels.size();
    for (const auto& c : cancels) {
      if (!valid_asset(c.asset)) return err(unknown_asset(c.asset));
    }
    return ok_statuses("cancel", cancel_statuses(engine.cancel(account, cancels, now)));
  }
  if (type == "cancelByCloid") {
    const auto cancels = parse_cancels_by_cloid(action);
    requests_used[account] += cancels.size();
    for (const auto& c : cancels) {
      if (!valid_asset(c.asset)) return err(unknown_asset(c.asset));
    }
    return ok_statuses("cancel", cancel_statuses(engine.cancel_by_cloid(account, cancels, now)));
  }
  if (type == "modify" || type == "batchModify") {
    std::vector<sim::ModifyRequest> modifies;
    if (type == "modify") {
      modifies.push_back(parse_modify(action));
    } else {
      const Json& list = field(action, "modifies");
      if (!list.is_array()) throw BadRequest("modifies is not an array");
      for (const auto& m : list) modifies.push_back(parse_modify(m));
    }
    requests_used[account] += modifies.size();
    for (const auto& m : modifies) {
      if (!valid_asset(m.order.asset)) return err(unknown_asset(m.order.asset));
    }
    if (wall.now() < reject_orders_until) {
      if (type == "modify") return err(kRejectedByFault);
      Json statuses = Json::array();
      for (std::size_t i = 0; i < modifies.size(); ++i)
        statuses.push_back(Json{{"error", kRejectedByFault}});
      return ok_statuses("batchModify", statuses);
    }
    const auto results = engine.modify(account, modifies, now);
    if (type ==
        "modify") {  // the single form answers "default", or the error as a whole-request err
      if (!results.empty() && results.front().kind == sim::OrderStatus::Kind::Error)
        return err(results.front().error);
      return ok_default();
    }
    Json statuses = Json::array();
    for (const auto& s : results) statuses.push_back(order_status_json(s));
    return ok_statuses("batchModify", statuses);
  }
  if (type == "updateLeverage") {
    const auto asset =
        static_cast<int>(std::min<std::uint64_t>(uint_field(action, "asset"), INT32_MAX));
    if (!valid_asset(asset)) return err(unknown_asset(asset));
    const bool cross = bool_field(action, "isCross");
    const auto leverage = uint_field(action, "leverage");
    const std::string error = engine.update_leverage(
        account, asset, cross, static_cast<int>(std::min<std::uint64_t>(leverage, 1000)));
    return error.empty() ? ok_default() : err(error);
  }
  if (type == "updateIsolatedMargin") {
    const auto asset =
        static_cast<int>(std::min<std::uint64_t>(uint_field(action, "asset"), INT32_MAX));
    if (!valid_asset(asset)) return err(unknown_asset(asset));
    (void)bool_field(action, "isBuy");  // ignored by the exchange (PROTOCOL §5.6)
    const std::string error =
        engine.update_isolated_margin(account, asset, int_field(action, "ntli"));
    return error.empty() ? ok_default() : err(error);
  }
  if (type == "scheduleCancel") {
    const auto when = optional_uint(action, "time");
    const std::string error = engine.schedule_cancel(
        account, when ? std::optional<TimeMs>(static_cast<TimeMs>(*when)) : std::nullopt, now);
    return error.empty() ? ok_default() : err(error);
  }
  // Known actions the simulator does not model: transfers, withdrawals, sub-accounts, vaults,
  // TWAP, staking, deploys. The exchange would move funds or create objects; the simulator says so.
  return err("Action " + type + " is not supported by the simulator.");
}

}  // namespace organism::exchange::sim_api
