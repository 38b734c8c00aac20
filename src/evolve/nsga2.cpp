#include "evolve/nsga2.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace organism::evolve {
namespace {

bool feasible(const Fitness& f) { return !(f.violation > 0); }

// Pareto comparison of two objective vectors of equal length: +1 when a dominates b, -1 when b
// dominates a, 0 otherwise. Written with <= and < so a NaN objective makes the pair incomparable;
// the relation then stays a strict partial order and every individual lands in some front.
int pareto_compare(const std::vector<double>& a, const std::vector<double>& b) {
  bool a_better = false, b_better = false, comparable = true;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k] < b[k]) {
      a_better = true;
    } else if (b[k] < a[k]) {
      b_better = true;
    } else if (!(a[k] == b[k])) {
      comparable = false;  // NaN on either side
    }
  }
  if (!comparable || a_better == b_better) return 0;
  return a_better ? 1 : -1;
}

// Constraint-domination in both directions at once (see constrained_dominates).
int constrained_compare(const Fitness& a, const Fitness& b) {
  const bool fa = feasible(a), fb = feasible(b);
  if (fa && fb) return pareto_compare(a.objectives, b.objectives);
  if (fa != fb) return fa ? 1 : -1;
  if (a.violation < b.violation) return 1;
  if (b.violation < a.violation) return -1;
  return 0;
}

void check_objective_counts(std::span<const Fitness> population) {
  for (std::size_t i = 1; i < population.size(); ++i) {
    if (population[i].objectives.size() != population[0].objectives.size()) {
      throw std::invalid_argument("nsga2: individual " + std::to_string(i) + " has " +
                                  std::to_string(population[i].objectives.size()) +
                                  " objectives, individual 0 has " +
                                  std::to_string(population[0].objectives.size()));
    }
  }
}

}  // namespace

bool constrained_dominates(const Fitness& a, const Fitness& b) {
  if (feasible(a) && feasible(b) && a.objectives.size() != b.objectives.size()) return false;
  return constrained_compare(a, b) > 0;
}

std::vector<std::vector<std::size_t>> non_dominated_sort(std::span<const Fitness> population) {
  check_objective_counts(population);
  const std::size_t n = population.size();
  // Deb's fast sort: who each individual dominates, and by how many it is dominated.
  std::vector<std::vector<std::size_t>> dominated(n);
  std::vector<std::size_t> dominators(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const int c = constrained_compare(population[i], population[j]);
      if (c > 0) {
        dominated[i].push_back(j);
        ++dominators[j];
      } else if (c < 0) {
        dominated[j].push_back(i);
        ++dominators[i];
      }
    }
  }
  std::vector<std::vector<std::size_t>> fronts;
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i) {
    if (dominators[i] == 0) current.push_back(i);
  }
  while (!current.empty()) {
    std::vector<std::size_t> next;
    for (std::size_t p : current) {
      for (std::size_t q : dominated[p]) {
        if (--dominators[q] == 0) next.push_back(q);
      }
    }
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(current));
    current = std::move(next);
  }
  return fronts;
}

std::vector<double> crowding_distance(std::span<const Fitness> population,
                                      std::span<const std::size_t> front) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const std::size_t n = front.size();
  std::vector<double> distance(n, 0.0);
  if (n <= 2) {
    std::fill(distance.begin(), distance.end(), kInf);
    return distance;
  }
  const std::size_t objectives = population[front[0]].objectives.size();
  std::vector<std::size_t> order(n);  // positions in `front`
  for (std::size_t m = 0; m < objectives; ++m) {
    const auto value = [&](std::size_t pos) { return population[front[pos]].objectives[m]; };
    std::iota(order.begin(), order.end(), std::size_t{0});
    // NaN sorts last so the order stays a strict weak ordering.
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const double va = value(a), vb = value(b);
      if (std::isnan(va) != std::isnan(vb)) return std::isnan(vb);
      if (va < vb || vb < va) return va < vb;
      return front[a] < front[b];
    });
    distance[order.front()] = kInf;
    distance[order.back()] = kInf;
    const double range = value(order.back()) - value(order.front());
    // A flat (or unbounded) objective says nothing about spacing; dividing would give NaN.
    if (!(range > 0) || !std::isfinite(range)) continue;
    for (std::size_t k = 1; k + 1 < n; ++k) {
      distance[order[k]] += (value(order[k + 1]) - value(order[k - 1])) / range;
    }
  }
  return distance;
}

Ranking rank_population(std::span<const Fitness> population) {
  Ranking ranking;
  ranking.rank.assign(population.size(), 0);
  ranking.crowding.assign(population.size(), 0.0);
  const auto fronts = non_dominated_sort(population);
  for (std::size_t f = 0; f < fronts.size(); ++f) {
    const auto distance = crowding_distance(population, fronts[f]);
    for (std::size_t k = 0; k < fronts[f].size(); ++k) {
      ranking.rank[fronts[f][k]] = static_cast<int>(f);
      ranking.crowding[fronts[f][k]] = distance[k];
    }
  }
  return ranking;
}

bool crowded_less(const Ranking& ranking, std::size_t a, std::size_t b) {
  if (ranking.rank[a] != ranking.rank[b]) return ranking.rank[a] < ranking.rank[b];
  return ranking.crowding[a] > ranking.crowding[b];
}

std::size_t tournament(const Ranking& ranking, core::Rng& rng) {
  const std::size_t n = ranking.rank.size();
  if (n == 0) throw std::invalid_argument("tournament: empty population");
  if (n == 1) return 0;
  const std::size_t a = rng.below(n);
  std::size_t b = rng.below(n - 1);
  if (b >= a) ++b;  // distinct from a, uniform over the others
  if (crowded_less(ranking, a, b)) return a;
  if (crowded_less(ranking, b, a)) return b;
  return rng.bernoulli(0.5) ? a : b;
}

std::vector<std::size_t> select_survivors(std::span<const Fitness> combined, std::size_t n) {
  n = std::min(n, combined.size());
  std::vector<std::size_t> chosen;
  chosen.reserve(n);
  for (const auto& front : non_dominated_sort(combined)) {
    if (chosen.size() + front.size() <= n) {
      chosen.insert(chosen.end(), front.begin(), front.end());
      if (chosen.size() == n) break;
      continue;
    }
    // The front that does not fit: its least crowded members, ties by index.
    const auto distance = crowding_distance(combined, front);
    std::vector<std::size_t> order(front.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (distance[a] != distance[b]) return distance[a] > distance[b];
      return front[a] < front[b];
    });
    for (std::size_t k = 0; chosen.size() < n; ++k) chosen.push_back(front[order[k]]);
    break;
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace organism::evolve
