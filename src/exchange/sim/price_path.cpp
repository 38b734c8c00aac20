// The price path inside one bar (price_path.hpp).
#include "exchange/sim/price_path.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "exchange/sim/price_ticks.hpp"

namespace organism::exchange::sim {
namespace {

double snapped(double px, int sz_decimals) {
  if (!(px > 0)) return px;
  return static_cast<double>(nearest_tick(to_units(px), sz_decimals)) / 1e8;
}

// Moves per leg: at least one for each leg that moves, the rest by largest remainder of
// distance share (ties: the earlier leg), so the counts sum to `moves` exactly.
std::array<int, 3> share_moves(const std::array<double, 3>& distance, int moves) {
  std::array<int, 3> n{0, 0, 0};
  int moving = 0;
  double total = 0;
  for (int i = 0; i < 3; ++i) {
    if (distance[i] > 0) {
      n[i] = 1;
      ++moving;
      total += distance[i];
    }
  }
  if (moving == 0) {
    n[2] = moves;  // flat bar: every tick is the open
    return n;
  }
  const int rest = moves - moving;
  std::array<double, 3> remainder{-1, -1, -1};
  int given = 0;
  for (int i = 0; i < 3; ++i) {
    if (distance[i] <= 0) continue;
    const double exact = rest * distance[i] / total;
    const int whole = static_cast<int>(std::floor(exact));
    n[i] += whole;
    given += whole;
    remainder[i] = exact - whole;
  }
  for (int left = rest - given; left > 0; --left) {
    int best = -1;
    for (int i = 0; i < 3; ++i) {
      if (distance[i] > 0 && (best < 0 || remainder[i] > remainder[best])) best = i;
    }
    ++n[best];
    remainder[best] = -1;  // one extra each at most; at most two are left over (three legs)
  }
  return n;
}

}  // namespace

int tick_index_at(core::TimeMs open, core::TimeMs length, int steps, core::TimeMs t) {
  // The largest k with open + floor(length k / steps) <= t.
  int k = static_cast<int>(std::min<core::TimeMs>(steps - 1, (t - open) * steps / length));
  while (k + 1 < steps && tick_time(open, length, steps, k + 1) <= t) ++k;
  while (k > 0 && tick_time(open, length, steps, k) > t) --k;
  return k;
}

std::vector<double> bar_path(const data::Bar& bar, int steps, int sz_decimals) {
  if (steps < kMinStepsPerBar) {
    throw std::invalid_argument("a bar's price path needs at least " +
                                std::to_string(kMinStepsPerBar) + " steps, got " +
                                std::to_string(steps));
  }
  const bool rising = bar.close >= bar.open;
  const double first = rising ? bar.low : bar.high;
  const double second = rising ? bar.high : bar.low;
  const std::array<double, 4> ends{bar.open, first, second, bar.close};
  const std::array<double, 3> distance{std::abs(first - bar.open), std::abs(second - first),
                                       std::abs(bar.close - second)};
  const auto moves = share_moves(distance, steps - 1);
  std::vector<double> path;
  path.reserve(static_cast<std::size_t>(steps));
  path.push_back(bar.open);
  for (int leg = 0; leg < 3; ++leg) {
    const double a = ends[leg], b = ends[leg + 1];
    for (int j = 1; j <= moves[leg]; ++j) {
      if (j == moves[leg]) {
        path.push_back(b);
      } else {
        const double px = snapped(a + (b - a) * j / moves[leg], sz_decimals);
        path.push_back(std::clamp(px, bar.low, bar.high));
      }
    }
  }
  return path;
}

void apply_flash(std::vector<double>& path, int from_tick, double fraction, int sz_decimals) {
  const int last = static_cast<int>(path.size()) - 1;
  if (from_tick >= last) return;
  const double start = path[static_cast<std::size_t>(from_tick)];
  const double target = start * (1 + fraction);
  for (int k = from_tick + 1; k <= last; ++k) {
    const double px = start + (target - start) * (k - from_tick) / (last - from_tick);
    path[static_cast<std::size_t>(k)] = snapped(px, sz_decimals);
  }
}

}  // namespace organism::exchange::sim
