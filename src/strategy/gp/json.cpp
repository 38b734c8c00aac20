#include "strategy/gp/json.hpp"

#include <cstdint>

#include "core/error.hpp"

namespace organism::strategy::gp {

namespace {

using nlohmann::json;

constexpr const char* kSides[] = {"long_entry", "long_exit", "short_entry", "short_exit"};

[[noreturn]] void bad(const std::string& what) {
  throw core::UsageError("rule tree JSON: " + what);
}

const json& member(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) bad(std::string("missing \"") + key + "\" in " + j.dump());
  return *it;
}

// A whole number as int without wrapping: anything beyond int's range becomes -1, which check()
// rejects as out of range.
int small_int(const json& j) {
  const auto v = j.get<std::int64_t>();
  return v < -1'000'000 || v > 1'000'000 ? -1 : static_cast<int>(v);
}

Node parse(const json& j, int level) {
  if (level > 256) bad("nesting too deep");
  if (!j.is_object()) bad("a node must be an object, got " + j.dump());
  const json& op_j = member(j, "op");
  if (!op_j.is_string()) bad("\"op\" must be a string");
  const auto op = op_from_symbol(op_j.get<std::string>());
  if (!op) bad("unknown op " + op_j.dump());
  Node n;
  n.op = *op;
  switch (n.op) {
    case Op::Constant: {
      const json& v = member(j, "value");
      if (!v.is_number()) bad("\"value\" must be a number");
      n.value = v.get<double>();
      break;
    }
    case Op::Field: {
      const json& f = member(j, "field");
      const auto parsed = f.is_string() ? field_from_name(f.get<std::string>()) : std::nullopt;
      if (!parsed) bad("unknown field " + f.dump());
      n.field = *parsed;
      break;
    }
    case Op::Indicator: {
      const json& name = member(j, "name");
      const json& period = member(j, "period");
      if (!name.is_string() || !period.is_number_integer()) bad("bad indicator " + j.dump());
      n.name = name.get<std::string>();
      n.param = small_int(period);
      break;
    }
    case Op::Lag: {
      const json& bars = member(j, "bars");
      if (!bars.is_number_integer()) bad("\"bars\" must be a whole number");
      n.param = small_int(bars);
      break;
    }
    default:
      break;
  }
  if (arity(n.op) > 0) {
    const json& args = member(j, "args");
    if (!args.is_array() || static_cast<int>(args.size()) != arity(n.op)) {
      bad(std::string(op_symbol(n.op)) + " takes " + std::to_string(arity(n.op)) + " args");
    }
    for (const json& a : args) n.children.push_back(parse(a, level + 1));
  }
  return n;
}

}  // namespace

json to_json(const Node& n) {
  json j = json::object();
  j["op"] = std::string(op_symbol(n.op));
  switch (n.op) {
    case Op::Constant:
      j["value"] = n.value;
      break;
    case Op::Field:
      j["field"] = std::string(field_name(n.field));
      break;
    case Op::Indicator:
      j["name"] = n.name;
      j["period"] = n.param;
      break;
    case Op::Lag:
      j["bars"] = n.param;
      break;
    default:
      break;
  }
  if (!n.children.empty()) {
    json args = json::array();
    for (const Node& c : n.children) args.push_back(to_json(c));
    j["args"] = std::move(args);
  }
  return j;
}

json to_json(const Rule& r) {
  json j = json::object();
  const std::optional<Node>* trees[] = {&r.long_entry, &r.long_exit, &r.short_entry, &r.short_exit};
  for (int i = 0; i < 4; ++i) {
    if (*trees[i]) j[kSides[i]] = to_json(**trees[i]);
  }
  return j;
}

Node node_from_json(const json& j, Type type, const Limits& limits) {
  Node n = parse(j, 0);
  const std::string err = check(n, type, limits);
  if (!err.empty()) bad(err);
  return n;
}

Rule rule_from_json(const json& j, const Limits& limits) {
  if (!j.is_object()) bad("a rule must be an object");
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const char* side : kSides) known = known || key == side;
    if (!known) bad("unknown key \"" + key + "\" in a rule");
  }
  Rule r;
  std::optional<Node>* slots[] = {&r.long_entry, &r.long_exit, &r.short_entry, &r.short_exit};
  for (int i = 0; i < 4; ++i) {
    if (j.contains(kSides[i])) *slots[i] = parse(j.at(kSides[i]), 0);
  }
  // One check for the whole rule so the message names the side as well as the node. A tree
  // whose units disagree (stored before trees were typed by unit) is rejected, not repaired:
  // any repair would change the rule its stored metrics were measured on.
  const std::string err = check(r, limits);
  if (!err.empty()) bad(err);
  return r;
}

}  // namespace organism::strategy::gp
