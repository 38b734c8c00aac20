// NSGA-II throughput: the fast non-dominated sort with crowding (rank_population) on 2,000
// individuals x 4 objectives, the exact hypervolume of 100 and 200 points in 3-D (and 4-D, 5-D
// for scale), and a whole ZDT1 run with the selftest's defaults (100 x 250).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/random.hpp"
#include "evolve/nsga2.hpp"
#include "evolve/real_nsga2.hpp"
#include "evolve/test_problems.hpp"

namespace {

using namespace organism;

// Random objective vectors: many fronts, the realistic case for a mixed parent+offspring pool.
std::vector<evolve::Fitness> random_population(std::size_t n, std::size_t objectives) {
  core::Rng rng(1);
  std::vector<evolve::Fitness> population(n);
  for (auto& f : population) {
    for (std::size_t k = 0; k < objectives; ++k) f.objectives.push_back(rng.uniform());
  }
  return population;
}

void BM_nsga2_rank_2000x4(benchmark::State& state) {
  const auto population = random_population(2000, 4);
  for (auto _ : state) {
    const auto ranking = evolve::rank_population(population);
    benchmark::DoNotOptimize(ranking.rank.data());
  }
  state.SetItemsProcessed(state.iterations() * 2000);
}
BENCHMARK(BM_nsga2_rank_2000x4)->Unit(benchmark::kMillisecond);

// Points on the unit sphere's positive orthant: all mutually non-dominated, a front-like set.
void hypervolume_on_sphere(benchmark::State& state, std::size_t dimensions) {
  const auto n = static_cast<std::size_t>(state.range(0));
  core::Rng rng(2);
  std::vector<std::vector<double>> points(n, std::vector<double>(dimensions));
  for (auto& p : points) {
    double norm = 0;
    for (auto& v : p) {
      v = std::fabs(rng.normal());
      norm += v * v;
    }
    for (auto& v : p) v /= std::sqrt(norm);
  }
  const std::vector<double> reference(dimensions, 1.1);
  for (auto _ : state) benchmark::DoNotOptimize(evolve::hypervolume(points, reference));
}
void BM_hypervolume_3d(benchmark::State& state) { hypervolume_on_sphere(state, 3); }
void BM_hypervolume_4d(benchmark::State& state) { hypervolume_on_sphere(state, 4); }
void BM_hypervolume_5d(benchmark::State& state) { hypervolume_on_sphere(state, 5); }
BENCHMARK(BM_hypervolume_3d)->Arg(100)->Arg(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_hypervolume_4d)->Arg(100)->Arg(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_hypervolume_5d)->Arg(100)->Unit(benchmark::kMillisecond);

void BM_nsga2_zdt1_100x250(benchmark::State& state) {
  const auto problem = evolve::make_test_problem("zdt1");
  for (auto _ : state) {
    const auto result = evolve::run_real_nsga2(problem, evolve::RealNsga2Options{});
    benchmark::DoNotOptimize(result.evaluations);
  }
}
BENCHMARK(BM_nsga2_zdt1_100x250)->Unit(benchmark::kMillisecond);

}  // namespace
