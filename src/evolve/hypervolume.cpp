// The hypervolume indicator (declared in nsga2.hpp): an exact 2-D sweep, and for more objectives
// the dimension-sweep recursion of HSO (While, Hingston, Barone & Huband 2006): slice the space
// along the last objective and add each slice's (d-1)-dimensional volume times its depth.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "evolve/nsga2.hpp"

namespace organism::evolve {
namespace {

using Point = const double*;

// Area dominated by points in their first two coordinates, bounded by (rx, ry).
double sweep_2d(std::vector<Point> points, double rx, double ry) {
  std::sort(points.begin(), points.end(), [](Point a, Point b) {
    if (a[0] != b[0]) return a[0] < b[0];
    return a[1] < b[1];
  });
  double area = 0.0, best_y = ry;
  for (Point p : points) {
    if (p[1] < best_y) {
      area += (rx - p[0]) * (best_y - p[1]);
      best_y = p[1];
    }
  }
  return area;
}

// True when a is no worse than b in each of the first d coordinates.
bool weakly_dominates(Point a, Point b, std::size_t d) {
  for (std::size_t k = 0; k < d; ++k) {
    if (a[k] > b[k]) return false;
  }
  return true;
}

// Volume dominated by points in their first d coordinates (d >= 2), bounded by reference.
double volume(std::vector<Point> points, const double* reference, std::size_t d) {
  if (points.empty()) return 0.0;
  if (d == 2) return sweep_2d(std::move(points), reference[0], reference[1]);
  const std::size_t last = d - 1;
  std::sort(points.begin(), points.end(), [last](Point a, Point b) { return a[last] < b[last]; });
  // The points at or below the current slice, kept mutually non-dominated in d-1 coordinates:
  // a point dominated there stays dominated in every later slice, since the set only grows.
  std::vector<Point> slice;
  double total = 0.0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Point p = points[i];
    const bool covered = std::any_of(slice.begin(), slice.end(),
                                     [&](Point q) { return weakly_dominates(q, p, last); });
    if (!covered) {
      std::erase_if(slice, [&](Point q) { return weakly_dominates(p, q, last); });
      slice.push_back(p);
    }
    const double top = i + 1 < points.size() ? points[i + 1][last] : reference[last];
    if (top > p[last]) total += volume(slice, reference, last) * (top - p[last]);
  }
  return total;
}

}  // namespace

double hypervolume(std::span<const std::vector<double>> points, std::span<const double> reference) {
  const std::size_t d = reference.size();
  if (d == 0) throw std::invalid_argument("hypervolume: empty reference point");
  std::vector<Point> inside;
  inside.reserve(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    if (p.size() != d) {
      throw std::invalid_argument("hypervolume: point " + std::to_string(i) + " has " +
                                  std::to_string(p.size()) + " objectives, the reference " +
                                  std::to_string(d));
    }
    bool strictly_better = true;
    for (std::size_t k = 0; k < d; ++k) strictly_better = strictly_better && p[k] < reference[k];
    if (strictly_better) inside.push_back(p.data());
  }
  if (inside.empty()) return 0.0;
  if (d == 1) {
    double best = reference[0];
    for (Point p : inside) best = std::min(best, p[0]);
    return reference[0] - best;
  }
  return volume(std::move(inside), reference.data(), d);
}

}  // namespace organism::evolve
