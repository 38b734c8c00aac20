// Signed actions' JSON to engine requests; any shape error is the exchange's 422.
#include "exchange/sim_api/action_parse.hpp"

#include <cctype>

#include "exchange/hyperliquid/decimal.hpp"

namespace organism::exchange::sim_api {

const Json& field(const Json& object, const char* name) {
  if (!object.is_object()) throw BadRequest("expected an object");
  const auto it = object.find(name);
  if (it == object.end()) throw BadRequest(std::string("missing field ") + name);
  return *it;
}

std::uint64_t uint_field(const Json& object, const char* name) {
  const Json& value = field(object, name);
  if (!value.is_number_unsigned())
    throw BadRequest(std::string("field ") + name + " is not an unsigned integer");
  return value.get<std::uint64_t>();
}

std::int64_t int_field(const Json& object, const char* name) {
  const Json& value = field(object, name);
  if (!value.is_number_integer())
    throw BadRequest(std::string("field ") + name + " is not an integer");
  if (value.is_number_unsigned() &&
      value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    throw BadRequest(std::string("field ") + name + " is out of range");
  }
  return value.get<std::int64_t>();
}

bool bool_field(const Json& object, const char* name) {
  const Json& value = field(object, name);
  if (!value.is_boolean()) throw BadRequest(std::string("field ") + name + " is not a boolean");
  return value.get<bool>();
}

std::string string_field(const Json& object, const char* name) {
  const Json& value = field(object, name);
  if (!value.is_string()) throw BadRequest(std::string("field ") + name + " is not a string");
  return value.get<std::string>();
}

namespace {

sim::Units units_field(const Json& object, const char* name) {
  const auto units = hl::parse_units(string_field(object, name));
  if (!units || *units < 0) throw BadRequest(std::string("field ") + name + " is not a decimal");
  return *units;
}

int asset_field(const Json& object, const char* name) {
  const std::uint64_t asset = uint_field(object, name);
  // Larger ids (spot 10000+, builder dexes 100000+) are well-formed; the engine says they are
  // unknown. Beyond int they cannot be an asset of any kind.
  if (asset > static_cast<std::uint64_t>(INT32_MAX)) throw BadRequest("asset out of range");
  return static_cast<int>(asset);
}

}  // namespace

std::string parse_cloid(const Json& value) {
  if (!value.is_string()) throw BadRequest("cloid is not a string");
  std::string text = value.get<std::string>();
  if (text.size() != 34 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
    throw BadRequest("bad cloid");
  for (std::size_t i = 2; i < text.size(); ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(text[i]))) throw BadRequest("bad cloid");
    text[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  }
  text[1] = 'x';
  return text;
}

sim::OrderRequest parse_order_wire(const Json& wire) {
  sim::OrderRequest order;
  order.asset = asset_field(wire, "a");
  order.is_buy = bool_field(wire, "b");
  order.px = units_field(wire, "p");
  order.sz = units_field(wire, "s");
  order.reduce_only = bool_field(wire, "r");
  const Json& type = field(wire, "t");
  if (!type.is_object() || type.size() != 1) throw BadRequest("order type must have one key");
  if (type.contains("limit")) {
    const std::string tif = string_field(type["limit"], "tif");
    if (tif == "Gtc") {
      order.tif = sim::Tif::Gtc;
    } else if (tif == "Ioc") {
      order.tif = sim::Tif::Ioc;
    } else if (tif == "Alo") {
      order.tif = sim::Tif::Alo;
    } else {
      throw BadRequest("unknown tif " + tif);  // "FrontendMarket" and the like are the UI's
    }
  } else if (type.contains("trigger")) {
    const Json& trigger = type["trigger"];
    sim::Trigger parsed;
    parsed.is_market = bool_field(trigger, "isMarket");
    parsed.trigger_px = units_field(trigger, "triggerPx");
    const std::string tpsl = string_field(trigger, "tpsl");
    if (tpsl != "tp" && tpsl != "sl") throw BadRequest("tpsl must be tp or sl");
    parsed.take_profit = tpsl == "tp";
    order.trigger = parsed;
  } else {
    throw BadRequest("order type must be limit or trigger");
  }
  if (wire.contains("c")) order.cloid = parse_cloid(wire["c"]);
  return order;
}

sim::Grouping parse_grouping(const Json& grouping) {
  if (grouping.is_object()) {  // a priority-fee object {"p": n}: ordering only, not modelled
    (void)uint_field(grouping, "p");
    return sim::Grouping::Na;
  }
  if (!grouping.is_string()) throw BadRequest("grouping is not a string");
  const auto& text = grouping.get_ref<const std::string&>();
  if (text == "na") return sim::Grouping::Na;
  if (text == "normalTpsl") return sim::Grouping::NormalTpsl;
  if (text == "positionTpsl") return sim::Grouping::PositionTpsl;
  throw BadRequest("unknown grouping " + text);
}

std::vector<sim::CancelRequest> parse_cancels(const Json& action) {
  const Json& list = field(action, "cancels");
  if (!list.is_array()) throw BadRequest("cancels is not an array");
  std::vector<sim::CancelRequest> out;
  for (const auto& item : list) out.push_back({asset_field(item, "a"), uint_field(item, "o")});
  return out;
}

std::vector<sim::CancelByCloidRequest> parse_cancels_by_cloid(const Json& action) {
  const Json& list = field(action, "cancels");
  if (!list.is_array()) throw BadRequest("cancels is not an array");
  std::vector<sim::CancelByCloidRequest> out;
  for (const auto& item : list)
    out.push_back({asset_field(item, "asset"), parse_cloid(field(item, "cloid"))});
  return out;
}

sim::ModifyRequest parse_modify(const Json& modify) {
  sim::ModifyRequest out;
  const Json& oid = field(modify, "oid");
  if (oid.is_number_unsigned()) {
    out.target = oid.get<std::uint64_t>();
  } else if (oid.is_string()) {
    out.target = parse_cloid(oid);
  } else {
    throw BadRequest("oid must be a number or a cloid");
  }
  out.order = parse_order_wire(field(modify, "order"));
  return out;
}

}  // namespace organism::exchange::sim_api
