#include "strategy/gp/units.hpp"

#include <array>

#include "strategy/gp/text.hpp"

namespace organism::strategy::gp {

namespace {

using MaybeUnit = std::optional<Unit>;

// Sampling ranges per unit (Price and Volume admit no constants; their entries are unused).
// Oscillator levels and %R are the indicators' own bounds; CCI is unbounded but sits within
// ±200 most of the time (±100 are its classic levels); z-scores within ±3; per-bar returns and
// volatility are small and the only such terminal today (rvol) is non-negative; hourly funding
// rarely leaves ±0.02%; ratios of like quantities sit near 1.
constexpr std::array<ConstantRange, kUnitCount> kRanges = {{
    {0, 0, 0, false},             // Price
    {0, 100, 0, false},           // Oscillator
    {-100, 0, 0, false},          // WilliamsR
    {-200, 200, 0, false},        // Cci
    {0, 0, 0, false},             // Volume
    {-3, 3, 2, false},            // ZScore
    {0, 0.05, 4, false},          // Return
    {-0.0002, 0.0002, 6, false},  // Funding
    {0.5, 2, 3, true},            // Ratio
}};

// Bottom-up inference. Each node's own unit (nullopt: free) goes to `own` in preorder when given;
// the first ill-typed node's description goes to `err` (then the walk stops caring).
class Inference {
 public:
  Inference(std::vector<MaybeUnit>* own, std::string* err) : own_(own), err_(err) {}

  MaybeUnit infer(const Node& n, int level) {
    std::size_t at = 0;
    if (own_) {
      at = own_->size();
      own_->push_back(std::nullopt);
    }
    const MaybeUnit u = compute(n, level);
    if (own_) (*own_)[at] = u;
    return u;
  }

 private:
  MaybeUnit compute(const Node& n, int level) {
    if (n.children.empty()) return terminal_unit(n);
    std::array<MaybeUnit, 2> c{};
    for (std::size_t i = 0; i < n.children.size() && i < 2; ++i) {
      c[i] = infer(n.children[i], level + 1);
    }
    switch (n.op) {
      case Op::Lag:
        return c[0];
      case Op::Add:
      case Op::Sub:
      case Op::Min:
      case Op::Max:
      case Op::Gt:
      case Op::Lt:
      case Op::CrossAbove:
      case Op::CrossBelow: {
        const MaybeUnit u = join(n, level, c[0], c[1]);
        if (result_type(n.op) == Type::Number) return u;
        if (!u) fail(n, level, "neither side has a unit (two constants compare nothing)");
        return std::nullopt;
      }
      case Op::Mul:
        if (c[0] && c[1] && *c[0] != Unit::Ratio && *c[1] != Unit::Ratio) {
          fail(n, level,
               "multiplies " + name(c[0]) + " by " + name(c[1]) + " (one factor must be a ratio)");
        }
        // The ratio factor scales the other; a free factor is the ratio (so a constant scaled by
        // a quotient is a ratio, whatever the constant meant).
        if (c[0] && c[1]) return *c[0] == Unit::Ratio ? c[1] : c[0];
        return c[0] ? c[0] : c[1];
      case Op::Div:
        if (!c[0] && !c[1]) return std::nullopt;
        join(n, level, c[0], c[1]);
        return Unit::Ratio;
      default:
        return std::nullopt;  // logic: its comparisons were checked on the way down
    }
  }

  static std::string name(MaybeUnit u) { return u ? std::string(unit_name(*u)) : "a constant"; }

  // The unit two operands share: equal units, or a free operand taking a unit that admits
  // constants.
  MaybeUnit join(const Node& n, int level, MaybeUnit a, MaybeUnit b) {
    if (a && b && *a != *b) {
      fail(n, level, "mixes " + name(a) + " with " + name(b));
    } else if (a.has_value() != b.has_value() && !admits_constants(a ? *a : *b)) {
      fail(n, level,
           "meets " + name(a ? a : b) +
               " with a constant (a raw price or volume level fits one coin only; compare a "
               "ratio such as (/ close sma_20) with a constant instead)");
    }
    return a ? a : b;
  }

  void fail(const Node& n, int level, const std::string& what) {
    if (!err_ || !err_->empty()) return;
    *err_ = print(n) + " at depth " + std::to_string(level) + ": " + what;
  }

  std::vector<MaybeUnit>* own_;
  std::string* err_;
};

// Top-down: a node's unit in its place, given the units of its own (bottom-up) and its context.
void resolve(const Node& n, MaybeUnit context, const std::vector<MaybeUnit>& own,
             std::size_t& index, std::vector<MaybeUnit>& out) {
  const std::size_t at = index++;
  const bool boolean = result_type(n.op) == Type::Bool;
  const MaybeUnit unit = boolean ? std::nullopt : (own[at] ? own[at] : context);
  out[at] = unit;
  if (n.children.empty()) return;
  // Children's own units: the first child follows this node in preorder.
  const std::size_t first = at + 1;
  const std::size_t second = first + static_cast<std::size_t>(node_count(n.children[0]));
  const MaybeUnit a = own[first];
  const MaybeUnit b = n.children.size() > 1 ? own[second] : std::nullopt;
  std::array<MaybeUnit, 2> ctx{unit, unit};
  switch (n.op) {
    case Op::Gt:
    case Op::Lt:
    case Op::CrossAbove:
    case Op::CrossBelow:
      ctx = {a ? a : b, a ? a : b};
      break;
    case Op::And:
    case Op::Or:
    case Op::Not:
      ctx = {std::nullopt, std::nullopt};
      break;
    case Op::Mul:
      // A free factor beside a unit is the scale; two free factors: the value, then the scale.
      ctx = {b ? MaybeUnit(Unit::Ratio) : unit, Unit::Ratio};
      break;
    case Op::Div:
      ctx = {a ? a : b, a ? a : b};
      if (!a && !b) ctx = {unit, Unit::Ratio};
      break;
    default:
      break;
  }
  for (std::size_t i = 0; i < n.children.size(); ++i)
    resolve(n.children[i], ctx[i], own, index, out);
}

}  // namespace

bool admits_constants(Unit u) { return u != Unit::Price && u != Unit::Volume; }

const ConstantRange& constant_range(Unit u) { return kRanges[static_cast<std::size_t>(u)]; }

std::optional<Unit> terminal_unit(const Node& n) {
  switch (n.op) {
    case Op::Indicator:
      return indicator_unit(n.name);
    case Op::Field:
      return n.field == Field::Volume ? Unit::Volume : Unit::Price;
    case Op::Funding:
      return Unit::Funding;
    default:
      return std::nullopt;
  }
}

std::string check_units(const Node& n) {
  std::string err;
  Inference(nullptr, &err).infer(n, 1);
  return err;
}

std::optional<Unit> unit_of(const Node& n) {
  std::string err;
  const MaybeUnit u = Inference(nullptr, &err).infer(n, 1);
  return err.empty() ? u : std::nullopt;
}

std::vector<bool> typed_nodes(const Node& root) {
  std::vector<MaybeUnit> own;
  Inference(&own, nullptr).infer(root, 1);
  std::vector<bool> out(own.size());
  for (std::size_t i = 0; i < own.size(); ++i) out[i] = own[i].has_value();
  return out;
}

std::vector<std::optional<Unit>> node_units(const Node& root) {
  std::vector<MaybeUnit> own;
  Inference(&own, nullptr).infer(root, 1);
  std::vector<MaybeUnit> out(own.size());
  std::size_t index = 0;
  resolve(root, std::nullopt, own, index, out);
  return out;
}

}  // namespace organism::strategy::gp
