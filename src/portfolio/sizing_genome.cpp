#include "portfolio/sizing_genome.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/error.hpp"

namespace organism::portfolio {
namespace {

// The members in genome order; the one place that maps names to fields.
std::array<double*, kSizingGenes> fields(SizingParams& p) {
  return {&p.score_sharpe,   &p.score_consistency, &p.score_drawdown,
          &p.score_age,      &p.kelly_fraction,    &p.band,
          &p.tilt_liquidity, &p.tilt_volatility,   &p.tilt_momentum,
          &p.regime_scale};
}

void check_gene(std::size_t i, double v) {
  const auto& g = sizing_genes()[i];
  if (!(v >= g.lower && v <= g.upper)) {
    throw core::UsageError(
        fmt::format("sizing gene {} = {} is outside [{}, {}]", g.name, v, g.lower, g.upper));
  }
}

}  // namespace

const std::array<SizingGene, kSizingGenes>& sizing_genes() {
  // Score weights up to 2 (4x the default Sharpe weight); a Kelly fraction of at least 0.05 so a
  // member always invests; the band up to 10% of capital; tilts as exponents on standardized
  // features, +-2 standard deviations being a factor of e^4 between coins at most.
  static const std::array<SizingGene, kSizingGenes> genes{{{"score_sharpe", 0, 2},
                                                           {"score_consistency", 0, 2},
                                                           {"score_drawdown", 0, 2},
                                                           {"score_age", 0, 2},
                                                           {"kelly_fraction", 0.05, 1},
                                                           {"band", 0, 0.1},
                                                           {"tilt_liquidity", -2, 2},
                                                           {"tilt_volatility", -2, 2},
                                                           {"tilt_momentum", -2, 2},
                                                           {"regime_scale", 0, 1}}};
  return genes;
}

std::vector<double> sizing_lower_bounds() {
  std::vector<double> out;
  for (const auto& g : sizing_genes()) out.push_back(g.lower);
  return out;
}

std::vector<double> sizing_upper_bounds() {
  std::vector<double> out;
  for (const auto& g : sizing_genes()) out.push_back(g.upper);
  return out;
}

std::vector<double> to_genome(const SizingParams& params) {
  SizingParams copy = params;
  std::vector<double> out;
  for (double* f : fields(copy)) out.push_back(*f);
  return out;
}

SizingParams from_genome(std::span<const double> genome) {
  if (genome.size() != kSizingGenes) {
    throw core::UsageError(
        fmt::format("a sizing genome has {} genes, got {}", kSizingGenes, genome.size()));
  }
  SizingParams p;
  const auto f = fields(p);
  for (std::size_t i = 0; i < kSizingGenes; ++i) {
    check_gene(i, genome[i]);
    *f[i] = genome[i];
  }
  return p;
}

nlohmann::json sizing_json(const SizingParams& params) {
  nlohmann::json out = nlohmann::json::object();
  const auto genome = to_genome(params);
  for (std::size_t i = 0; i < kSizingGenes; ++i)
    out[std::string(sizing_genes()[i].name)] = genome[i];
  return out;
}

SizingParams sizing_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw core::UsageError("sizing parameters: expected a JSON object");
  std::vector<double> genome;
  for (const auto& g : sizing_genes()) {
    const std::string key(g.name);
    if (!j.contains(key) || !j.at(key).is_number()) {
      throw core::UsageError("sizing parameters: '" + key + "' is missing or not a number");
    }
    genome.push_back(j.at(key).get<double>());
  }
  return from_genome(genome);
}

}  // namespace organism::portfolio
