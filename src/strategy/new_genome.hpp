// A genome to start from (`organism strategy new`, the Python module's Strategy.default/random).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "strategy/genome.hpp"

namespace organism::strategy {

// The family's defaults, or with `seed` a genome drawn within bounds from that seed, on a stream
// of the family's own (so one seed gives unrelated genomes across families). core::UsageError
// listing the families for an unknown one.
Genome new_genome(const std::string& family, std::optional<std::uint64_t> seed);

}  // namespace organism::strategy
