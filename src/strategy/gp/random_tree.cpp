#include "strategy/gp/random_tree.hpp"

#include <cmath>
#include <stdexcept>

namespace organism::strategy::gp {

namespace {

constexpr Op kNumberFunctions[] = {Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Lag, Op::Min, Op::Max};
constexpr Op kComparisons[] = {Op::Gt, Op::Lt, Op::CrossAbove, Op::CrossBelow};
constexpr Op kLogic[] = {Op::And, Op::Or, Op::Not};

template <class T, std::size_t N>
T pick(core::Rng& rng, const T (&items)[N]) {
  return items[rng.below(N)];
}

int uniform_int(core::Rng& rng, int lo, int hi) {
  return lo + static_cast<int>(rng.below(static_cast<std::uint64_t>(hi - lo + 1)));
}

// Constants on two scales: small reals (ratios, z-scores, returns) rounded to 3 decimals, and
// whole numbers 0..100 (oscillator levels); both print short and exactly.
double random_constant(core::Rng& rng) {
  if (rng.bernoulli(0.5)) return std::round(rng.uniform(-2.0, 2.0) * 1000.0) / 1000.0;
  return static_cast<double>(uniform_int(rng, 0, 100));
}

struct Builder {
  core::Rng& rng;
  bool full;
  double grow_terminal;

  // `room` is how many levels this node and its descendants may use (>= 1).
  Node number(int room) {
    const bool terminal = room <= 1 || (!full && rng.bernoulli(grow_terminal));
    if (terminal) return random_number_terminal(rng);
    const Op op = pick(rng, kNumberFunctions);
    if (op == Op::Lag) return lag(number(room - 1), uniform_int(rng, kMinLag, kMaxLag));
    return binary(op, number(room - 1), number(room - 1));
  }

  Node boolean_tree(int room) {
    if (room <= 1) return boolean(rng.bernoulli(0.5));
    // With room 2 only a comparison fits; "grow" also stops at comparisons half the time.
    const bool compare = room == 2 || (!full && rng.bernoulli(0.5));
    if (compare) return binary(pick(rng, kComparisons), number(room - 1), number(room - 1));
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

Node build(core::Rng& rng, Type type, int depth, bool full, const GenOptions& o) {
  // Redraw oversized trees; a bounded number of tries then fall back to the smallest depth, which
  // always fits (a comparison of two terminals has 3 nodes).
  for (int attempt = 0; attempt < 100; ++attempt) {
    Builder b{rng, full, o.grow_terminal};
    Node n = type == Type::Bool ? b.boolean_tree(depth) : b.number(depth);
    if (node_count(n) <= o.max_nodes) return n;
  }
  Builder b{rng, false, 1.0};
  return type == Type::Bool ? b.boolean_tree(2) : b.number(1);
}

}  // namespace

Node random_number_terminal(core::Rng& rng) {
  const double u = rng.uniform();
  if (u < 0.45) {
    const auto names = indicator_names();
    return indicator(std::string(names[rng.below(names.size())]),
                     uniform_int(rng, kMinPeriod, kMaxPeriod));
  }
  if (u < 0.75) return field(static_cast<Field>(rng.below(5)));
  if (u < 0.9) return constant(random_constant(rng));
  return funding();
}

Node random_tree(core::Rng& rng, Type type, const GenOptions& options) {
  validate(type, options);
  const int depth = uniform_int(rng, options.min_depth, options.max_depth);
  return build(rng, type, depth, rng.bernoulli(0.5), options);
}

Node ramped_tree(core::Rng& rng, Type type, int index, const GenOptions& options) {
  validate(type, options);
  const int depths = options.max_depth - options.min_depth + 1;
  const int depth = options.min_depth + index % depths;
  return build(rng, type, depth, (index / depths) % 2 == 0, options);
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
