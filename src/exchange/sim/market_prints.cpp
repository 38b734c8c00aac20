// The market's own trades at a tick (market_prints.hpp).
#include "exchange/sim/market_prints.hpp"

#include <array>
#include <cmath>

#include "core/random.hpp"
#include "exchange/sim/price_ticks.hpp"

namespace organism::exchange::sim {
namespace {

constexpr std::uint64_t kPrintStream = 0x7A9E;  // apart from the book's stream

}  // namespace

std::vector<MarketTick::Print> market_prints(const PrintInputs& in) {
  std::vector<MarketTick::Print> out;
  if (!(in.bar_volume > 0) || !(in.price > 0) || in.steps_per_bar <= 0) return out;
  core::Rng rng(in.seed, {kPrintStream, static_cast<std::uint64_t>(in.asset),
                          static_cast<std::uint64_t>(in.time)});
  const int count = 1 + static_cast<int>(rng.below(3));
  std::array<double, 3> weight{};
  double total = 0;
  for (int i = 0; i < count; ++i)
    total += weight[static_cast<std::size_t>(i)] = 0.25 + rng.uniform();
  const bool flip = rng.bernoulli(0.5);
  const bool buy = in.price > in.previous_price   ? true
                   : in.price < in.previous_price ? false
                                                  : flip;
  const double tick_volume = in.bar_volume / in.steps_per_bar;
  const Units lot = lot_units(in.sz_decimals);
  const Units px = to_units(in.price);
  for (int i = 0; i < count; ++i) {
    const double coins = tick_volume * weight[static_cast<std::size_t>(i)] / total;
    const auto lots = static_cast<Units>(std::floor(coins * 1e8 / static_cast<double>(lot)));
    if (lots > 0) out.push_back({buy, px, lots * lot});
  }
  return out;
}

}  // namespace organism::exchange::sim
