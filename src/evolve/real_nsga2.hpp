// NSGA-II over real vectors (Deb et al. 2002): crowded tournaments, SBX and polynomial mutation,
// elitist survival of parents + offspring. No I/O. Used by `organism selftest nsga2` and the evolve
// tests (known fronts), and by `organism portfolio evolve` (the allocator's sizing parameters),
// which runs it generation by generation with a checkpoint between steps. Genomes have their own
// engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
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
  int threads = 0;                     // evaluation threads; 0: all cores (never changes a result)
};

// Everything a run carries from one generation to the next: a run stopped after any generation
// and continued from its state gives the same result as one that never stopped.
struct RealNsga2State {
  std::size_t generation = 0;                  // offspring generations done (0: the random start)
  std::vector<std::vector<double>> variables;  // the population, ascending survivor index
  std::vector<Fitness> fitness;                // same order
  std::size_t evaluations = 0;                 // population * (generation + 1)
};
using RealNsga2Result = RealNsga2State;

// Throws std::invalid_argument when the options are unusable (odd or tiny population, bad
// probabilities or indices). Every random draw comes from core::Rng(seed, {generation, pair or
// individual, purpose}), and each individual is evaluated into its own slot, so the result depends
// neither on the order of evaluation nor on the thread count.
RealNsga2Result run_real_nsga2(const RealProblem& problem, const RealNsga2Options& options);

// The same run one step at a time: the random start (generation 0, evaluated), then one offspring
// generation per call. run_real_nsga2 = start, then step until options.generations.
RealNsga2State real_nsga2_start(const RealProblem& problem, const RealNsga2Options& options);
void real_nsga2_step(const RealProblem& problem, const RealNsga2Options& options,
                     RealNsga2State& state);

// The state as JSON and back, bit for bit (doubles round-trip; non-finite ones as strings).
// Throws std::invalid_argument naming what is missing or malformed.
nlohmann::json real_nsga2_state_json(const RealNsga2State& state);
RealNsga2State real_nsga2_state_from_json(const nlohmann::json& j);

// The objective vectors of the result's first non-dominated front (feasible members only).
std::vector<std::vector<double>> first_front_objectives(const RealNsga2Result& result);
// The indices of those members, ascending.
std::vector<std::size_t> first_front_indices(const RealNsga2Result& result);

}  // namespace organism::evolve
