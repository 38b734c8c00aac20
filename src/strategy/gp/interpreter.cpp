#include "strategy/gp/interpreter.hpp"

#include <algorithm>
#include <stdexcept>

#include "indicators/column_spec.hpp"
#include "indicators/indicator_set.hpp"

namespace organism::strategy::gp {

namespace {

constexpr Limits kNoLimits{1 << 20, 1 << 30};

template <class F>
void each2(std::span<const double> a, std::span<const double> b, std::span<double> out, F f) {
  const std::size_t n = out.size();
  for (std::size_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
}

void number_op(Op op, std::span<const double> a, std::span<const double> b, std::span<double> out) {
  switch (op) {
    case Op::Add:
      each2(a, b, out, [](double x, double y) { return apply_number(Op::Add, x, y); });
      break;
    case Op::Sub:
      each2(a, b, out, [](double x, double y) { return apply_number(Op::Sub, x, y); });
      break;
    case Op::Mul:
      each2(a, b, out, [](double x, double y) { return apply_number(Op::Mul, x, y); });
      break;
    case Op::Div:
      each2(a, b, out, [](double x, double y) { return apply_number(Op::Div, x, y); });
      break;
    case Op::Min:
      each2(a, b, out, [](double x, double y) { return apply_number(Op::Min, x, y); });
      break;
    case Op::Max:
      each2(a, b, out, [](double x, double y) { return apply_number(Op::Max, x, y); });
      break;
    default:
      break;
  }
}

// x crosses above y at t: x[t] > y[t] and x[t-1] <= y[t-1]; never at the first bar, never where
// a value is NaN (every comparison with NaN is false).
void crosses(std::span<const double> x, std::span<const double> y, std::span<double> out) {
  if (out.empty()) return;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  out[0] = crossed_above(x[0], y[0], kNaN, kNaN);
  for (std::size_t i = 1; i < out.size(); ++i)
    out[i] = crossed_above(x[i], y[i], x[i - 1], y[i - 1]);
}

std::span<const double> field_span(const data::CandleView& bars, Field f) {
  switch (f) {
    case Field::Open:
      return bars.open;
    case Field::High:
      return bars.high;
    case Field::Low:
      return bars.low;
    case Field::Close:
      return bars.close;
    case Field::Volume:
      return bars.volume;
  }
  return bars.close;
}

}  // namespace

std::string check_evaluable(const Node& tree) {
  return check_structure(tree, result_type(tree.op), kNoLimits);
}

void exposure_from_signals(std::span<const double> long_entry, std::span<const double> long_exit,
                           std::span<const double> short_entry, std::span<const double> short_exit,
                           std::span<double> out) {
  auto fires = [](std::span<const double> s, std::size_t i) { return !s.empty() && s[i] != 0.0; };
  double state = 0.0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    state = next_exposure(state, fires(long_entry, i), fires(long_exit, i), fires(short_entry, i),
                          fires(short_exit, i));
    out[i] = state;
  }
}

int Interpreter::acquire(std::size_t n) {
  int id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<int>(pool_.size());
    pool_.emplace_back();
  }
  pool_[id].resize(n);
  return id;
}

void Interpreter::release(const Slot& s) {
  if (s.buffer >= 0) free_.push_back(s.buffer);
}

std::span<const double> Interpreter::column(const Node& n, const MarketView& view) {
  const indicators::ColumnSpec spec{n.name, {static_cast<double>(n.param)}};
  if (view.cache) {
    held_.push_back(indicators::cached_column(*view.cache, view.series_id, view.bars, spec));
    return *held_.back();
  }
  const std::string key = spec.name();
  auto it = uncached_.find(key);
  if (it == uncached_.end()) {
    it = uncached_.emplace(key, indicators::compute_column(view.bars, spec)).first;
  }
  return it->second;
}

Interpreter::Slot Interpreter::eval(const Node& n, const MarketView& view) {
  const std::size_t len = view.bars.size();
  switch (n.op) {
    case Op::Field:
      return {field_span(view.bars, n.field)};
    case Op::Indicator:
      return {column(n, view)};
    case Op::Funding:
      if (!view.funding_per_bar.empty()) return {view.funding_per_bar};
      [[fallthrough]];
    case Op::Constant:
    case Op::True:
    case Op::False: {
      const int id = acquire(len);
      const double v = n.op == Op::Constant ? n.value : n.op == Op::True ? 1.0 : 0.0;
      std::fill(pool_[id].begin(), pool_[id].end(), v);
      return {pool_[id], id};
    }
    default:
      break;
  }
  const Slot a = eval(n.children[0], view);
  const Slot b = n.children.size() > 1 ? eval(n.children[1], view) : Slot{};
  const int id = acquire(len);
  std::span<double> out(pool_[id]);
  const auto& x = a.values;
  const auto& y = b.values;
  switch (n.op) {
    case Op::Lag: {
      const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(n.param), len);
      std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k),
                std::numeric_limits<double>::quiet_NaN());
      std::copy(x.begin(), x.end() - static_cast<std::ptrdiff_t>(k),
                out.begin() + static_cast<std::ptrdiff_t>(k));
      break;
    }
    case Op::Gt:
      each2(x, y, out, [](double p, double q) { return apply_bool(Op::Gt, p, q); });
      break;
    case Op::Lt:
      each2(x, y, out, [](double p, double q) { return apply_bool(Op::Lt, p, q); });
      break;
    case Op::CrossAbove:
      crosses(x, y, out);
      break;
    case Op::CrossBelow:
      crosses(y, x, out);
      break;
    case Op::And:
      each2(x, y, out, [](double p, double q) { return apply_bool(Op::And, p, q); });
      break;
    case Op::Or:
      each2(x, y, out, [](double p, double q) { return apply_bool(Op::Or, p, q); });
      break;
    case Op::Not:
      for (std::size_t i = 0; i < len; ++i) out[i] = apply_bool(Op::Not, x[i], 0.0);
      break;
    default:
      number_op(n.op, x, y, out);
      break;
  }
  release(a);
  release(b);
  return {out, id};
}

std::span<const double> Interpreter::evaluate(const Node& tree, const MarketView& view) {
  if (!view.funding_per_bar.empty() && view.funding_per_bar.size() != view.bars.size()) {
    throw std::invalid_argument("gp: funding_per_bar must be empty or one value per bar");
  }
  // Validated once here so the inner loops can trust arities and parameters.
  const std::string err = check_evaluable(tree);
  if (!err.empty()) throw std::invalid_argument("gp: invalid tree: " + err);
  // The previous result's buffer is released only now, so the span returned last time stayed
  // valid until this call. Cache columns held by the previous call are dropped likewise.
  if (last_ >= 0) free_.push_back(last_);
  held_.clear();
  uncached_.clear();
  const Slot s = eval(tree, view);
  last_ = s.buffer;
  return s.values;
}

void Interpreter::exposure(const Rule& rule, const MarketView& view, std::span<double> out) {
  if (out.size() != view.bars.size()) throw std::invalid_argument("gp: exposure size mismatch");
  const std::optional<Node>* trees[] = {&rule.long_entry, &rule.long_exit, &rule.short_entry,
                                        &rule.short_exit};
  for (int i = 0; i < 4; ++i) {
    if (*trees[i]) {
      const auto v = evaluate(**trees[i], view);
      signals_[i].assign(v.begin(), v.end());
    } else {
      signals_[i].clear();
    }
  }
  exposure_from_signals(signals_[0], signals_[1], signals_[2], signals_[3], out);
}

std::vector<double> Interpreter::exposure(const Rule& rule, const MarketView& view) {
  std::vector<double> out(view.bars.size());
  exposure(rule, view, out);
  return out;
}

}  // namespace organism::strategy::gp
