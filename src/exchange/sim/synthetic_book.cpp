// The seeded order book around the replayed price (synthetic_book.hpp).
#include "exchange/sim/synthetic_book.hpp"

#include <algorithm>
#include <cmath>

#include "core/random.hpp"
#include "exchange/sim/price_ticks.hpp"

namespace organism::exchange::sim {
namespace {

constexpr std::uint64_t kBookStream = 0xB00C;  // keeps book draws apart from other seeded streams
constexpr double kMinSpreadFraction = 0.00002;
constexpr double kSpreadPerRange = 0.02;
constexpr double kDepthShareOfTickVolume = 0.2;
constexpr double kMinLevelNotional = 1000;  // dollars: a thin bar still quotes a tradable book

Units level_size(double base_coins, int level, double u, int sz_decimals) {
  const double coins = base_coins * (1.0 + level / 4.0) * (0.5 + u);
  const Units lot = lot_units(sz_decimals);
  const auto lots = static_cast<Units>(std::floor(coins * 1e8 / static_cast<double>(lot)));
  return std::max<Units>(1, lots) * lot;
}

}  // namespace

SyntheticBook synthetic_book(const BookInputs& in) {
  core::Rng rng(in.seed, {kBookStream, static_cast<std::uint64_t>(in.asset),
                          static_cast<std::uint64_t>(in.time)});
  const double range = in.bar.open > 0 ? (in.bar.high - in.bar.low) / in.bar.open : 0.0;
  const double half_spread =
      in.price * (kMinSpreadFraction + kSpreadPerRange * range) * (0.75 + 0.5 * rng.uniform());
  const Units px = to_units(in.price);
  const Units gap = to_units(in.price * range / (2.0 * in.levels));
  const double tick_volume = in.steps_per_bar > 0 ? in.bar.volume / in.steps_per_bar : 0.0;
  const double base_coins =
      std::max(tick_volume * kDepthShareOfTickVolume, kMinLevelNotional / in.price);

  SyntheticBook book;
  book.bids.reserve(static_cast<std::size_t>(in.levels));
  book.asks.reserve(static_cast<std::size_t>(in.levels));
  Units bid = std::min(floor_to_tick(to_units(in.price - half_spread), in.sz_decimals),
                       tick_below(px, in.sz_decimals));
  for (int i = 0; i < in.levels && bid > 0; ++i) {
    if (i > 0) {
      const Units next = floor_to_tick(bid - gap, in.sz_decimals);
      bid = std::min(next, tick_below(bid, in.sz_decimals));
      if (bid <= 0 || bid >= book.bids.back().px) break;  // the grid's floor: no lower valid price
    }
    const Units sz = level_size(base_coins, i, rng.uniform(), in.sz_decimals);
    book.bids.push_back({bid, sz, 1 + static_cast<int>(rng.below(4))});
  }
  Units ask = std::max(ceil_to_tick(to_units(in.price + half_spread), in.sz_decimals),
                       tick_above(px, in.sz_decimals));
  for (int i = 0; i < in.levels; ++i) {
    if (i > 0)
      ask = std::max(ceil_to_tick(ask + gap, in.sz_decimals), tick_above(ask, in.sz_decimals));
    const Units sz = level_size(base_coins, i, rng.uniform(), in.sz_decimals);
    book.asks.push_back({ask, sz, 1 + static_cast<int>(rng.below(4))});
  }
  return book;
}

}  // namespace organism::exchange::sim
