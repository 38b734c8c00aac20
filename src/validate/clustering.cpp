#include "validate/clustering.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "core/error.hpp"
#include "validate/correlation_blocks.hpp"
#include "validate/sharpe_stats.hpp"

namespace organism::validate {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Each series as a unit vector of its centred block sums, so a dot product is a correlation.
struct Standardized {
  std::size_t n = 0, blocks = 0, block_bars = 1;
  std::vector<double> x;       // [i * blocks + b]
  std::vector<char> constant;  // no variation: correlation undefined
};

Standardized standardize(std::span<const std::span<const double>> series, std::size_t max_blocks) {
  Standardized s;
  s.n = series.size();
  const std::size_t bars = series.empty() ? 0 : series[0].size();
  s.block_bars = correlation_block_bars(bars, max_blocks);
  s.blocks = bars / s.block_bars;
  s.x.assign(s.n * s.blocks, 0.0);
  s.constant.assign(s.n, 0);
  for (std::size_t i = 0; i < s.n; ++i) {
    double* row = s.x.data() + i * s.blocks;
    const auto sums = correlation_block_sums(series[i], s.block_bars);
    std::copy(sums.begin(), sums.end(), row);
    const double mean = std::accumulate(row, row + s.blocks, 0.0) /
                        static_cast<double>(std::max<std::size_t>(1, s.blocks));
    double norm = 0;
    for (std::size_t b = 0; b < s.blocks; ++b) {
      row[b] -= mean;
      norm += row[b] * row[b];
    }
    norm = std::sqrt(norm);
    // A constant series leaves only rounding after centring.
    if (!(norm > 1e-9 * std::abs(mean) * std::sqrt(static_cast<double>(s.blocks))) ||
        s.blocks < 2) {
      s.constant[i] = 1;
      std::fill(row, row + s.blocks, 0.0);
    } else {
      for (std::size_t b = 0; b < s.blocks; ++b) row[b] /= norm;
    }
  }
  return s;
}

// Correlation distance matrix d = sqrt((1 - rho) / 2), row-major n x n; also the mean rho.
std::vector<double> distances(const Standardized& s, double& mean_correlation) {
  const std::size_t n = s.n;
  std::vector<double> d(n * n, 0.0);
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, n, 1), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) {
          const double* xi = s.x.data() + i * s.blocks;
          for (std::size_t j = i + 1; j < n; ++j) {
            double rho = 0;
            if (s.constant[i] || s.constant[j]) {
              rho = s.constant[i] && s.constant[j] ? 1.0 : 0.0;
            } else {
              // Four partial sums in a fixed order: the same result every run, room to vectorize.
              const double* xj = s.x.data() + j * s.blocks;
              double part[4] = {0, 0, 0, 0};
              std::size_t b = 0;
              for (; b + 4 <= s.blocks; b += 4) {
                for (std::size_t k = 0; k < 4; ++k) part[k] += xi[b + k] * xj[b + k];
              }
              for (; b < s.blocks; ++b) part[0] += xi[b] * xj[b];
              rho = (part[0] + part[1]) + (part[2] + part[3]);
            }
            d[i * n + j] = d[j * n + i] = std::sqrt(std::clamp((1.0 - rho) / 2.0, 0.0, 1.0));
          }
        }
      });
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) sum += 1.0 - 2.0 * d[i * n + j] * d[i * n + j];
  }
  mean_correlation =
      n > 1 ? sum / (static_cast<double>(n) * static_cast<double>(n - 1) / 2.0) : 1.0;
  return d;
}

struct Merge {
  std::size_t a = 0, b = 0;  // a member of each merged cluster
  double height = 0;         // average-linkage distance between them
};

// Nearest-neighbour chain (Murtagh 1983) for average linkage, with the Lance–Williams update;
// the merged cluster keeps the lower slot. Ties go to the chain's previous element (so the chain
// always ends), then to the lowest index.
std::vector<Merge> nn_chain(std::vector<double> d, std::size_t n) {
  std::vector<std::size_t> size(n, 1), chain;
  std::vector<char> active(n, 1);
  std::vector<Merge> merges;
  std::size_t remaining = n, start = 0;
  while (remaining > 1) {
    if (chain.empty()) {
      while (!active[start]) ++start;
      chain.push_back(start);
    }
    const std::size_t a = chain.back();
    const bool has_prev = chain.size() >= 2;
    std::size_t best = has_prev ? chain[chain.size() - 2] : n;
    double best_d = has_prev ? d[a * n + best] : kInf;
    for (std::size_t c = 0; c < n; ++c) {
      if (active[c] && c != a && d[a * n + c] < best_d) best = c, best_d = d[a * n + c];
    }
    if (!has_prev || best != chain[chain.size() - 2]) {
      chain.push_back(best);
      continue;
    }
    chain.resize(chain.size() - 2);
    const std::size_t lo = std::min(a, best), hi = std::max(a, best);
    merges.push_back({lo, hi, best_d});
    const double wl = static_cast<double>(size[lo]), wh = static_cast<double>(size[hi]);
    for (std::size_t c = 0; c < n; ++c) {
      if (!active[c] || c == lo || c == hi) continue;
      d[lo * n + c] = d[c * n + lo] = (wl * d[lo * n + c] + wh * d[hi * n + c]) / (wl + wh);
    }
    size[lo] += size[hi];
    active[hi] = 0;
    --remaining;
  }
  // In height order (the chain finds merges out of order); union-find below makes any residual
  // rounding inversion harmless.
  std::stable_sort(merges.begin(), merges.end(),
                   [](const Merge& x, const Merge& y) { return x.height < y.height; });
  return merges;
}

std::size_t find_root(std::vector<std::size_t>& parent, std::size_t i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

// Mean silhouette of every cut with 2..n-1 clusters, from per-cluster sums of distances that
// each merge adds up (sums[c * n + i] = sum of d(i, j) over j in cluster c). Incremental: after
// A and B merge, a series' mean distance to A u B is a weighted mean of those to A and B, so never
// below its nearest other cluster's; only series whose nearest was A or B look again (O(k)), and
// only the members of A u B get a new own-cluster distance. Typically O(n^2) in all, not O(n^3).
// Returns the number of merges of the best cut (0 when none) and its silhouette.
std::pair<std::size_t, double> best_cut(const std::vector<double>& d, std::size_t n,
                                        const std::vector<Merge>& merges) {
  std::vector<double> sums = d;  // every series its own cluster
  std::vector<std::size_t> parent(n), size(n, 1), label(n), nearest_id(n);
  std::iota(parent.begin(), parent.end(), 0);
  std::iota(label.begin(), label.end(), 0);
  std::vector<char> active(n, 1);
  std::vector<double> nearest(n), s(n, 0.0);  // singletons: silhouette 0 (Rousseeuw)
  const auto rescan = [&](std::size_t i) {
    nearest[i] = kInf;
    nearest_id[i] = n;
    for (std::size_t c = 0; c < n; ++c) {
      if (!active[c] || c == label[i]) continue;
      const double v = sums[c * n + i] / static_cast<double>(size[c]);
      if (v < nearest[i]) nearest[i] = v, nearest_id[i] = c;
    }
  };
  const auto silhouette = [&](std::size_t i) {
    const std::size_t own = label[i];
    if (size[own] == 1) return 0.0;
    const double a = sums[own * n + i] / static_cast<double>(size[own] - 1), b = nearest[i];
    const double top = std::max(a, b);
    return top > 0 ? (b - a) / top : 0.0;
  };
  for (std::size_t i = 0; i < n; ++i) rescan(i);
  std::size_t best_merges = 0;
  double best = -kInf;
  for (std::size_t m = 0; m + 2 < n; ++m) {
    const std::size_t ra = find_root(parent, merges[m].a), rb = find_root(parent, merges[m].b);
    const std::size_t r = std::min(ra, rb), o = std::max(ra, rb);
    for (std::size_t i = 0; i < n; ++i) sums[r * n + i] += sums[o * n + i];
    size[r] += size[o];
    parent[o] = r;
    active[o] = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (label[i] == o) label[i] = r;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const bool moved = nearest_id[i] == r || nearest_id[i] == o;
      if (moved) rescan(i);
      if (moved || label[i] == r) s[i] = silhouette(i);
    }
    const double mean = std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(n);
    if (mean >= best) best = mean, best_merges = m + 1;  // >=: a tie goes to fewer clusters
  }
  return {best_merges, best};
}

}  // namespace

std::size_t correlation_block_bars(std::size_t bars, std::size_t max_blocks) {
  return bars > max_blocks ? (bars + max_blocks - 1) / max_blocks : 1;
}

std::vector<double> correlation_block_sums(std::span<const double> series, std::size_t block_bars) {
  std::vector<double> out(series.size() / block_bars);
  for (std::size_t b = 0; b < out.size(); ++b) {
    double sum = 0;
    for (std::size_t t = b * block_bars; t < (b + 1) * block_bars; ++t) sum += series[t];
    out[b] = sum;
  }
  return out;
}

Clustering cluster_by_correlation(std::span<const std::span<const double>> series,
                                  const ClusteringOptions& options) {
  for (std::size_t i = 1; i < series.size(); ++i) {
    if (series[i].size() != series[0].size()) {
      throw core::UsageError(fmt::format(
          "clustering: series {} has {} bars, series 0 has {}; all must cover the same bars", i,
          series[i].size(), series[0].size()));
    }
  }
  if (options.max_blocks < 2) throw core::UsageError("clustering: max_blocks must be at least 2");
  Clustering out;
  const std::size_t n = series.size();
  const auto standardized = standardize(series, options.max_blocks);
  out.block_bars = standardized.block_bars;
  if (n == 0) return out;
  double mean_correlation = 1;
  const auto d = distances(standardized, mean_correlation);
  const auto merges = nn_chain(d, n);
  const auto [cut, silhouette] =
      n > 2 ? best_cut(d, n, merges) : std::pair<std::size_t, double>{0, 0.0};
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  out.structure = n > 2 && silhouette > options.min_silhouette;
  // Without structure: all alike (every merge) or all separate (none).
  const std::size_t applied =
      out.structure ? cut : (mean_correlation >= options.alike_correlation ? n - 1 : 0);
  out.silhouette = out.structure ? silhouette : 0.0;
  for (std::size_t m = 0; m < applied; ++m) {
    const std::size_t ra = find_root(parent, merges[m].a), rb = find_root(parent, merges[m].b);
    parent[std::max(ra, rb)] = std::min(ra, rb);
  }
  std::vector<std::size_t> id(n, n);
  out.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t r = find_root(parent, i);
    if (id[r] == n) id[r] = out.clusters++;
    out.labels[i] = id[r];
  }
  return out;
}

EffectiveTrials effective_trials(std::span<const std::span<const double>> series,
                                 const ClusteringOptions& options) {
  EffectiveTrials out;
  out.clustering = cluster_by_correlation(series, options);
  const std::size_t bars = series.empty() ? 0 : series[0].size();
  std::vector<std::vector<std::size_t>> members(out.clustering.clusters);
  for (std::size_t i = 0; i < series.size(); ++i) members[out.clustering.labels[i]].push_back(i);
  std::vector<double> rep(bars);
  for (const auto& group : members) {
    std::vector<double> weight;
    for (std::size_t i : group) {
      const double var = return_moments(series[i]).variance;
      weight.push_back(var > 0 ? 1.0 / var : 0.0);
    }
    double total = std::accumulate(weight.begin(), weight.end(), 0.0);
    if (!(total > 0) || !std::isfinite(total)) {
      std::fill(weight.begin(), weight.end(), 1.0);
      total = static_cast<double>(weight.size());
    }
    std::fill(rep.begin(), rep.end(), 0.0);
    for (std::size_t k = 0; k < group.size(); ++k) {
      const double w = weight[k] / total;
      for (std::size_t t = 0; t < bars; ++t) rep[t] += w * series[group[k]][t];
    }
    out.representative_sharpes.push_back(sharpe_sample(rep).sharpe_per_bar);
  }
  out.sharpe_variance_per_bar = sharpe_variance(out.representative_sharpes);
  return out;
}

}  // namespace organism::validate
