// target_exposures() (allocator.hpp): weights times the strategies' current exposures, netted per
// coin, with the per-coin net cap and the gross cap.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "portfolio/allocator.hpp"

namespace organism::portfolio {

TargetExposures target_exposures(const Allocation& allocation,
                                 const std::vector<std::vector<double>>& x, const Caps& caps) {
  const auto& strategies = allocation.strategies;
  if (x.size() != strategies.size()) {
    throw core::UsageError(fmt::format("target exposures: {} exposure rows for {} strategies",
                                       x.size(), strategies.size()));
  }
  TargetExposures out;
  for (std::size_t s = 0; s < strategies.size(); ++s) {
    const auto& legs = strategies[s].legs;
    if (x[s].size() != legs.size()) {
      throw core::UsageError(
          fmt::format("target exposures: strategy {} has {} legs but {} exposures",
                      strategies[s].id, legs.size(), x[s].size()));
    }
    std::vector<double> row(legs.size());
    for (std::size_t j = 0; j < legs.size(); ++j) {
      if (!std::isfinite(x[s][j]) || !std::isfinite(legs[j].weight)) {
        throw core::UsageError(fmt::format(
            "target exposures: strategy {} leg {}: exposure {} x weight {} is not finite",
            strategies[s].id, legs[j].coin, x[s][j], legs[j].weight));
      }
      row[j] = legs[j].weight * x[s][j];
      out.coins.push_back(legs[j].coin);
    }
    out.exposure.push_back(std::move(row));
  }
  std::sort(out.coins.begin(), out.coins.end());
  out.coins.erase(std::unique(out.coins.begin(), out.coins.end()), out.coins.end());

  const auto coin_index = [&](const std::string& coin) {
    return static_cast<std::size_t>(std::lower_bound(out.coins.begin(), out.coins.end(), coin) -
                                    out.coins.begin());
  };
  const auto net_per_coin = [&] {
    std::vector<double> net(out.coins.size(), 0.0);
    for (std::size_t s = 0; s < strategies.size(); ++s) {
      for (std::size_t j = 0; j < strategies[s].legs.size(); ++j) {
        net[coin_index(strategies[s].legs[j].coin)] += out.exposure[s][j];
      }
    }
    return net;
  };
  // Per coin: every leg on it by one factor, so the strategies keep their proportions there.
  const std::vector<double> net = net_per_coin();
  std::vector<double> factor(net.size(), 1.0);
  for (std::size_t c = 0; c < net.size(); ++c) {
    if (std::abs(net[c]) > caps.per_asset) factor[c] = caps.per_asset / std::abs(net[c]);
  }
  double gross = 0;
  for (std::size_t s = 0; s < strategies.size(); ++s) {
    for (std::size_t j = 0; j < strategies[s].legs.size(); ++j) {
      out.exposure[s][j] *= factor[coin_index(strategies[s].legs[j].coin)];
      gross += std::abs(out.exposure[s][j]);
    }
  }
  // Gross: everything by one factor (which can only shrink every coin's net further).
  if (gross > caps.gross) {
    const double g = caps.gross / gross;
    gross = 0;
    for (auto& row : out.exposure) {
      for (double& e : row) {
        e *= g;
        gross += std::abs(e);
      }
    }
  }
  out.net = net_per_coin();
  out.gross = gross;
  return out;
}

}  // namespace organism::portfolio
