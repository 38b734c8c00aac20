// The classic real-valued test problems of multi-objective optimization, with known Pareto fronts:
// ZDT1, ZDT2, ZDT3 (Zitzler, Deb & Thiele 2000) and DTLZ2 (Deb, Thiele, Laumanns & Zitzler 2002).
// Used by `organism selftest nsga2` and the evolve tests to show the optimizer finds those fronts.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "evolve/nsga2.hpp"

namespace organism::evolve {

// A box-bounded real-valued problem: x within [lower, upper] per variable, all objectives
// minimized.
struct RealProblem {
  std::string name;
  std::size_t objectives = 0;
  std::vector<double> lower;
  std::vector<double> upper;
  // Called from several threads at once (run_real_nsga2 evaluates a generation in parallel):
  // it must not write shared state.
  std::function<Fitness(std::span<const double> x)> evaluate;

  std::size_t variables() const { return lower.size(); }
};

// The names make_test_problem accepts: zdt1, zdt2, zdt3, dtlz2.
std::vector<std::string> test_problem_names();

// ZDT1-3: 30 variables in [0, 1], 2 objectives. DTLZ2: 12 variables in [0, 1], 3 objectives.
// Throws std::invalid_argument on an unknown name.
RealProblem make_test_problem(std::string_view name);

// The reference point the selftest measures hypervolume against: 1.1 in every objective.
constexpr double kSelftestReference = 1.1;

// Hypervolume of the problem's true Pareto front against kSelftestReference: closed forms for
// ZDT1 (0.1 + 2/3 + 0.11), ZDT2 (0.1 + 1/3 + 0.11) and DTLZ2 (1.1^3 - pi/6: the box minus the
// unit ball's octant); ZDT3's disconnected front from 200,001 points of its curve.
double true_front_hypervolume(std::string_view name);

}  // namespace organism::evolve
