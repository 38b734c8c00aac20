// Correlation clustering and the effective number of trials: groups of near-identical series are
// found, independent series stay apart, alike ones merge, constants group together, the result
// does not depend on the input order, and V is the variance of the representatives' Sharpes.
#include "validate/clustering.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/random.hpp"

namespace organism::validate {
namespace {

using Series = std::vector<std::vector<double>>;

std::vector<double> noise(core::Rng& rng, std::size_t bars, double sd = 0.01) {
  std::vector<double> out(bars);
  for (double& r : out) r = sd * rng.normal();
  return out;
}

// groups x per_group series, each its group's base plus `wiggle` of its own noise.
Series grouped(std::size_t groups, std::size_t per_group, std::size_t bars, double wiggle,
               std::uint64_t seed) {
  core::Rng rng(seed);
  Series out;
  for (std::size_t g = 0; g < groups; ++g) {
    const auto base = noise(rng, bars);
    for (std::size_t k = 0; k < per_group; ++k) {
      auto own = noise(rng, bars, 0.01 * wiggle);
      for (std::size_t t = 0; t < bars; ++t) own[t] += base[t];
      out.push_back(std::move(own));
    }
  }
  return out;
}

std::vector<std::span<const double>> spans(const Series& s) { return {s.begin(), s.end()}; }

// The partition as a set of member sets, whatever the labels.
std::set<std::set<std::size_t>> partition(const Clustering& c,
                                          const std::vector<std::size_t>& names) {
  std::map<std::size_t, std::set<std::size_t>> by;
  for (std::size_t i = 0; i < c.labels.size(); ++i) by[c.labels[i]].insert(names[i]);
  std::set<std::set<std::size_t>> out;
  for (auto& [label, members] : by) out.insert(members);
  return out;
}

TEST(ClusterByCorrelation, ThreeGroupsOfNearIdenticalSeriesAreThreeClusters) {
  const auto s = grouped(3, 6, 600, 0.3, 11);
  const auto c = cluster_by_correlation(spans(s));
  EXPECT_EQ(c.clusters, 3u);
  EXPECT_TRUE(c.structure);
  EXPECT_GT(c.silhouette, 0.5);
  EXPECT_EQ(c.block_bars, 1u);
  for (std::size_t i = 0; i < s.size(); ++i)
    EXPECT_EQ(c.labels[i], i / 6) << i;  // numbered by first member
}

TEST(ClusterByCorrelation, SameClustersWhateverTheOrderAndOnEveryCall) {
  const auto s = grouped(4, 5, 500, 0.5, 12);
  std::vector<std::size_t> names(s.size());
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = i;
  const auto first = cluster_by_correlation(spans(s));
  const auto again = cluster_by_correlation(spans(s));
  EXPECT_EQ(first.labels, again.labels);
  EXPECT_EQ(first.silhouette, again.silhouette);
  auto reversed_names = names;
  std::reverse(reversed_names.begin(), reversed_names.end());
  Series reversed;
  for (std::size_t i : reversed_names) reversed.push_back(s[i]);
  const auto r = cluster_by_correlation(spans(reversed));
  EXPECT_EQ(first.clusters, 4u);
  EXPECT_EQ(partition(first, names), partition(r, reversed_names));
}

TEST(ClusterByCorrelation, IndependentSeriesAreEachTheirOwnCluster) {
  core::Rng rng(13);
  Series s;
  for (int i = 0; i < 30; ++i) s.push_back(noise(rng, 800));
  const auto c = cluster_by_correlation(spans(s));
  EXPECT_FALSE(c.structure);  // no cut reaches a mean silhouette of 0.25
  EXPECT_EQ(c.clusters, 30u);
  EXPECT_EQ(c.silhouette, 0.0);
}

TEST(ClusterByCorrelation, AlikeSeriesWithoutStructureAreOneCluster) {
  const auto s = grouped(1, 8, 600, 0.2, 14);
  const auto c = cluster_by_correlation(spans(s));
  EXPECT_FALSE(c.structure);
  EXPECT_EQ(c.clusters, 1u);
  // Two series: never cut, one cluster when alike, two when not.
  core::Rng rng(15);
  const Series pair = {s[0], s[1]}, apart = {noise(rng, 600), noise(rng, 600)};
  EXPECT_EQ(cluster_by_correlation(spans(pair)).clusters, 1u);
  EXPECT_EQ(cluster_by_correlation(spans(apart)).clusters, 2u);
  EXPECT_EQ(cluster_by_correlation(spans(Series{s[0]})).clusters, 1u);
  EXPECT_EQ(cluster_by_correlation(spans(Series{})).clusters, 0u);
}

TEST(ClusterByCorrelation, ConstantSeriesGroupTogetherApartFromTheRest) {
  core::Rng rng(16);
  const auto up = noise(rng, 400);
  auto down = noise(rng, 400, 0.001);  // nearly up's opposite, so the two never merge
  for (std::size_t t = 0; t < down.size(); ++t) down[t] -= up[t];
  const Series s = {std::vector<double>(400, 0.0), up, std::vector<double>(400, 0.0), down,
                    std::vector<double>(400, 0.001)};
  const auto c = cluster_by_correlation(spans(s));
  EXPECT_EQ(c.clusters, 3u);  // the three constants, and each varying series alone
  EXPECT_EQ(c.labels[0], c.labels[2]);
  EXPECT_EQ(c.labels[0], c.labels[4]);
  EXPECT_NE(c.labels[1], c.labels[3]);
  EXPECT_NE(c.labels[0], c.labels[1]);
}

TEST(ClusterByCorrelation, LongSeriesAreSummedOverBlocksFirst) {
  const auto s = grouped(3, 4, 5000, 0.3, 17);
  const auto c = cluster_by_correlation(spans(s));  // 1024 blocks at most: 5 bars each
  EXPECT_EQ(c.block_bars, 5u);
  EXPECT_EQ(c.clusters, 3u);
  ClusteringOptions o;
  o.max_blocks = 100;
  EXPECT_EQ(cluster_by_correlation(spans(s), o).block_bars, 50u);
  EXPECT_EQ(cluster_by_correlation(spans(s), o).clusters, 3u);
}

TEST(ClusterByCorrelation, SeriesOfDifferentLengthsAreAUsageError) {
  const Series s = {std::vector<double>(10, 0.1), std::vector<double>(9, 0.1)};
  EXPECT_THROW(cluster_by_correlation(spans(s)), core::UsageError);
}

double sharpe_by_hand(const std::vector<double>& r) {
  double mean = 0, ss = 0;
  for (double x : r) mean += x;
  mean /= static_cast<double>(r.size());
  for (double x : r) ss += (x - mean) * (x - mean);
  return mean / std::sqrt(ss / static_cast<double>(r.size() - 1));
}

TEST(EffectiveTrials, RepresentativesAreInverseVarianceMeansAndVTheirSharpeVariance) {
  core::Rng rng(18);
  auto a = noise(rng, 300), b = noise(rng, 300), c = noise(rng, 300), c2 = c;
  for (double& x : a) x += 0.002;
  for (double& x : b) x -= 0.001;
  std::vector<double> a2(a.size());
  for (std::size_t t = 0; t < a.size(); ++t) a2[t] = 2 * a[t] + 0.01 * 0.05 * rng.normal();
  for (double& x : c2) x = x * 3 + 0.01 * 0.05 * rng.normal();
  const Series s = {a, b, a2, c, c2};
  const auto e = effective_trials(spans(s));
  ASSERT_EQ(e.clustering.clusters, 3u);
  EXPECT_EQ(e.clustering.labels, (std::vector<std::size_t>{0, 1, 0, 2, 2}));
  // The representative of {a, a2}: weights 1/var(a), 1/var(a2), normalized.
  const auto var = [](const std::vector<double>& r) {
    const double sr = sharpe_by_hand(r);
    double mean = 0;
    for (double x : r) mean += x;
    mean /= static_cast<double>(r.size());
    return (mean / sr) * (mean / sr);
  };
  const auto rep = [&](const std::vector<double>& x, const std::vector<double>& y) {
    const double wx = 1 / var(x), wy = 1 / var(y);
    std::vector<double> out(x.size());
    for (std::size_t t = 0; t < x.size(); ++t) out[t] = (wx * x[t] + wy * y[t]) / (wx + wy);
    return out;
  };
  const std::vector<double> sharpes = {sharpe_by_hand(rep(a, a2)), sharpe_by_hand(b),
                                       sharpe_by_hand(rep(c, c2))};
  ASSERT_EQ(e.representative_sharpes.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k)
    EXPECT_NEAR(e.representative_sharpes[k], sharpes[k], 1e-12) << k;
  const double mean = (sharpes[0] + sharpes[1] + sharpes[2]) / 3;
  double v = 0;
  for (double x : sharpes) v += (x - mean) * (x - mean);
  EXPECT_NEAR(e.sharpe_variance_per_bar, v / 2, 1e-14);
  EXPECT_GT(e.sharpe_variance_per_bar, 0.01);  // the edge of a and the loss of b are far apart
}

TEST(EffectiveTrials, OneClusterHasNoVariance) {
  const auto s = grouped(1, 5, 300, 0.1, 19);
  const auto e = effective_trials(spans(s));
  EXPECT_EQ(e.clustering.clusters, 1u);
  EXPECT_EQ(e.sharpe_variance_per_bar, 0.0);
}

}  // namespace
}  // namespace organism::validate
