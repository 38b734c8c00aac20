// The distinct members of a front: members whose realized exposures are the same on every coin and
// every stage trade the same positions, so they are one strategy under several genomes. Used by
// `organism evolve` and `organism validate` before validating and reporting a front. No I/O.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "evolve/backtest_problem.hpp"
#include "evolve/individual.hpp"

namespace organism::validate {

struct DistinctMember {
  evolve::Individual representative;  // the simplest genome of the group (simpler())
  std::vector<std::string> aliases;   // the others' ids, sorted
};

// a is simpler than b: fewer active genes (strategy::active_genes), then fewer rule-tree nodes
// (seed families: 0), then the smaller id. A strict weak order, total on distinct ids.
bool simpler(const evolve::Individual& a, const evolve::Individual& b);

// The realized exposure series (evolve::BacktestProblem::backtest, so stops and the leverage cap are
// in it), then the equity series, of the genome on every coin's in-sample, out-of-sample and
// walk-forward segment, one after the other: two genomes with equal signatures trade alike
// everywhere (equity catches round trips inside one bar, which exposure at closes misses).
std::vector<double> exposure_signature(const evolve::BacktestProblem& evaluator,
                                       const strategy::Genome& genome);

// The front grouped by exposure signature: members are grouped by a hash of the signature's exact
// doubles (-0 as 0), and a group is confirmed by comparing the signatures themselves, so a hash
// collision never merges two strategies. One entry per group, its representative the simplest
// member; ordered by representative id. Members with the same id count once. Backtests run on
// the evaluator's threads.
std::vector<DistinctMember> distinct_front(const evolve::BacktestProblem& evaluator,
                                           std::span<const evolve::Individual> front);

}  // namespace organism::validate
