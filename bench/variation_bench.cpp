// Genome variation throughput: one iteration crosses a pair of parents and mutates both children
// (evolve/variation), what the engine does per pair of offspring. items/s = pairs/s. Parents are
// drawn once per family ("seed": the ten seed families in turn; "tree": random rule trees under
// the default limits) and reused, so the figure is the operators' cost alone.
#include <benchmark/benchmark.h>

#include <vector>

#include "evolve/variation.hpp"
#include "strategy/genome.hpp"

namespace {

using namespace organism;

constexpr int kParents = 256;

std::vector<strategy::Genome> parents(bool trees) {
  std::vector<strategy::Genome> out;
  core::Rng rng(21);
  const auto families = strategy::family_names();
  for (int i = 0; i < kParents; ++i) {
    // Consecutive parents share a family so every pair crosses.
    const std::string family =
        trees ? std::string(strategy::kTreeFamily) : families[(i / 2) % families.size()];
    out.push_back(strategy::random_genome(family, rng));
  }
  return out;
}

void run(benchmark::State& state, bool trees) {
  const auto pool = parents(trees);
  const evolve::VariationOptions options;
  core::Rng rng(22);
  std::size_t pair = 0;
  for (auto _ : state) {
    const auto& a = pool[2 * pair];
    const auto& b = pool[2 * pair + 1];
    pair = (pair + 1) % (kParents / 2);
    auto children = evolve::crossover(a, b, options, rng);
    evolve::mutate(children.first, options, rng);
    evolve::mutate(children.second, options, rng);
    benchmark::DoNotOptimize(children);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_variation_pair_seed_families(benchmark::State& state) { run(state, false); }
void BM_variation_pair_tree(benchmark::State& state) { run(state, true); }

}  // namespace

BENCHMARK(BM_variation_pair_seed_families);
BENCHMARK(BM_variation_pair_tree);
