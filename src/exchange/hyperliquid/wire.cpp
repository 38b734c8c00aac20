// The modelled L1 actions: strict parse from JSON and JSON out in the documented key order
// (PROTOCOL §5.3–5.7), which is the order their msgpack is hashed in.
#include "exchange/hyperliquid/wire.hpp"

#include <array>

#include "exchange/hyperliquid/wire_fields.hpp"

namespace organism::exchange::hl {
namespace {

using namespace wire_fields;

constexpr std::array<std::string_view, 9> kModelledTypes = {
    "order",       "cancel",         "cancelByCloid",        "modify",
    "batchModify", "updateLeverage", "updateIsolatedMargin", "scheduleCancel",
    "noop"};

std::string numbered(std::string_view what, std::size_t k) {
  return std::string(what) + " " + std::to_string(k);
}

std::variant<LimitWire, TriggerWire> parse_order_type(const Json& t, std::string_view where) {
  as_object(t, "t", where);
  const Json* limit = optional(t, "limit");
  const Json* trigger = optional(t, "trigger");
  if ((limit != nullptr) == (trigger != nullptr)) fail(where, "t", "{limit} or {trigger}");
  if (limit != nullptr) {
    as_object(*limit, "t.limit", where);
    const std::string& tif = as_string(required(*limit, "tif", where), "t.limit.tif", where);
    if (tif == "Gtc") return LimitWire{WireTif::Gtc};
    if (tif == "Ioc") return LimitWire{WireTif::Ioc};
    if (tif == "Alo") return LimitWire{WireTif::Alo};
    fail(where, "t.limit.tif", "Gtc, Ioc or Alo");
  }
  as_object(*trigger, "t.trigger", where);
  TriggerWire out;
  out.is_market = as_bool(required(*trigger, "isMarket", where), "t.trigger.isMarket", where);
  out.trigger_px = as_decimal(required(*trigger, "triggerPx", where), "t.trigger.triggerPx", where);
  const std::string& tpsl = as_string(required(*trigger, "tpsl", where), "t.trigger.tpsl", where);
  if (tpsl != "tp" && tpsl != "sl") fail(where, "t.trigger.tpsl", "tp or sl");
  out.take_profit = tpsl == "tp";
  return out;
}

Grouping parse_grouping(const Json& g) {
  if (g.is_string()) {
    if (g == "na") return {Grouping::Kind::Na, 0};
    if (g == "normalTpsl") return {Grouping::Kind::NormalTpsl, 0};
    if (g == "positionTpsl") return {Grouping::Kind::PositionTpsl, 0};
  } else if (g.is_object() && g.size() == 1 && g.contains("p")) {
    return {Grouping::Kind::Priority, as_u64(g["p"], "grouping.p", "action")};
  }
  fail("action", "grouping", "na, normalTpsl, positionTpsl or {p}");
}

OrderRef parse_order_ref(const Json& oid, std::string_view where) {
  if (oid.is_string()) return as_cloid(oid, "oid", where);
  if (oid.is_number_unsigned() || (oid.is_number_integer() && oid.get<std::int64_t>() >= 0)) {
    return oid.get<std::uint64_t>();
  }
  fail(where, "oid", "an order id or a cloid");
}

OrderAction parse_order_action(const Json& action) {
  OrderAction out;
  const Json& orders = as_array(required(action, "orders", "action"), "orders", "action");
  out.orders.reserve(orders.size());
  for (std::size_t k = 0; k < orders.size(); ++k)
    out.orders.push_back(parse_order_wire(orders[k], numbered("order", k)));
  out.grouping = parse_grouping(required(action, "grouping", "action"));
  if (const Json* builder = optional(action, "builder")) {
    as_object(*builder, "builder", "action");
    out.builder =
        BuilderWire{as_address(required(*builder, "b", "action: builder"), "builder.b", "action"),
                    as_u64(required(*builder, "f", "action: builder"), "builder.f", "action")};
  }
  return out;
}

template <class Item, class Read>
std::vector<Item> parse_list(const Json& action, std::string_view list, std::string_view item,
                             Read read) {
  const Json& items = as_array(required(action, list, "action"), list, "action");
  std::vector<Item> out;
  out.reserve(items.size());
  for (std::size_t k = 0; k < items.size(); ++k) {
    const std::string where = numbered(item, k);
    if (!items[k].is_object()) throw WireError(where + ": expected an object");
    out.push_back(read(items[k], where));
  }
  return out;
}

const char* grouping_text(Grouping::Kind kind) {
  switch (kind) {
    case Grouping::Kind::NormalTpsl:
      return "normalTpsl";
    case Grouping::Kind::PositionTpsl:
      return "positionTpsl";
    default:
      return "na";
  }
}

Json ref_json(const OrderRef& ref) {
  return std::visit([](const auto& v) { return Json(v); }, ref);
}

// One to_json per action type; each starts with "type", then the documented keys in order.
struct ActionToJson {
  Json operator()(const OrderAction& a) const {
    Json j = {{"type", "order"}, {"orders", Json::array()}};
    for (const OrderWire& o : a.orders) j["orders"].push_back(to_json(o));
    if (a.grouping.kind == Grouping::Kind::Priority) {
      j["grouping"] = Json{{"p", a.grouping.priority}};
    } else {
      j["grouping"] = grouping_text(a.grouping.kind);
    }
    if (a.builder) j["builder"] = Json{{"b", a.builder->builder.hex()}, {"f", a.builder->fee}};
    return j;
  }
  Json operator()(const CancelAction& a) const {
    Json j = {{"type", "cancel"}, {"cancels", Json::array()}};
    for (const CancelWire& c : a.cancels)
      j["cancels"].push_back(Json{{"a", c.asset}, {"o", c.oid}});
    return j;
  }
  Json operator()(const CancelByCloidAction& a) const {
    Json j = {{"type", "cancelByCloid"}, {"cancels", Json::array()}};
    for (const CancelByCloidWire& c : a.cancels)
      j["cancels"].push_back(Json{{"asset", c.asset}, {"cloid", c.cloid}});
    return j;
  }
  Json operator()(const ModifyAction& a) const {
    return Json{{"type", "modify"}, {"oid", ref_json(a.oid)}, {"order", to_json(a.order)}};
  }
  Json operator()(const BatchModifyAction& a) const {
    Json j = {{"type", "batchModify"}, {"modifies", Json::array()}};
    for (const ModifyWire& m : a.modifies)
      j["modifies"].push_back(Json{{"oid", ref_json(m.oid)}, {"order", to_json(m.order)}});
    return j;
  }
  Json operator()(const UpdateLeverageAction& a) const {
    return Json{{"type", "updateLeverage"},
                {"asset", a.asset},
                {"isCross", a.is_cross},
                {"leverage", a.leverage}};
  }
  Json operator()(const UpdateIsolatedMarginAction& a) const {
    return Json{{"type", "updateIsolatedMargin"},
                {"asset", a.asset},
                {"isBuy", a.is_buy},
                {"ntli", a.ntli}};
  }
  Json operator()(const ScheduleCancelAction& a) const {
    Json j = {{"type", "scheduleCancel"}};
    if (a.time) j["time"] = *a.time;
    return j;
  }
  Json operator()(const NoopAction&) const { return Json{{"type", "noop"}}; }
};

}  // namespace

const char* to_wire(WireTif tif) {
  switch (tif) {
    case WireTif::Ioc:
      return "Ioc";
    case WireTif::Alo:
      return "Alo";
    default:
      return "Gtc";
  }
}

std::optional<std::string> action_type(const Json& action) {
  if (!action.is_object()) return std::nullopt;
  const auto it = action.find("type");
  if (it == action.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

bool is_modelled_l1_action(std::string_view type) {
  for (std::string_view t : kModelledTypes) {
    if (t == type) return true;
  }
  return false;
}

OrderWire parse_order_wire(const Json& order, std::string_view where) {
  if (!order.is_object()) throw WireError(std::string(where) + ": expected an object");
  OrderWire out;
  out.asset = as_u32(required(order, "a", where), "a", where);
  out.is_buy = as_bool(required(order, "b", where), "b", where);
  out.px = as_decimal(required(order, "p", where), "p", where);
  out.sz = as_decimal(required(order, "s", where), "s", where);
  out.reduce_only = as_bool(required(order, "r", where), "r", where);
  out.type = parse_order_type(required(order, "t", where), where);
  if (const Json* c = optional(order, "c")) out.cloid = as_cloid(*c, "c", where);
  return out;
}

L1Action parse_l1_action(const Json& action) {
  const auto type = action_type(action);
  if (!type) throw WireError("action: expected an object with a string type");
  if (*type == "order") return parse_order_action(action);
  if (*type == "cancel") {
    return CancelAction{parse_list<
        CancelWire>(action, "cancels", "cancel", [](const Json& c, const std::string& w) {
      return CancelWire{as_u32(required(c, "a", w), "a", w), as_u64(required(c, "o", w), "o", w)};
    })};
  }
  if (*type == "cancelByCloid") {
    return CancelByCloidAction{parse_list<CancelByCloidWire>(
        action, "cancels", "cancel", [](const Json& c, const std::string& w) {
          return CancelByCloidWire{as_u32(required(c, "asset", w), "asset", w),
                                   as_cloid(required(c, "cloid", w), "cloid", w)};
        })};
  }
  if (*type == "modify") {
    return ModifyAction{parse_order_ref(required(action, "oid", "action"), "action"),
                        parse_order_wire(required(action, "order", "action"), "action: order")};
  }
  if (*type == "batchModify") {
    return BatchModifyAction{parse_list<ModifyWire>(
        action, "modifies", "modify", [](const Json& m, const std::string& w) {
          return ModifyWire{parse_order_ref(required(m, "oid", w), w),
                            parse_order_wire(required(m, "order", w), w + ": order")};
        })};
  }
  if (*type == "updateLeverage") {
    return UpdateLeverageAction{
        as_u32(required(action, "asset", "action"), "asset", "action"),
        as_bool(required(action, "isCross", "action"), "isCross", "action"),
        as_u32(required(action, "leverage", "action"), "leverage", "action")};
  }
  if (*type == "updateIsolatedMargin") {
    return UpdateIsolatedMarginAction{
        as_u32(required(action, "asset", "action"), "asset", "action"),
        as_bool(required(action, "isBuy", "action"), "isBuy", "action"),
        as_i64(required(action, "ntli", "action"), "ntli", "action")};
  }
  if (*type == "scheduleCancel") {
    ScheduleCancelAction out;
    if (const Json* time = optional(action, "time")) out.time = as_u64(*time, "time", "action");
    return out;
  }
  if (*type == "noop") return NoopAction{};
  throw WireError("action: unknown type " + *type);
}

Json to_json(const OrderWire& order) {
  Json j = {{"a", order.asset},
            {"b", order.is_buy},
            {"p", order.px.text},
            {"s", order.sz.text},
            {"r", order.reduce_only}};
  if (const auto* limit = std::get_if<LimitWire>(&order.type)) {
    j["t"] = Json{{"limit", Json{{"tif", to_wire(limit->tif)}}}};
  } else {
    const auto& trigger = std::get<TriggerWire>(order.type);
    j["t"] = Json{{"trigger", Json{{"isMarket", trigger.is_market},
                                   {"triggerPx", trigger.trigger_px.text},
                                   {"tpsl", trigger.take_profit ? "tp" : "sl"}}}};
  }
  if (order.cloid) j["c"] = *order.cloid;
  return j;
}

Json to_json(const L1Action& action) { return std::visit(ActionToJson{}, action); }

}  // namespace organism::exchange::hl
