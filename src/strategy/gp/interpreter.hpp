// gp::Interpreter: array-at-a-time evaluation of rule trees (each node computes its whole array
// once into reused scratch buffers; indicator terminals come from the indicator cache), and the
// scalar meaning of every operator, shared with the one-bar-at-a-time gp::rule_stream. Used by
// the tree family, evolution's fitness evaluation, simplification and the streaming runtime.
#pragma once

#include <cmath>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "indicators/cache.hpp"
#include "strategy/gp/node.hpp"
#include "strategy/market.hpp"

namespace organism::strategy::gp {

// The scalar meaning of the Number functions, shared by evaluation and constant folding so a
// folded constant is bit-identical to what evaluation would have computed.
inline double apply_number(Op op, double a, double b) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  switch (op) {
    case Op::Add:
      return a + b;
    case Op::Sub:
      return a - b;
    case Op::Mul:
      return a * b;
    // Protected: a NaN numerator stays NaN (warm-up propagates); a denominator within
    // ±kDivEpsilon gives 1 (Koza's convention), so no tree ever divides by zero.
    case Op::Div:
      return std::isnan(a) ? a : (std::fabs(b) <= kDivEpsilon ? 1.0 : a / b);
    case Op::Min:
      return std::isnan(a) || std::isnan(b) ? kNaN : (b < a ? b : a);
    case Op::Max:
      return std::isnan(a) || std::isnan(b) ? kNaN : (b > a ? b : a);
    default:
      return kNaN;
  }
}

// The scalar meaning of the Bool functions; a Bool is 0 or 1 and every comparison with NaN is
// false. Not reads only a.
inline double apply_bool(Op op, double a, double b) {
  switch (op) {
    case Op::Gt:
      return a > b ? 1.0 : 0.0;
    case Op::Lt:
      return a < b ? 1.0 : 0.0;
    case Op::And:
      return a != 0 && b != 0 ? 1.0 : 0.0;
    case Op::Or:
      return a != 0 || b != 0 ? 1.0 : 0.0;
    case Op::Not:
      return a != 0 ? 0.0 : 1.0;
    default:
      return 0.0;
  }
}

// x crosses above y at a bar: x > y there and x <= y at the bar before (prev_x, prev_y; NaN
// before the first bar, so a series never crosses at its first bar or next to a NaN).
inline double crossed_above(double x, double y, double prev_x, double prev_y) {
  return x > y && prev_x <= prev_y ? 1.0 : 0.0;
}

// One bar of the state machine below: the exposure after a bar whose signals fired as given,
// starting from `state` (the exposure after the bar before).
inline double next_exposure(double state, bool long_entry, bool long_exit, bool short_entry,
                            bool short_exit) {
  if (long_entry && short_entry) return 0.0;
  if (long_entry) return 1.0;
  if (short_entry) return -1.0;
  if ((state > 0 && long_exit) || (state < 0 && short_exit)) return 0.0;
  return state;
}

// What a tree must pass to be evaluated (check_structure without size limits: evolution's limits
// are its own, and hand-written rules of any size run). Empty when the tree can run.
std::string check_evaluable(const Node& tree);

// Target exposure from the four signals (each 0/1 per bar; an empty span never fires), decided
// at each bar's close, starting flat:
//   both entries fire            -> flat (conflict)
//   only the long entry fires    -> long  (+1), from flat or reversing a short
//   only the short entry fires   -> short (-1), from flat or reversing a long
//   no entry fires               -> unchanged, except a long whose long exit fires and a short
//                                   whose short exit fires go flat
// An entry therefore wins over its own side's exit on the same bar.
void exposure_from_signals(std::span<const double> long_entry, std::span<const double> long_exit,
                           std::span<const double> short_entry, std::span<const double> short_exit,
                           std::span<double> out);

// One interpreter per thread: it owns the scratch buffers, which grow to the largest tree and
// series seen and are then reused without allocation.
class Interpreter {
 public:
  // The tree's values per bar (Bool trees as 0/1; comparisons with NaN are false). The span
  // stays valid until the next call (it may point into the bars, a cache column or a buffer).
  // Throws std::invalid_argument for a tree that fails check_structure() (types, arities,
  // parameters; units are not needed to evaluate, so hand-written trees mixing them run). Throws
  // std::invalid_argument when the view's funding is neither empty nor as long as its bars.
  std::span<const double> evaluate(const Node& tree, const MarketView& view);

  // Target exposure in {-1, 0, 1} per bar; out.size() must equal the bar count.
  void exposure(const Rule& rule, const MarketView& view, std::span<double> out);
  std::vector<double> exposure(const Rule& rule, const MarketView& view);

 private:
  struct Slot {
    std::span<const double> values;
    int buffer = -1;  // scratch buffer owned by this slot, or -1 (a view of bars or a column)
  };

  Slot eval(const Node& n, const MarketView& view);
  int acquire(std::size_t n);
  void release(const Slot& s);
  std::span<const double> column(const Node& n, const MarketView& view);

  std::vector<std::vector<double>> pool_;
  std::vector<int> free_;
  std::vector<indicators::SharedColumn> held_;           // cache columns in use this call
  std::map<std::string, std::vector<double>> uncached_;  // columns computed without a cache
  std::vector<double> signals_[4];
  int last_ = -1;  // buffer holding the last result
};

}  // namespace organism::strategy::gp
