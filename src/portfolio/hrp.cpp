#include "portfolio/hrp.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace organism::portfolio {

namespace {

// Leaves of cluster `id` from left to right (the quasi-diagonalization of step 2).
void collect_leaves(std::size_t id, std::size_t n, const std::vector<HrpSteps::Merge>& merges,
                    std::vector<std::size_t>& out) {
  if (id < n) {
    out.push_back(id);
    return;
  }
  const auto& m = merges[id - n];
  collect_leaves(m.left, n, merges, out);
  collect_leaves(m.right, n, merges, out);
}

// The variance of a cluster held with inverse-variance weights inside it: w' C w,
// w_i = (1 / C_ii) / sum(1 / C_jj).
double cluster_variance(const std::vector<std::vector<double>>& cov,
                        const std::vector<std::size_t>& items) {
  double inv_sum = 0;
  for (const auto i : items) inv_sum += 1 / cov[i][i];
  double v = 0;
  for (const auto i : items) {
    for (const auto j : items)
      v += (1 / cov[i][i] / inv_sum) * (1 / cov[j][j] / inv_sum) * cov[i][j];
  }
  return v;
}

// Step 3: recursive bisection of the ordered list, alpha = 1 - V_left / (V_left + V_right) to the
// left half and 1 - alpha to the right.
void bisect(const std::vector<std::vector<double>>& cov, const std::vector<std::size_t>& items,
            std::vector<double>& weights) {
  if (items.size() < 2) return;
  const std::size_t half = items.size() / 2;
  const std::vector<std::size_t> left(items.begin(),
                                      items.begin() + static_cast<std::ptrdiff_t>(half));
  const std::vector<std::size_t> right(items.begin() + static_cast<std::ptrdiff_t>(half),
                                       items.end());
  const double vl = cluster_variance(cov, left), vr = cluster_variance(cov, right);
  const double alpha = vl + vr > 0 ? 1 - vl / (vl + vr) : 0.5;
  for (const auto i : left) weights[i] *= alpha;
  for (const auto i : right) weights[i] *= 1 - alpha;
  bisect(cov, left, weights);
  bisect(cov, right, weights);
}

}  // namespace

HrpSteps hrp(const std::vector<std::vector<double>>& full_cov) {
  HrpSteps steps;
  const std::size_t total = full_cov.size();
  steps.weights.assign(total, 0.0);
  // Only the assets with a variance take part; `assets` maps back to the input's indices.
  std::vector<std::size_t> assets;
  for (std::size_t i = 0; i < total; ++i) {
    if (full_cov[i][i] > 0 && std::isfinite(full_cov[i][i])) assets.push_back(i);
  }
  const std::size_t n = assets.size();
  if (n == 0) return steps;
  std::vector<std::vector<double>> cov(n, std::vector<double>(n));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) cov[i][j] = full_cov[assets[i]][assets[j]];
  }
  // Step 1: single linkage on d_ij = sqrt((1 - rho_ij) / 2). The distance between two clusters is
  // the smallest distance between their members.
  std::vector<std::vector<double>> d(n, std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double rho = std::clamp(cov[i][j] / std::sqrt(cov[i][i] * cov[j][j]), -1.0, 1.0);
      d[i][j] = i == j ? 0 : std::sqrt((1 - rho) / 2);
    }
  }
  std::vector<std::vector<std::size_t>> members(n);
  std::vector<std::size_t> active;  // cluster ids still unmerged, ascending
  for (std::size_t i = 0; i < n; ++i) {
    members[i] = {i};
    active.push_back(i);
  }
  while (active.size() > 1) {
    double best = std::numeric_limits<double>::infinity();
    std::size_t ba = 0, bb = 1;
    for (std::size_t a = 0; a < active.size(); ++a) {
      for (std::size_t b = a + 1; b < active.size(); ++b) {
        double link = std::numeric_limits<double>::infinity();
        for (const auto i : members[active[a]]) {
          for (const auto j : members[active[b]]) link = std::min(link, d[i][j]);
        }
        if (link < best) {
          best = link;
          ba = a;
          bb = b;
        }
      }
    }
    const std::size_t left = active[ba], right = active[bb];
    steps.merges.push_back({left, right, best});
    std::vector<std::size_t> joined = members[left];
    joined.insert(joined.end(), members[right].begin(), members[right].end());
    members.push_back(std::move(joined));
    active.erase(active.begin() + static_cast<std::ptrdiff_t>(bb));
    active.erase(active.begin() + static_cast<std::ptrdiff_t>(ba));
    active.push_back(members.size() - 1);
  }
  // Step 2: quasi-diagonal order, the leaves of the last merge's tree from left to right.
  std::vector<std::size_t> order;
  collect_leaves(n == 1 ? 0 : n + steps.merges.size() - 1, n, steps.merges, order);
  // Step 3: recursive bisection.
  std::vector<double> w(n, 1.0);
  bisect(cov, order, w);
  for (std::size_t k = 0; k < n; ++k) {
    steps.order.push_back(assets[order[k]]);
    steps.weights[assets[k]] = w[k];
  }
  return steps;
}

std::vector<std::vector<double>> sample_covariance(const std::vector<std::vector<double>>& series,
                                                   std::size_t begin, std::size_t end) {
  const std::size_t n = series.size();
  std::vector<std::vector<double>> cov(n, std::vector<double>(n, 0.0));
  if (end <= begin + 1) return cov;
  const double count = static_cast<double>(end - begin);
  std::vector<double> mean(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t t = begin; t < end; ++t) mean[i] += series[i][t];
    mean[i] /= count;
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) {
      double s = 0;
      for (std::size_t t = begin; t < end; ++t)
        s += (series[i][t] - mean[i]) * (series[j][t] - mean[j]);
      cov[i][j] = cov[j][i] = s / (count - 1);
    }
  }
  return cov;
}

}  // namespace organism::portfolio
