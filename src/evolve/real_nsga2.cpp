#include "evolve/real_nsga2.hpp"

#include <stdexcept>
#include <string>
#include <tuple>

#include "evolve/real_operators.hpp"

namespace organism::evolve {
namespace {

// The purpose id in every stream, so initialization and variation never share draws.
enum class Stream : std::uint64_t { Init = 1, Variation = 2 };

void check_inputs(const RealProblem& problem, const RealNsga2Options& o) {
  const auto fail = [](const std::string& what) { throw std::invalid_argument("nsga2: " + what); };
  if (!problem.evaluate || problem.variables() == 0 ||
      problem.upper.size() != problem.variables()) {
    fail("problem '" + problem.name + "' has no evaluator or inconsistent bounds");
  }
  for (std::size_t i = 0; i < problem.variables(); ++i) {
    if (!(problem.lower[i] <= problem.upper[i])) {
      fail("problem '" + problem.name + "': variable " + std::to_string(i) + " has lower > upper");
    }
  }
  if (o.population < 4 || o.population % 2 != 0) {
    fail("population must be even and at least 4, got " + std::to_string(o.population));
  }
  if (!(o.crossover_probability >= 0 && o.crossover_probability <= 1)) {
    fail("crossover probability must be within [0, 1]");
  }
  if (!(o.mutation_probability <= 1)) fail("mutation probability must be at most 1");
  if (!(o.crossover_eta >= 0) || !(o.mutation_eta >= 0)) {
    fail("distribution indices must be non-negative");
  }
}

using Genes = std::vector<double>;

Genes random_individual(const RealProblem& problem, core::Rng& rng) {
  Genes x(problem.variables());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform(problem.lower[i], problem.upper[i]);
  return x;
}

// realcross of Deb's reference code: with the crossover probability, each variable crosses by
// SBX with probability 1/2; otherwise the children are copies.
void cross(const RealProblem& problem, const RealNsga2Options& o, Genes& a, Genes& b,
           core::Rng& rng) {
  if (!rng.bernoulli(o.crossover_probability)) return;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!rng.bernoulli(0.5)) continue;
    std::tie(a[i], b[i]) =
        sbx(a[i], b[i], problem.lower[i], problem.upper[i], o.crossover_eta, rng);
  }
}

void mutate(const RealProblem& problem, const RealNsga2Options& o, double rate, Genes& x,
            core::Rng& rng) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (rng.bernoulli(rate)) {
      x[i] = polynomial_mutation(x[i], problem.lower[i], problem.upper[i], o.mutation_eta, rng);
    }
  }
}

}  // namespace

RealNsga2Result run_real_nsga2(const RealProblem& problem, const RealNsga2Options& options) {
  check_inputs(problem, options);
  const std::size_t n = options.population;
  const double rate = options.mutation_probability < 0
                          ? 1.0 / static_cast<double>(problem.variables())
                          : options.mutation_probability;
  RealNsga2Result result;
  result.variables.resize(n);
  result.fitness.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    core::Rng rng(options.seed, {0, i, static_cast<std::uint64_t>(Stream::Init)});
    result.variables[i] = random_individual(problem, rng);
    result.fitness[i] = problem.evaluate(result.variables[i]);
  }
  result.evaluations = n;

  std::vector<Genes> genes;
  std::vector<Fitness> fitness;
  for (std::size_t generation = 1; generation <= options.generations; ++generation) {
    const Ranking ranking = rank_population(result.fitness);
    genes = result.variables;  // parents first, offspring appended: the combined population
    fitness = result.fitness;
    for (std::size_t pair = 0; pair < n / 2; ++pair) {
      core::Rng rng(options.seed,
                    {generation, pair, static_cast<std::uint64_t>(Stream::Variation)});
      Genes a = result.variables[tournament(ranking, rng)];
      Genes b = result.variables[tournament(ranking, rng)];
      cross(problem, options, a, b, rng);
      mutate(problem, options, rate, a, rng);
      mutate(problem, options, rate, b, rng);
      for (Genes* child : {&a, &b}) {
        fitness.push_back(problem.evaluate(*child));
        genes.push_back(std::move(*child));
      }
    }
    result.evaluations += n;
    const auto survivors = select_survivors(fitness, n);
    for (std::size_t k = 0; k < n; ++k) {
      result.variables[k] = std::move(genes[survivors[k]]);
      result.fitness[k] = std::move(fitness[survivors[k]]);
    }
  }
  return result;
}

std::vector<std::vector<double>> first_front_objectives(const RealNsga2Result& result) {
  std::vector<std::vector<double>> front;
  const auto fronts = non_dominated_sort(result.fitness);
  if (fronts.empty()) return front;
  for (std::size_t i : fronts[0]) {
    if (!(result.fitness[i].violation > 0)) front.push_back(result.fitness[i].objectives);
  }
  return front;
}

}  // namespace organism::evolve
