#include "strategy/new_genome.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"
#include "core/random.hpp"

namespace organism::strategy {

Genome new_genome(const std::string& family, std::optional<std::uint64_t> seed) {
  const auto families = genome_families();
  const auto it = std::find(families.begin(), families.end(), family);
  if (it == families.end()) {
    throw core::UsageError(fmt::format("unknown family '{}'; families: {}", family, fmt::join(families, ", ")));
  }
  if (!seed) return default_genome(family);
  core::Rng rng(*seed, {static_cast<std::uint64_t>(it - families.begin() + 1)});
  return random_genome(family, rng);
}

}  // namespace organism::strategy
