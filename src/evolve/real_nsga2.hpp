// NSGA-II over real vectors (Deb et al. 2002): crowded tournaments, SBX and polynomial mutation,
// elitist survival of parents + offspring. A plain loop with no I/O, used by
// `organism selftest nsga2` and the evolve tests to show the selection machinery of nsga2.hpp and
// the operators of real_operators.hpp find known fronts. Genomes have their own engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "evolve/nsga2.hpp"
#include "evolve/test_problems.hpp"

namespace organism::evolve {

struct RealNsga2Options {
  std::size_t population = 100;   // even, >= 4
  std::size_t generations = 250;  // offspring generations after the random start
  std::uint64_t seed = 1;
  double crossover_probability = 0.9;  // per pair; each variable then crosses with probability 1/2
  double mutation_probability = -1;    // per variable; < 0: 1 / number of variables
  double crossover_eta = 15;           // SBX distribution index
  double mutation_eta = 20;            // polynomial mutation distribution index
};

struct RealNsga2Result {
  std::vector<std::vector<double>> variables;  // the final population, ascending survivor index
  std::vector<Fitness> fitness;                // same order
  std::size_t evaluations = 0;                 // population * (generations + 1)
};

// Throws std::invalid_argument when the options are unusable (odd or tiny population, bad
// probabilities or indices). Every random draw comes from core::Rng(seed, {generation, pair or
// individual, purpose}), so the result does not depend on the order of evaluation.
RealNsga2Result run_real_nsga2(const RealProblem& problem, const RealNsga2Options& options);

// The objective vectors of the result's first non-dominated front (feasible members only).
std::vector<std::vector<double>> first_front_objectives(const RealNsga2Result& result);

}  // namespace organism::evolve
