// Typed genetic-programming rule trees: the node type, its operators, limits and validity check.
// Used by the tree family (evaluation, random generation, simplification, text and JSON forms)
// and by evolution's operators, which edit trees by replacing subtrees.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace organism::strategy::gp {

// Every node yields one array per bar of its type: Number (real, NaN where undefined) or Bool.
enum class Type : std::uint8_t { Number, Bool };

enum class Op : std::uint8_t {
  // Number terminals
  Indicator,  // name_ + period (an indicators column "name_period")
  Field,      // open/high/low/close/volume (field)
  Funding,    // funding rate settled during the bar; 0 when unknown
  Constant,   // value
  // Number functions
  Add,
  Sub,
  Mul,
  Div,  // protected: |b| <= kDivEpsilon gives 1 (see apply_number)
  Lag,  // children[0] `param` bars earlier (NaN before)
  Min,  // Min and Max are NaN when either side is NaN
  Max,
  // Bool terminals
  True,
  False,
  // Bool functions of two Numbers
  Gt,
  Lt,
  CrossAbove,
  CrossBelow,
  // Bool functions of Bools
  And,
  Or,
  Not,
};

enum class Field : std::uint8_t { Open, High, Low, Close, Volume };

// The unit of a Number node, so that random rules compare like with like (docs/rule-trees.md,
// "Units"; the typing rules live in units.hpp). Constants have no unit of their own: they take
// the unit of what they meet.
enum class Unit : std::uint8_t {
  Price,       // open high low close and price-level or price-spread indicators
  Oscillator,  // bounded 0..100: rsi, adx
  WilliamsR,   // Williams %R, -100..0
  Cci,         // commodity channel index, unbounded (constants drawn in -200..200)
  Volume,      // the volume field
  ZScore,      // z-scores (zscore, volume_z)
  Return,      // returns and volatility per bar (rvol)
  Funding,     // the funding rate
  Ratio,       // dimensionless: a quotient of one unit, or a scale factor
};
inline constexpr int kUnitCount = 9;
std::string_view unit_name(Unit u);

inline constexpr double kDivEpsilon = 1e-12;
inline constexpr int kMinPeriod = 2;
inline constexpr int kMaxPeriod = 200;
inline constexpr int kMinLag = 1;
inline constexpr int kMaxLag = 50;

// Indicator terminals: single-period columns of the indicators layer ("ema" -> ema_N).
std::span<const std::string_view> indicator_names();
bool is_indicator_name(std::string_view name);
// The unit of an indicator terminal (Price for an unknown name, which check() rejects anyway).
Unit indicator_unit(std::string_view name);

// A value-semantic tree: copying copies the subtree, so evolution can cut and graft freely.
struct Node {
  Op op = Op::Constant;
  double value = 0.0;  // Constant
  int param = 0;       // Indicator: period; Lag: bars
  Field field = Field::Close;
  std::string name;  // Indicator: column base
  std::vector<Node> children;

  bool operator==(const Node&) const = default;
};

Type result_type(Op op);
// Arity and the children's type for function ops (terminals: 0).
int arity(Op op);
Type child_type(Op op);

// Symbol used in the printed form and in JSON ("+", "crosses_above", "ema" is not an op symbol:
// indicators print as their name).
std::string_view op_symbol(Op op);
std::optional<Op> op_from_symbol(std::string_view symbol);
std::string_view field_name(Field f);
std::optional<Field> field_from_name(std::string_view name);

// Builders, for tests and hand-written rules.
Node indicator(std::string name, int period);
Node field(Field f);
Node funding();
Node constant(double v);
Node boolean(bool v);
Node lag(Node x, int bars);
Node unary(Op op, Node a);
Node binary(Op op, Node a, Node b);

int depth(const Node& n);  // a terminal has depth 1
int node_count(const Node& n);
// The index-th node in preorder (0 = root), 0 <= index < node_count(root): evolution's handle for
// replacing a subtree in place (`subtree(root, i) = other;`).
Node& subtree(Node& root, int index);

struct Limits {
  int max_depth = 8;
  int max_nodes = 128;
};

// Empty when n is a well-typed tree of type `want` within limits with every parameter in range
// (known indicator, period kMinPeriod..kMaxPeriod, lag kMinLag..kMaxLag, finite constants) and
// consistent units (check_units in units.hpp); otherwise what is wrong, naming the node.
std::string check(const Node& n, Type want, const Limits& limits = {});
// The same without units: what evaluation needs (arithmetic is defined whatever the units, so
// hand-written and older trees still evaluate exactly as before).
std::string check_structure(const Node& n, Type want, const Limits& limits = {});

// The four trees of a rule; an absent tree never fires.
struct Rule {
  std::optional<Node> long_entry, long_exit, short_entry, short_exit;
  bool operator==(const Rule&) const = default;
};

std::string check(const Rule& rule, const Limits& limits = {});

}  // namespace organism::strategy::gp
