#include "strategy/gp/random_tree.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "strategy/gp/units.hpp"

namespace organism::strategy::gp {

namespace {

constexpr Op kNumberFunctions[] = {Op::Add, Op::Sub, Op::Mul, Op::Lag, Op::Min, Op::Max};
constexpr Op kComparisons[] = {Op::Gt, Op::Lt, Op::CrossAbove, Op::CrossBelow};
constexpr Op kLogic[] = {Op::And, Op::Or, Op::Not};

struct Weighted {
  Unit unit;
  int weight;
};
// The unit of a comparison (and of a random Number tree). Price leads as the richest set of
// terminals; Ratio is how price meets constants; the scale-bound oscillators come next.
constexpr Weighted kComparisonUnits[] = {
    {Unit::Price, 30},    {Unit::Ratio, 20}, {Unit::Oscillator, 15},
    {Unit::WilliamsR, 5}, {Unit::Cci, 5},    {Unit::ZScore, 10},
    {Unit::Return, 5},    {Unit::Volume, 5}, {Unit::Funding, 5}};
// The operands' unit of a quotient: units whose quotients mean something (price and volume
// relative to their own past or averages, volatility regimes, oscillator ratios); sign-changing
// units (z-scores, CCI, %R, funding) would put near-zero denominators in the way.
constexpr Weighted kQuotientUnits[] = {{Unit::Price, 50},
                                       {Unit::Volume, 20},
                                       {Unit::Return, 10},
                                       {Unit::Oscillator, 10},
                                       {Unit::Ratio, 10}};

template <class T, std::size_t N>
T pick(core::Rng& rng, const T (&items)[N]) {
  return items[rng.below(N)];
}

// Whether two operands of the unit, each `room` deep, can differ and be more than constants:
// a Ratio varies only through a quotient and volume has a single terminal, so both need room 2
// ((/ close sma_20), (lag volume 3)).
bool fits(Unit unit, int room) {
  return room >= 2 || (unit != Unit::Ratio && unit != Unit::Volume);
}

template <std::size_t N>
Unit pick_unit(core::Rng& rng, const Weighted (&items)[N], int room) {
  int total = 0;
  for (const Weighted& w : items) total += fits(w.unit, room) ? w.weight : 0;
  auto r = static_cast<int>(rng.below(static_cast<std::uint64_t>(total)));
  for (const Weighted& w : items) {
    if (!fits(w.unit, room)) continue;
    if (r < w.weight) return w.unit;
    r -= w.weight;
  }
  return items[0].unit;
}

int uniform_int(core::Rng& rng, int lo, int hi) {
  return lo + static_cast<int>(rng.below(static_cast<std::uint64_t>(hi - lo + 1)));
}

// One of the unit's indicators or fields (every unit but Ratio has one).
Node unit_terminal(core::Rng& rng, Unit unit) {
  if (unit == Unit::Volume) return field(Field::Volume);
  if (unit == Unit::Funding) return funding();
  if (unit == Unit::Price && rng.bernoulli(0.4)) return field(static_cast<Field>(rng.below(4)));
  const auto names = indicator_names();
  std::uint64_t count = 0;
  for (const auto name : names) count += indicator_unit(name) == unit;
  auto k = rng.below(count);
  for (const auto name : names) {
    if (indicator_unit(name) != unit || k-- != 0) continue;
    return indicator(std::string(name), uniform_int(rng, kMinPeriod, kMaxPeriod));
  }
  return field(Field::Close);  // unreachable for any unit but Ratio
}

struct Builder {
  core::Rng& rng;
  bool full;
  double grow_terminal;

  // `room` is how many levels this node and its descendants may use (>= 1). A `typed` node has a
  // unit of its own (check_units), not only constants: one typed operand fixes the unit of a
  // comparison or an arithmetic node, so the other operand may be free (a threshold).
  Node number(int room, Unit unit, bool typed) {
    const bool terminal = room <= 1 || (!full && rng.bernoulli(grow_terminal));
    // A Ratio's only typed form is a quotient (or built on one, which needs room for both).
    const bool quotient = unit == Unit::Ratio && typed && room >= 2 && (terminal || room < 3);
    if (terminal && !quotient) {
      return typed && unit != Unit::Ratio ? unit_terminal(rng, unit) : random_terminal(rng, unit);
    }
    // Quotients are how a Ratio varies, so half of its nodes are quotients; any unit may be
    // scaled by a Ratio.
    const Op op = quotient || (unit == Unit::Ratio && rng.bernoulli(0.5))
                      ? Op::Div
                      : pick(rng, kNumberFunctions);
    if (op == Op::Lag)
      return lag(number(room - 1, unit, typed), uniform_int(rng, kMinLag, kMaxLag));
    if (op == Op::Div) {
      const Unit of = pick_unit(rng, kQuotientUnits, room - 1);
      // A typed dividend: a quotient of constants is a constant with no unit to draw it in.
      return binary(op, number(room - 1, of, true), number(room - 1, of, false));
    }
    // The product of a unit and a scale. The unit's factor is always typed: a constant there
    // beside a quotient would make the product a ratio (units.hpp).
    if (op == Op::Mul && unit != Unit::Ratio) {
      Node value = number(room - 1, unit, true);
      Node scale = number(room - 1, Unit::Ratio, false);
      if (rng.bernoulli(0.5)) return binary(op, std::move(value), std::move(scale));
      return binary(op, std::move(scale), std::move(value));
    }
    return binary(op, number(room - 1, unit, typed), number(room - 1, unit, false));
  }

  // Both sides in one unit, the left typed (so a comparison never holds only constants; with
  // `<` and crossings both ways, a threshold on the right loses nothing). Two equal sides compare
  // nothing and are redrawn.
  Node comparison(int room) {
    Node n;
    for (int attempt = 0; attempt < 100; ++attempt) {
      const Unit unit = pick_unit(rng, kComparisonUnits, room - 1);
      n = binary(pick(rng, kComparisons), number(room - 1, unit, true),
                 number(room - 1, unit, false));
      if (n.children[0] != n.children[1]) return n;
    }
    return n;  // still well-typed, merely degenerate
  }

  Node boolean_tree(int room) {
    if (room <= 1) return boolean(rng.bernoulli(0.5));
    // With room 2 only a comparison fits; "grow" also stops at comparisons half the time.
    const bool compare = room == 2 || (!full && rng.bernoulli(0.5));
    if (compare) return comparison(room);
    const Op op = pick(rng, kLogic);
    if (op == Op::Not) return unary(op, boolean_tree(room - 1));
    return binary(op, boolean_tree(room - 1), boolean_tree(room - 1));
  }
};

void check_options(Type type, const GenOptions& o) {
  const int floor = type == Type::Bool ? 2 : 1;
  if (o.min_depth < floor || o.min_depth > o.max_depth || o.max_nodes < 3) {
    throw std::invalid_argument("gp: bad GenOptions (depths " + std::to_string(o.min_depth) + ".." +
                                std::to_string(o.max_depth) + ")");
  }
}

// A Bool tree, or a Number tree of `unit`.
Node build(core::Rng& rng, Type type, Unit unit, int depth, bool full, const GenOptions& o,
           bool typed = false) {
  // Redraw oversized trees; a bounded number of tries then fall back to the smallest depth, which
  // always fits (a comparison of two terminals has 3 nodes).
  for (int attempt = 0; attempt < 100; ++attempt) {
    Builder b{rng, full, o.grow_terminal};
    Node n = type == Type::Bool ? b.boolean_tree(depth) : b.number(depth, unit, typed);
    if (node_count(n) <= o.max_nodes) return n;
  }
  Builder b{rng, false, 1.0};
  return type == Type::Bool ? b.boolean_tree(2) : b.number(std::min(depth, 2), unit, typed);
}

}  // namespace

double random_constant(core::Rng& rng, Unit unit) {
  const ConstantRange& r = constant_range(unit);
  const double v = r.log_uniform ? std::exp(rng.uniform(std::log(r.lo), std::log(r.hi)))
                                 : rng.uniform(r.lo, r.hi);
  // Dividing by a power of ten gives the double nearest the decimal, so it prints short.
  const double scale = std::pow(10.0, r.decimals);
  return std::clamp(std::round(v * scale) / scale, r.lo, r.hi);
}

Node random_terminal(core::Rng& rng, Unit unit) {
  if (unit == Unit::Ratio || (admits_constants(unit) && rng.bernoulli(0.5))) {
    return constant(random_constant(rng, unit));
  }
  return unit_terminal(rng, unit);
}

Node random_number_tree(core::Rng& rng, Unit unit, const GenOptions& options) {
  check_options(Type::Number, options);
  int depth = uniform_int(rng, options.min_depth, options.max_depth);
  if (unit == Unit::Ratio) depth = std::max(depth, std::min(2, options.max_depth));  // a quotient
  return build(rng, Type::Number, unit, depth, rng.bernoulli(0.5), options, true);
}

Node random_tree(core::Rng& rng, Type type, const GenOptions& options) {
  check_options(type, options);
  const Unit unit = type == Type::Number ? pick_unit(rng, kComparisonUnits, 2) : Unit::Price;
  const int depth = uniform_int(rng, options.min_depth, options.max_depth);
  return build(rng, type, unit, depth, rng.bernoulli(0.5), options);
}

Node ramped_tree(core::Rng& rng, Type type, int index, const GenOptions& options) {
  check_options(type, options);
  const Unit unit = type == Type::Number ? pick_unit(rng, kComparisonUnits, 2) : Unit::Price;
  const int depths = options.max_depth - options.min_depth + 1;
  const int depth = options.min_depth + index % depths;
  return build(rng, type, unit, depth, (index / depths) % 2 == 0, options);
}

Rule random_rule(core::Rng& rng, const GenOptions& options) {
  Rule r;
  r.long_entry = random_tree(rng, Type::Bool, options);
  if (rng.bernoulli(0.5)) r.long_exit = random_tree(rng, Type::Bool, options);
  r.short_entry = random_tree(rng, Type::Bool, options);
  if (rng.bernoulli(0.5)) r.short_exit = random_tree(rng, Type::Bool, options);
  return r;
}

}  // namespace organism::strategy::gp
