#include "evolve/test_problems.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace organism::evolve {
namespace {

constexpr std::size_t kZdtVariables = 30;
constexpr std::size_t kDtlzVariables = 12;
constexpr std::size_t kDtlzObjectives = 3;

// ZDT's distance function: 1 on the front (x2..xn all 0), up to 10.
double zdt_g(std::span<const double> x) {
  double sum = 0.0;
  for (std::size_t i = 1; i < x.size(); ++i) sum += x[i];
  return 1.0 + 9.0 * sum / static_cast<double>(x.size() - 1);
}

Fitness zdt1(std::span<const double> x) {
  const double g = zdt_g(x);
  return {{x[0], g * (1.0 - std::sqrt(x[0] / g))}, 0.0};
}

Fitness zdt2(std::span<const double> x) {
  const double g = zdt_g(x);
  const double r = x[0] / g;
  return {{x[0], g * (1.0 - r * r)}, 0.0};
}

Fitness zdt3(std::span<const double> x) {
  const double g = zdt_g(x);
  const double r = x[0] / g;
  return {{x[0], g * (1.0 - std::sqrt(r) - r * std::sin(10.0 * std::numbers::pi * x[0]))}, 0.0};
}

// DTLZ2 with three objectives: x1, x2 are angles on the unit sphere's octant, the other ten
// variables push the point outward by (1 + g), g = sum (xi - 0.5)^2.
Fitness dtlz2(std::span<const double> x) {
  double g = 0.0;
  for (std::size_t i = kDtlzObjectives - 1; i < x.size(); ++i) g += (x[i] - 0.5) * (x[i] - 0.5);
  const double a = x[0] * std::numbers::pi / 2, b = x[1] * std::numbers::pi / 2;
  const double r = 1.0 + g;
  return {{r * std::cos(a) * std::cos(b), r * std::cos(a) * std::sin(b), r * std::sin(a)}, 0.0};
}

RealProblem unit_box(std::string name, std::size_t objectives, std::size_t variables,
                     Fitness (*evaluate)(std::span<const double>)) {
  RealProblem p;
  p.name = std::move(name);
  p.objectives = objectives;
  p.lower.assign(variables, 0.0);
  p.upper.assign(variables, 1.0);
  p.evaluate = evaluate;
  return p;
}

}  // namespace

std::vector<std::string> test_problem_names() { return {"zdt1", "zdt2", "zdt3", "dtlz2"}; }

RealProblem make_test_problem(std::string_view name) {
  if (name == "zdt1") return unit_box("zdt1", 2, kZdtVariables, zdt1);
  if (name == "zdt2") return unit_box("zdt2", 2, kZdtVariables, zdt2);
  if (name == "zdt3") return unit_box("zdt3", 2, kZdtVariables, zdt3);
  if (name == "dtlz2") return unit_box("dtlz2", kDtlzObjectives, kDtlzVariables, dtlz2);
  throw std::invalid_argument("unknown test problem '" + std::string(name) +
                              "'; problems: zdt1, zdt2, zdt3, dtlz2");
}

double true_front_hypervolume(std::string_view name) {
  constexpr double r = kSelftestReference;
  // ZDT1 and ZDT2: the integral of (r - f2(f1)) over f1 in [0, 1], plus the strip f1 in [1, r]
  // dominated by the front's end point (1, 0).
  if (name == "zdt1") return (r - 1.0) + 2.0 / 3.0 + (r - 1.0) * r;
  if (name == "zdt2") return (r - 1.0) + 1.0 / 3.0 + (r - 1.0) * r;
  if (name == "dtlz2") return r * r * r - std::numbers::pi / 6.0;
  if (name == "zdt3") {
    // The curve with g = 1; its dominated stretches drop out of the sweep by themselves.
    constexpr std::size_t kSamples = 200'001;
    std::vector<std::vector<double>> curve(kSamples);
    std::vector<double> x(kZdtVariables, 0.0);
    for (std::size_t i = 0; i < kSamples; ++i) {
      x[0] = static_cast<double>(i) / static_cast<double>(kSamples - 1);
      curve[i] = zdt3(x).objectives;
    }
    const std::vector<double> reference(2, r);
    return hypervolume(curve, reference);
  }
  throw std::invalid_argument("unknown test problem '" + std::string(name) + "'");
}

}  // namespace organism::evolve
