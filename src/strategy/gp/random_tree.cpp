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

bool is_free(const Node& n) {
  if (terminal_unit(n)) return false;
  for (const Node& c : n.children) {
    if (!is_free(c)) return false;
  }
  return true;
}

struct Builder {
  core::Rng& rng;
  bool full;
  double grow_terminal;

  // `room` is how many levels this node and its descendants may use (>= 1).
  Node number(int room, Unit unit) {
    const bool terminal = room <= 1 || (!full && rng.bernoulli(grow_terminal));
    if (terminal) return random_terminal(rng, unit);
    // Quotients are how a Ratio gets a value that is not constant, so half of its nodes are
    // quotients; any unit may be scaled by a Ratio.
    const Op op = unit == Unit::Ratio && rng.bernoulli(0.5) ? Op::Div : pick(rng, kNumberFunctions);
    if (op == Op::Lag) return lag(number(room - 1, unit), uniform_int(rng, kMinLag, kMaxLag));
    if (op == Op::Div) {
      const Unit of = pick_unit(rng, kQuotientUnits, room - 1);
      return binary(op, number(room - 1, of), number(room - 1, of));
    }
    if (op == Op::Mul && unit != Unit::Ratio) {
      if (rng.bernoulli(0.5))
        return binary(op, number(room - 1, unit), number(room - 1, Unit::Ratio));
      return binary(op, number(room - 1, Unit::Ratio), number(room - 1, unit));
    }
    return binary(op, number(room - 1, unit), number(room - 1, unit));
  }

  // Both sides in one unit; two constant-only or two equal sides are redrawn (they compare
  // nothing).
  Node comparison(int room) {
    Node n;
    for (int attempt = 0; attempt < 100; ++attempt) {
      const Unit unit = pick_unit(rng, kComparisonUnits, room - 1);
      n = binary(pick(rng, kComparisons), number(room - 1, unit), number(room - 1, unit));
      if (!is_free(n) && n.children[0] != n.children[1]) return n;
    }
    return n;  // still well-typed, merely constant
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

void validate(Type type, const GenOptions& o) {
  const int floor = type == Type::Bool ? 2 : 1;
  if (o.min_depth < floor || o.min_depth > o.max_depth || o.max_nodes < 3) {
    throw std::invalid_argument("gp: bad GenOptions (depths " + std::to_string(o.min_depth) + ".." +
                                std::to_string(o.max_depth) + ")");
  }
}

// A Bool tree, or a Number tree of `unit`.
Node build(core::Rng& rng, Type type, Unit unit, int depth, bool full, const GenOptions& o) {
  // Redraw oversized trees; a bounded number of tries then fall back to the smallest depth, which
  // always fits (a comparison of two terminals has 3 nodes).
  for (int attempt = 0; attempt < 100; ++attempt) {
    Builder b{rng, full, o.grow_terminal};
    Node n = type == Type::Bool ? b.boolean_tree(depth) : b.number(depth, unit);
    if (node_count(n) <= o.max_nodes) return n;
  }
  Builder b{rng, false, 1.0};
  return type == Type::Bool ? b.boolean_tree(2) : b.number(1, unit);
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
  return field(Field::Close);  // unreachable: every unit but Ratio has a terminal
}

Node random_number_tree(core::Rng& rng, Unit unit, const GenOptions& options) {
  validate(Type::Number, options);
  const int depth = uniform_int(rng, options.min_depth, options.max_depth);
  return build(rng, Type::Number, unit, depth, rng.bernoulli(0.5), options);
}

Node random_tree(core::Rng& rng, Type type, const GenOptions& options) {
  validate(type, options);
  const Unit unit = type == Type::Number ? pick_unit(rng, kComparisonUnits, 2) : Unit::Price;
  const int depth = uniform_int(rng, options.min_depth, options.max_depth);
  return build(rng, type, unit, depth, rng.bernoulli(0.5), options);
}

Node ramped_tree(core::Rng& rng, Type type, int index, const GenOptions& options) {
  validate(type, options);
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
