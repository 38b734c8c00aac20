#include "evolve/real_operators.hpp"

#include <algorithm>
#include <cmath>

namespace organism::evolve {
namespace {

// Parents closer than this are treated as equal (the reference code's EPS).
constexpr double kEqualParents = 1e-14;
// Integer genes live on [lo - 0.5, hi + 0.5 - kIntEdge] so rounding never leaves [lo, hi].
constexpr double kIntEdge = 1e-9;

// The spread factor of one child: beta is how far the nearer bound allows the child to go,
// relative to the parents' distance; alpha renormalizes the polynomial distribution to the part
// of the line inside the bound. Same uniform draw u for both children, as in realcross.
double bounded_betaq(double beta, double eta, double u) {
  const double alpha = 2.0 - std::pow(beta, -(eta + 1.0));
  if (u <= 1.0 / alpha) return std::pow(u * alpha, 1.0 / (eta + 1.0));
  return std::pow(1.0 / (2.0 - u * alpha), 1.0 / (eta + 1.0));
}

double round_int(double x, double lo, double hi) { return std::clamp(std::floor(x + 0.5), lo, hi); }

}  // namespace

std::pair<double, double> sbx(double a, double b, double lo, double hi, double eta,
                              core::Rng& rng) {
  if (!(hi > lo)) return {a, b};
  // Parents outside the bounds would make beta negative and the power NaN.
  const double ca = std::clamp(a, lo, hi), cb = std::clamp(b, lo, hi);
  if (std::fabs(ca - cb) <= kEqualParents) return {ca, cb};
  const double y1 = std::min(ca, cb), y2 = std::max(ca, cb);
  const double u = rng.uniform();
  const double spread = y2 - y1;
  const double betaq_low = bounded_betaq(1.0 + 2.0 * (y1 - lo) / spread, eta, u);
  const double betaq_high = bounded_betaq(1.0 + 2.0 * (hi - y2) / spread, eta, u);
  const double c1 = std::clamp(0.5 * ((y1 + y2) - betaq_low * spread), lo, hi);
  const double c2 = std::clamp(0.5 * ((y1 + y2) + betaq_high * spread), lo, hi);
  if (rng.bernoulli(0.5)) return {c2, c1};
  return {c1, c2};
}

double polynomial_mutation(double x, double lo, double hi, double eta, core::Rng& rng) {
  if (!(hi > lo)) return x;
  const double y = std::clamp(x, lo, hi);
  const double span = hi - lo;
  const double delta1 = (y - lo) / span;
  const double delta2 = (hi - y) / span;
  const double u = rng.uniform();
  const double power = 1.0 / (eta + 1.0);
  double deltaq = 0.0;
  // Each half of u moves one way; the (1 - delta)^(eta+1) term keeps the move inside the bound.
  if (u <= 0.5) {
    const double val = 2.0 * u + (1.0 - 2.0 * u) * std::pow(1.0 - delta1, eta + 1.0);
    deltaq = std::pow(val, power) - 1.0;
  } else {
    const double val = 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * std::pow(1.0 - delta2, eta + 1.0);
    deltaq = 1.0 - std::pow(val, power);
  }
  return std::clamp(y + deltaq * span, lo, hi);
}

std::pair<double, double> sbx_int(double a, double b, double lo, double hi, double eta,
                                  core::Rng& rng) {
  const auto [c1, c2] = sbx(a, b, lo - 0.5, hi + 0.5 - kIntEdge, eta, rng);
  return {round_int(c1, lo, hi), round_int(c2, lo, hi)};
}

double polynomial_mutation_int(double x, double lo, double hi, double eta, core::Rng& rng) {
  return round_int(polynomial_mutation(x, lo - 0.5, hi + 0.5 - kIntEdge, eta, rng), lo, hi);
}

}  // namespace organism::evolve
