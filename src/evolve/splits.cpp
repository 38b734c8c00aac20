#include "evolve/splits.hpp"

#include <algorithm>
#include <cmath>

namespace organism::evolve {

Splits split_bars(std::size_t n, std::size_t embargo, double in_share, double oos_share) {
  const auto boundary = [n](double share) {
    return std::min(n, static_cast<std::size_t>(std::floor(static_cast<double>(n) * share)));
  };
  const std::size_t b1 = boundary(in_share);
  const std::size_t b2 = std::max(b1, boundary(in_share + oos_share));
  Splits s;
  s.in_sample = {0, b1};
  s.out_of_sample = {std::min(b2, b1 + embargo), b2};
  s.walk_forward = {std::min(n, b2 + embargo), n};
  return s;
}

}  // namespace organism::evolve
