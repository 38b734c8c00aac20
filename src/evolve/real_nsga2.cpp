#include "evolve/real_nsga2.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

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

double mutation_rate(const RealProblem& problem, const RealNsga2Options& o) {
  return o.mutation_probability < 0 ? 1.0 / static_cast<double>(problem.variables())
                                    : o.mutation_probability;
}

// Each individual into its own slot: the fitness of one never depends on which thread ran it.
std::vector<Fitness> evaluate_all(const RealProblem& problem, const std::vector<Genes>& genes,
                                  int threads) {
  std::vector<Fitness> out(genes.size());
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, genes.size(),
                      [&](std::size_t i) { out[i] = problem.evaluate(genes[i]); });
  });
  return out;
}

}  // namespace

RealNsga2State real_nsga2_start(const RealProblem& problem, const RealNsga2Options& options) {
  check_inputs(problem, options);
  const std::size_t n = options.population;
  RealNsga2State state;
  state.variables.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    core::Rng rng(options.seed, {0, i, static_cast<std::uint64_t>(Stream::Init)});
    state.variables[i] = random_individual(problem, rng);
  }
  state.fitness = evaluate_all(problem, state.variables, options.threads);
  state.evaluations = n;
  return state;
}

void real_nsga2_step(const RealProblem& problem, const RealNsga2Options& options,
                     RealNsga2State& state) {
  check_inputs(problem, options);
  const std::size_t n = options.population;
  if (state.variables.size() != n || state.fitness.size() != n) {
    throw std::invalid_argument("nsga2: the state holds " + std::to_string(state.variables.size()) +
                                " individuals, the options ask for a population of " +
                                std::to_string(n));
  }
  const double rate = mutation_rate(problem, options);
  const std::size_t generation = state.generation + 1;
  const Ranking ranking = rank_population(state.fitness);
  std::vector<Genes> children;
  children.reserve(n);
  for (std::size_t pair = 0; pair < n / 2; ++pair) {
    core::Rng rng(options.seed, {generation, pair, static_cast<std::uint64_t>(Stream::Variation)});
    Genes a = state.variables[tournament(ranking, rng)];
    Genes b = state.variables[tournament(ranking, rng)];
    cross(problem, options, a, b, rng);
    mutate(problem, options, rate, a, rng);
    mutate(problem, options, rate, b, rng);
    children.push_back(std::move(a));
    children.push_back(std::move(b));
  }
  auto child_fitness = evaluate_all(problem, children, options.threads);
  // Parents first, offspring appended (pair order): the combined population.
  std::vector<Genes> genes = std::move(state.variables);
  std::vector<Fitness> fitness = std::move(state.fitness);
  for (std::size_t k = 0; k < n; ++k) {
    genes.push_back(std::move(children[k]));
    fitness.push_back(std::move(child_fitness[k]));
  }
  const auto survivors = select_survivors(fitness, n);
  state.variables.assign(n, {});
  state.fitness.assign(n, {});
  for (std::size_t k = 0; k < n; ++k) {
    state.variables[k] = std::move(genes[survivors[k]]);
    state.fitness[k] = std::move(fitness[survivors[k]]);
  }
  state.evaluations += n;
  state.generation = generation;
}

RealNsga2Result run_real_nsga2(const RealProblem& problem, const RealNsga2Options& options) {
  auto state = real_nsga2_start(problem, options);
  while (state.generation < options.generations) real_nsga2_step(problem, options, state);
  return state;
}

std::vector<std::size_t> first_front_indices(const RealNsga2Result& result) {
  std::vector<std::size_t> out;
  const auto fronts = non_dominated_sort(result.fitness);
  if (fronts.empty()) return out;
  for (std::size_t i : fronts[0]) {
    if (!(result.fitness[i].violation > 0)) out.push_back(i);
  }
  return out;
}

std::vector<std::vector<double>> first_front_objectives(const RealNsga2Result& result) {
  std::vector<std::vector<double>> front;
  for (std::size_t i : first_front_indices(result)) front.push_back(result.fitness[i].objectives);
  return front;
}

}  // namespace organism::evolve
