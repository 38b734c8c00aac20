// The test problems at hand-computed points, and the true fronts' hypervolumes against an
// independent numerical integration.
#include "evolve/test_problems.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace organism::evolve {
namespace {

std::vector<double> evaluate(const std::string& name, std::vector<double> x) {
  return make_test_problem(name).evaluate(x).objectives;
}

TEST(TestProblems, ShapesAndBounds) {
  for (const auto& name : test_problem_names()) {
    const auto p = make_test_problem(name);
    EXPECT_EQ(p.name, name);
    EXPECT_EQ(p.variables(), name == "dtlz2" ? 12u : 30u);
    EXPECT_EQ(p.objectives, name == "dtlz2" ? 3u : 2u);
    EXPECT_EQ(p.lower, std::vector<double>(p.variables(), 0.0));
    EXPECT_EQ(p.upper, std::vector<double>(p.variables(), 1.0));
  }
  EXPECT_THROW(make_test_problem("zdt9"), std::invalid_argument);
}

TEST(TestProblems, ZdtByHand) {
  std::vector<double> x(30, 0.0);
  x[0] = 0.25;  // on the front (g = 1): f2 = 1 - sqrt(.25), 1 - .25^2, 1 - .5 - .25 sin(2.5 pi)
  EXPECT_EQ(evaluate("zdt1", x), (std::vector<double>{0.25, 0.5}));
  EXPECT_EQ(evaluate("zdt2", x), (std::vector<double>{0.25, 0.9375}));
  const auto z3 = evaluate("zdt3", x);
  EXPECT_DOUBLE_EQ(z3[1], 0.25);
  std::fill(x.begin(), x.end(), 1.0);  // g = 10
  EXPECT_DOUBLE_EQ(evaluate("zdt1", x)[1], 10.0 * (1.0 - std::sqrt(0.1)));
  EXPECT_DOUBLE_EQ(evaluate("zdt2", x)[1], 10.0 * (1.0 - 0.01));
}

TEST(TestProblems, Dtlz2ByHand) {
  std::vector<double> x(12, 0.5);  // g = 0: on the unit sphere
  x[0] = 0;
  x[1] = 0;
  auto f = evaluate("dtlz2", x);
  EXPECT_DOUBLE_EQ(f[0], 1.0);
  EXPECT_DOUBLE_EQ(f[1], 0.0);
  EXPECT_DOUBLE_EQ(f[2], 0.0);
  x[0] = 0.5;
  x[1] = 0.5;
  f = evaluate("dtlz2", x);
  EXPECT_NEAR(f[0] * f[0] + f[1] * f[1] + f[2] * f[2], 1.0, 1e-15);
  EXPECT_DOUBLE_EQ(f[2], std::sin(std::numbers::pi / 4));
  std::fill(x.begin() + 2, x.end(), 0.0);  // g = 10 x 0.25: radius 3.5
  f = evaluate("dtlz2", x);
  EXPECT_NEAR(std::sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]), 3.5, 1e-12);
}

// Area dominated by the curve f2(f1), f1 in [0, 1], below the reference (1.1, 1.1): at each f1
// everything above the running minimum of f2 so far (f2 may go negative, as on ZDT3), by the
// midpoint rule; then the strip f1 in [1, 1.1] above the overall minimum.
double integrate_front(double (*f2)(double)) {
  constexpr int kSteps = 2'000'000;
  constexpr double r = kSelftestReference;
  double area = 0, best = r;
  for (int i = 0; i < kSteps; ++i) {
    const double f1 = (i + 0.5) / kSteps;
    best = std::min(best, f2(f1));
    area += (r - best) / kSteps;
  }
  return area + (r - 1.0) * (r - best);
}

TEST(TestProblems, TrueFrontHypervolumes) {
  EXPECT_NEAR(true_front_hypervolume("zdt1"), 0.876667, 1e-6);
  EXPECT_NEAR(true_front_hypervolume("zdt2"), 0.543333, 1e-6);
  EXPECT_NEAR(true_front_hypervolume("dtlz2"), 1.331 - std::numbers::pi / 6, 1e-12);
  EXPECT_NEAR(true_front_hypervolume("zdt1"),
              integrate_front([](double f1) { return 1 - std::sqrt(f1); }), 1e-5);
  EXPECT_NEAR(true_front_hypervolume("zdt2"),
              integrate_front([](double f1) { return 1 - f1 * f1; }), 1e-5);
  EXPECT_NEAR(true_front_hypervolume("zdt3"), integrate_front([](double f1) {
                return 1 - std::sqrt(f1) - f1 * std::sin(10 * std::numbers::pi * f1);
              }),
              1e-5);
  EXPECT_THROW(true_front_hypervolume("nope"), std::invalid_argument);
}

}  // namespace
}  // namespace organism::evolve
