// The allocator's sizing parameters (SizingParams) as a real-valued genome: their bounds, their
// order in the vector the NSGA-II varies, and their JSON. Used by sizing_evolution and the CLI.
#pragma once

#include <array>
#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "portfolio/allocator.hpp"

namespace organism::portfolio {

// One gene: its name (the SizingParams member, also the portfolio.* config key's suffix) and its
// search bounds.
struct SizingGene {
  std::string_view name;
  double lower = 0, upper = 0;
};

inline constexpr std::size_t kSizingGenes = 10;

// In genome order: score_sharpe, score_consistency, score_drawdown, score_age in [0, 2];
// kelly_fraction [0.05, 1]; band [0, 0.1]; tilt_liquidity, tilt_volatility, tilt_momentum in
// [-2, 2]; regime_scale [0, 1].
const std::array<SizingGene, kSizingGenes>& sizing_genes();

std::vector<double> sizing_lower_bounds();
std::vector<double> sizing_upper_bounds();

std::vector<double> to_genome(const SizingParams& params);
// Throws core::UsageError for a vector of the wrong length or a gene outside its bounds.
SizingParams from_genome(std::span<const double> genome);

// {"band": 0.02, "kelly_fraction": 0.5, ...} (keys by name); sizing_from_json requires every gene,
// within its bounds.
nlohmann::json sizing_json(const SizingParams& params);
SizingParams sizing_from_json(const nlohmann::json& j);

}  // namespace organism::portfolio
