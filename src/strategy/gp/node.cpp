#include "strategy/gp/node.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "strategy/gp/units.hpp"

namespace organism::strategy::gp {

namespace {

// Single-period indicator columns with a meaningful scale for comparisons; all causal. ATR and
// stddev are price spreads, in the currency of the price, so they share its unit: (close - sma)
// against atr is a meaningful comparison.
constexpr std::array<std::string_view, 19> kIndicators = {
    "sma",           "ema",      "wma",           "rsi",          "atr",   "stddev",
    "zscore",        "max",      "min",           "cci",          "willr", "adx",
    "rvol",          "volume_z", "donchian_high", "donchian_low", "vwap",  "ichimoku_tenkan",
    "ichimoku_kijun"};
constexpr std::array<Unit, 19> kIndicatorUnits = {
    Unit::Price,     Unit::Price,      Unit::Price,  Unit::Oscillator, Unit::Price,
    Unit::Price,     Unit::ZScore,     Unit::Price,  Unit::Price,      Unit::Cci,
    Unit::WilliamsR, Unit::Oscillator, Unit::Return, Unit::ZScore,     Unit::Price,
    Unit::Price,     Unit::Price,      Unit::Price,  Unit::Price};

constexpr std::array<std::string_view, kUnitCount> kUnitNames = {
    "price",   "oscillator_0_100", "williams_r", "cci",  "volume",
    "z_score", "return",           "funding",    "ratio"};

struct OpInfo {
  Op op;
  std::string_view symbol;
  Type type;
  int arity;
  Type child;
};

constexpr std::array<OpInfo, 21> kOps = {{
    {Op::Indicator, "indicator", Type::Number, 0, Type::Number},
    {Op::Field, "field", Type::Number, 0, Type::Number},
    {Op::Funding, "funding", Type::Number, 0, Type::Number},
    {Op::Constant, "const", Type::Number, 0, Type::Number},
    {Op::Add, "+", Type::Number, 2, Type::Number},
    {Op::Sub, "-", Type::Number, 2, Type::Number},
    {Op::Mul, "*", Type::Number, 2, Type::Number},
    {Op::Div, "/", Type::Number, 2, Type::Number},
    {Op::Lag, "lag", Type::Number, 1, Type::Number},
    {Op::Min, "min", Type::Number, 2, Type::Number},
    {Op::Max, "max", Type::Number, 2, Type::Number},
    {Op::True, "true", Type::Bool, 0, Type::Bool},
    {Op::False, "false", Type::Bool, 0, Type::Bool},
    {Op::Gt, ">", Type::Bool, 2, Type::Number},
    {Op::Lt, "<", Type::Bool, 2, Type::Number},
    {Op::CrossAbove, "crosses_above", Type::Bool, 2, Type::Number},
    {Op::CrossBelow, "crosses_below", Type::Bool, 2, Type::Number},
    {Op::And, "and", Type::Bool, 2, Type::Bool},
    {Op::Or, "or", Type::Bool, 2, Type::Bool},
    {Op::Not, "not", Type::Bool, 1, Type::Bool},
}};

const OpInfo& info(Op op) {
  for (const auto& i : kOps) {
    if (i.op == op) return i;
  }
  throw std::logic_error("gp: unknown op");
}

constexpr std::array<std::string_view, 5> kFields = {"open", "high", "low", "close", "volume"};

void check_into(const Node& n, Type want, int level, const Limits& limits, std::string& err) {
  if (!err.empty()) return;
  const char* what = nullptr;
  if (result_type(n.op) != want) {
    what = "wrong type";
  } else if (level > limits.max_depth) {
    what = "deeper than the depth limit";
  } else if (static_cast<int>(n.children.size()) != arity(n.op)) {
    what = "wrong number of arguments";
  } else if (n.op == Op::Indicator &&
             (!is_indicator_name(n.name) || n.param < kMinPeriod || n.param > kMaxPeriod)) {
    what = "unknown indicator or period out of range";
  } else if (n.op == Op::Lag && (n.param < kMinLag || n.param > kMaxLag)) {
    what = "lag out of range";
  } else if (n.op == Op::Constant && !std::isfinite(n.value)) {
    what = "constant not finite";
  } else if (n.op == Op::Field && static_cast<std::size_t>(n.field) >= kFields.size()) {
    what = "bad field";
  }
  if (what) {
    // Built only on failure: the check runs before every evaluation.
    err = std::string(op_symbol(n.op));
    if (n.op == Op::Indicator) err += " " + n.name + "_" + std::to_string(n.param);
    err += " at depth " + std::to_string(level) + ": " + what;
    return;
  }
  for (const Node& c : n.children) check_into(c, child_type(n.op), level + 1, limits, err);
}

Node& subtree_at(Node& n, int& index) {
  if (index == 0) return n;
  for (Node& c : n.children) {
    --index;
    Node& found = subtree_at(c, index);
    if (index == 0) return found;
  }
  return n;
}

}  // namespace

std::span<const std::string_view> indicator_names() { return kIndicators; }

bool is_indicator_name(std::string_view name) {
  return std::find(kIndicators.begin(), kIndicators.end(), name) != kIndicators.end();
}

Unit indicator_unit(std::string_view name) {
  const auto at = std::find(kIndicators.begin(), kIndicators.end(), name) - kIndicators.begin();
  return at < static_cast<std::ptrdiff_t>(kIndicators.size())
             ? kIndicatorUnits[static_cast<std::size_t>(at)]
             : Unit::Price;
}

std::string_view unit_name(Unit u) { return kUnitNames[static_cast<std::size_t>(u)]; }

Type result_type(Op op) { return info(op).type; }
int arity(Op op) { return info(op).arity; }
Type child_type(Op op) { return info(op).child; }
std::string_view op_symbol(Op op) { return info(op).symbol; }

std::optional<Op> op_from_symbol(std::string_view symbol) {
  for (const auto& i : kOps) {
    if (i.symbol == symbol) return i.op;
  }
  return std::nullopt;
}

std::string_view field_name(Field f) { return kFields[static_cast<std::size_t>(f)]; }

std::optional<Field> field_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    if (kFields[i] == name) return static_cast<Field>(i);
  }
  return std::nullopt;
}

Node indicator(std::string name, int period) {
  Node n;
  n.op = Op::Indicator;
  n.name = std::move(name);
  n.param = period;
  return n;
}

Node field(Field f) {
  Node n;
  n.op = Op::Field;
  n.field = f;
  return n;
}

Node funding() {
  Node n;
  n.op = Op::Funding;
  return n;
}

Node constant(double v) {
  Node n;
  n.op = Op::Constant;
  n.value = v;
  return n;
}

Node boolean(bool v) {
  Node n;
  n.op = v ? Op::True : Op::False;
  return n;
}

Node lag(Node x, int bars) {
  Node n;
  n.op = Op::Lag;
  n.param = bars;
  n.children.push_back(std::move(x));
  return n;
}

Node unary(Op op, Node a) {
  Node n;
  n.op = op;
  n.children.push_back(std::move(a));
  return n;
}

Node binary(Op op, Node a, Node b) {
  Node n;
  n.op = op;
  n.children.push_back(std::move(a));
  n.children.push_back(std::move(b));
  return n;
}

int depth(const Node& n) {
  int d = 0;
  for (const Node& c : n.children) d = std::max(d, depth(c));
  return d + 1;
}

int node_count(const Node& n) {
  int k = 1;
  for (const Node& c : n.children) k += node_count(c);
  return k;
}

Node& subtree(Node& root, int index) {
  if (index < 0 || index >= node_count(root)) throw std::out_of_range("gp: subtree index");
  return subtree_at(root, index);
}

std::string check_structure(const Node& n, Type want, const Limits& limits) {
  std::string err;
  check_into(n, want, 1, limits, err);
  if (err.empty() && node_count(n) > limits.max_nodes) {
    err = "more than " + std::to_string(limits.max_nodes) + " nodes";
  }
  return err;
}

std::string check(const Node& n, Type want, const Limits& limits) {
  std::string err = check_structure(n, want, limits);
  return err.empty() ? check_units(n) : err;
}

std::string check(const Rule& rule, const Limits& limits) {
  const std::pair<const std::optional<Node>*, std::string_view> trees[] = {
      {&rule.long_entry, "long_entry"},
      {&rule.long_exit, "long_exit"},
      {&rule.short_entry, "short_entry"},
      {&rule.short_exit, "short_exit"}};
  for (const auto& [tree, label] : trees) {
    if (!*tree) continue;
    std::string err = check(**tree, Type::Bool, limits);
    if (!err.empty()) return std::string(label) + ": " + err;
  }
  return {};
}

}  // namespace organism::strategy::gp
