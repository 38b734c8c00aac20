#include "strategy/gp/simplify.hpp"

#include <cmath>

#include "strategy/gp/interpreter.hpp"
#include "strategy/gp/units.hpp"

namespace organism::strategy::gp {

namespace {

bool is_const(const Node& n, double v) { return n.op == Op::Constant && n.value == v; }
bool is_true(const Node& n) { return n.op == Op::True; }
bool is_false(const Node& n) { return n.op == Op::False; }

Node fold_number(Node n) {
  Node& a = n.children[0];
  if (n.op == Op::Lag) return n;
  Node& b = n.children[1];
  if (a.op == Op::Constant && b.op == Op::Constant) {
    const double v = apply_number(n.op, a.value, b.value);
    if (std::isfinite(v)) return constant(v);
    return n;
  }
  switch (n.op) {
    case Op::Add:
      if (is_const(b, 0.0)) return std::move(a);
      if (is_const(a, 0.0)) return std::move(b);
      break;
    case Op::Sub:
      if (is_const(b, 0.0)) return std::move(a);
      break;
    case Op::Mul:
      if (is_const(b, 1.0)) return std::move(a);
      if (is_const(a, 1.0)) return std::move(b);
      break;
    case Op::Div:
      // x / 1 is a Ratio; it becomes x only when x is one too (or free), so units still agree.
      if (is_const(b, 1.0) && unit_of(a).value_or(Unit::Ratio) == Unit::Ratio) return std::move(a);
      break;
    case Op::Min:
    case Op::Max:
      if (a == b) return std::move(a);
      break;
    default:
      break;
  }
  return n;
}

Node fold_compare(Node n) {
  const Node& a = n.children[0];
  const Node& b = n.children[1];
  if (a == b) return boolean(false);  // x > x, x < x, x crosses x: never (NaN too)
  if (a.op == Op::Constant && b.op == Op::Constant) {
    if (n.op == Op::Gt) return boolean(a.value > b.value);
    if (n.op == Op::Lt) return boolean(a.value < b.value);
    return boolean(false);  // two flat lines never cross
  }
  return n;
}

Node fold_logic(Node n) {
  if (n.op == Op::Not) {
    Node& x = n.children[0];
    if (x.op == Op::Not) return std::move(x.children[0]);
    if (is_true(x)) return boolean(false);
    if (is_false(x)) return boolean(true);
    return n;
  }
  Node& a = n.children[0];
  Node& b = n.children[1];
  const bool is_and = n.op == Op::And;
  // The absorbing constant decides; the neutral one drops out.
  if (is_and ? (is_false(a) || is_false(b)) : (is_true(a) || is_true(b))) return boolean(!is_and);
  if (is_and ? is_true(a) : is_false(a)) return std::move(b);
  if (is_and ? is_true(b) : is_false(b)) return std::move(a);
  if (a == b) return std::move(a);
  return n;
}

}  // namespace

Node simplify(const Node& in) {
  Node n = in;
  for (Node& c : n.children) c = simplify(c);
  switch (n.op) {
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Min:
    case Op::Max:
    case Op::Lag:
      return fold_number(std::move(n));
    case Op::Gt:
    case Op::Lt:
    case Op::CrossAbove:
    case Op::CrossBelow:
      return fold_compare(std::move(n));
    case Op::And:
    case Op::Or:
    case Op::Not:
      return fold_logic(std::move(n));
    default:
      return n;
  }
}

Rule simplify(const Rule& r) {
  Rule out;
  if (r.long_entry) out.long_entry = simplify(*r.long_entry);
  if (r.long_exit) out.long_exit = simplify(*r.long_exit);
  if (r.short_entry) out.short_entry = simplify(*r.short_entry);
  if (r.short_exit) out.short_exit = simplify(*r.short_exit);
  return out;
}

}  // namespace organism::strategy::gp
