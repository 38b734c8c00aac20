#include "strategy/gp/json.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "core/json_input.hpp"

namespace organism::strategy::gp {

namespace {

using nlohmann::json;

constexpr const char* kSides[] = {"long_entry", "long_exit", "short_entry", "short_exit"};

[[noreturn]] void bad(const std::string& what) {
  throw core::UsageError("rule tree JSON: " + what);
}

// What is wrong with one node; the callers add where it is (rule side) and the common prefix.
struct NodeError {
  std::string what;
};
[[noreturn]] void bad_node(std::string what) { throw NodeError{std::move(what)}; }

const json& member(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) bad_node(std::string("missing \"") + key + "\" in " + core::quoted_json(j));
  return *it;
}

// A whole-number parameter within [lo, hi], refused with its real value otherwise (a period of
// 10^12 used to wrap to -1 and be reported as "ema_-1").
int ranged_int(const json& j, std::string_view what, int lo, int hi) {
  if (!j.is_number_integer())
    bad_node(fmt::format("{} must be a whole number, got {}", what, core::quoted_json(j)));
  // Compared as the JSON number, before any narrowing (lo >= 0: a parameter is a count of bars).
  const bool in_range = j.is_number_unsigned()
                            ? j.get<std::uint64_t>() >= static_cast<std::uint64_t>(lo) &&
                                  j.get<std::uint64_t>() <= static_cast<std::uint64_t>(hi)
                            : j.get<std::int64_t>() >= lo && j.get<std::int64_t>() <= hi;
  if (!in_range) bad_node(fmt::format("{} {} is out of range {}..{}", what, j.dump(), lo, hi));
  return static_cast<int>(j.get<std::int64_t>());
}

Node parse(const json& j, int level) {
  // Beyond any legal depth (Limits), checked here so that a hostile tree never recurses far.
  if (level > 256) bad_node("nesting too deep");
  if (!j.is_object()) bad_node("a node must be an object, got " + core::quoted_json(j));
  const json& op_j = member(j, "op");
  if (!op_j.is_string()) bad_node("\"op\" must be a string");
  const auto op = op_from_symbol(op_j.get<std::string>());
  if (!op) bad_node("unknown op " + core::quoted_json(op_j));
  Node n;
  n.op = *op;
  switch (n.op) {
    case Op::Constant: {
      const json& v = member(j, "value");
      if (!v.is_number()) bad_node("\"value\" must be a number");
      n.value = v.get<double>();
      break;
    }
    case Op::Field: {
      const json& f = member(j, "field");
      const auto parsed = f.is_string() ? field_from_name(f.get<std::string>()) : std::nullopt;
      if (!parsed) bad_node("unknown field " + core::quoted_json(f));
      n.field = *parsed;
      break;
    }
    case Op::Indicator: {
      const json& name = member(j, "name");
      if (!name.is_string() || !is_indicator_name(name.get<std::string>())) {
        bad_node("unknown indicator " + core::quoted_json(name));
      }
      n.name = name.get<std::string>();
      n.param = ranged_int(member(j, "period"), "indicator " + n.name + ": period", kMinPeriod,
                           kMaxPeriod);
      break;
    }
    case Op::Lag:
      n.param = ranged_int(member(j, "bars"), "lag: bars", kMinLag, kMaxLag);
      break;
    default:
      break;
  }
  if (arity(n.op) > 0) {
    const json& args = member(j, "args");
    if (!args.is_array() || static_cast<int>(args.size()) != arity(n.op)) {
      bad_node(std::string(op_symbol(n.op)) + " takes " + std::to_string(arity(n.op)) + " args");
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
  Node n;
  try {
    n = parse(j, 0);
  } catch (const NodeError& e) {
    bad(e.what);
  }
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
    if (!j.contains(kSides[i])) continue;
    try {
      *slots[i] = parse(j.at(kSides[i]), 0);
    } catch (const NodeError& e) {
      bad(std::string(kSides[i]) + ": " + e.what);
    }
  }
  // One check for the whole rule so the message names the side as well as the node. A tree
  // whose units disagree (stored before trees were typed by unit) is rejected, not repaired:
  // any repair would change the rule its stored metrics were measured on.
  const std::string err = check(r, limits);
  if (!err.empty()) bad(err);
  return r;
}

}  // namespace organism::strategy::gp
