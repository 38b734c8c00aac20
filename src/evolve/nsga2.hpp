// NSGA-II's selection machinery as published (Deb, Pratap, Agarwal & Meyarivan, 2002): fast
// non-dominated sorting with constraint-domination, crowding distance, the crowded binary
// tournament and elitist survival; and the hypervolume indicator used to check it.
// Pure computation, deterministic (ties broken by index, never by address or thread).
// Used by the evolution engine (evolve/engine) and `organism selftest nsga2`.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/random.hpp"

namespace organism::evolve {

// One individual's fitness: every objective MINIMIZED (the engine negates maximized metrics),
// and its total constraint violation (0: feasible; larger: worse).
struct Fitness {
  std::vector<double> objectives;
  double violation = 0;
};

// Constraint-domination (Deb 2002, section V): a feasible beats an infeasible; two infeasible
// compare by violation; two feasible by Pareto dominance (no worse everywhere, better somewhere).
// A NaN objective makes two feasible individuals incomparable (dominance stays a partial order,
// so every individual still gets a front); map failed evaluations to a violation instead.
bool constrained_dominates(const Fitness& a, const Fitness& b);

// Fronts in order (front 0 = non-dominated); each front's indices ascending. Deb's O(M N^2) sort.
// Throws std::invalid_argument when individuals have different numbers of objectives.
std::vector<std::vector<std::size_t>> non_dominated_sort(std::span<const Fitness> population);

// Crowding distance of each member of `front` (same order): boundary members of every objective
// get +infinity; others sum the normalized gap between neighbours. Sorting per objective is
// stable on (value, index), so equal values give a deterministic result. An objective with zero
// (or non-finite) range adds nothing; fronts of one or two members are all +infinity.
std::vector<double> crowding_distance(std::span<const Fitness> population, std::span<const std::size_t> front);

struct Ranking {
  std::vector<int> rank;         // front number per individual
  std::vector<double> crowding;  // crowding distance within its front
};
Ranking rank_population(std::span<const Fitness> population);

// True when a is preferred to b: lower rank, or equal rank and larger crowding distance.
bool crowded_less(const Ranking& ranking, std::size_t a, std::size_t b);

// Binary tournament: two distinct random indices, the crowded-better wins (a tie: a coin).
// A population of one returns 0; an empty one throws std::invalid_argument.
std::size_t tournament(const Ranking& ranking, core::Rng& rng);

// Elitist survival: the n best of the combined parent+offspring population, whole fronts first,
// the last front cut by descending crowding distance (ties by index). Indices ascending.
// n larger than the pool keeps everyone.
std::vector<std::size_t> select_survivors(std::span<const Fitness> combined, std::size_t n);

// Hypervolume dominated by `points` (minimization) and bounded by `reference`; points not
// strictly better than the reference in every objective contribute nothing. Exact for any number
// of objectives (2: sweep; more: recursive slicing, fine for fronts of a few hundred points).
// Throws std::invalid_argument when a point's size differs from the reference's (or it is empty).
double hypervolume(std::span<const std::vector<double>> points, std::span<const double> reference);

}  // namespace organism::evolve
