#include "strategy/family.hpp"

#include <fmt/format.h>

#include <array>

#include "core/error.hpp"
#include "strategy/seeds/seeds.hpp"

namespace organism::strategy {
namespace {

const std::array<const Family*, 12>& registry() {
  static const std::array<const Family*, 12> families = {
      &seeds::ema_cross(),        &seeds::donchian_breakout(), &seeds::rsi_reversion(),
      &seeds::stochastic_cross(), &seeds::sma_trend(),         &seeds::atr_stop(),
      &seeds::ichimoku_cloud(),   &seeds::vwap_reversion(),    &seeds::vol_scaling(),
      &seeds::funding_carry(),
      // Machine-learning families: a model trained on past bars only (strategy/ml).
      &seeds::svm_classifier(),
      &seeds::pca_tree_quantile(),
  };
  return families;
}

}  // namespace

std::unique_ptr<FamilyStream> Family::stream(const ParamValues& /*p*/) const {
  throw core::Error(fmt::format("family '{}' cannot run one bar at a time yet", name()));
}

std::span<const Family* const> all_families() { return registry(); }

std::vector<std::string> family_names() {
  std::vector<std::string> names;
  for (const Family* f : registry()) names.emplace_back(f->name());
  return names;
}

const Family& find_family(std::string_view name) {
  for (const Family* f : registry()) {
    if (f->name() == name) return *f;
  }
  throw core::UsageError(
      fmt::format("unknown family '{}'; families: {}", name, fmt::join(family_names(), ", ")));
}

}  // namespace organism::strategy
